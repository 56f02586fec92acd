"""A coalition summary belongs to the chapter it was asked for: its staff list it, download
it and read only that chapter in it; a superuser may ask for every chapter."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from coalition import services
from coalition.models import GeneratedDocument
from tests.factories import ChapterStaffFactory, MunicipalityFactory, enable_totp

pytestmark = pytest.mark.django_db

SUMMARY_URL = reverse("coalition_summary")


def pdf_text(document: GeneratedDocument) -> str:
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def cities(chapter, other_chapter):
    MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen", country="CL")
    MunicipalityFactory(chapter=chapter, name="Renca", slug="renca", country="CL")
    MunicipalityFactory(
        chapter=other_chapter, name="Bahía Blanca", slug="bahia-blanca", country="AR"
    )


@pytest.fixture
def request_summary(django_capture_on_commit_callbacks):
    def make(user, chapter) -> GeneratedDocument:
        with django_capture_on_commit_callbacks(execute=True):
            document = services.coalition_summary_request(
                requested_by=user, language="en", chapter=chapter
            )
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.READY
        return document

    return make


def test_a_chapters_summary_shows_only_its_cities(
    client, staff_user, chapter, cities, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SUMMARY_URL).status_code == 302
    document = GeneratedDocument.objects.get()
    assert document.chapter == chapter
    text = pdf_text(document)
    assert "Peñalolén" in text and "Renca" in text
    assert "Bahía Blanca" not in text
    assert "CIIAR Argentina" not in text


def test_staff_of_another_chapter_neither_list_nor_download_it(
    client, staff_user, other_staff_user, chapter, cities, request_summary
):
    document = request_summary(staff_user, chapter)
    download = reverse("generated_document_download", args=[document.pk])

    client.force_login(other_staff_user)
    assert download not in client.get(SUMMARY_URL).content.decode()
    assert client.get(download).status_code == 403

    client.force_login(staff_user)
    assert download in client.get(SUMMARY_URL).content.decode()
    assert client.get(download).status_code == 200


def test_staff_cannot_ask_for_another_chapter_or_for_all(client, staff_user, other_chapter, cities):
    with pytest.raises(PermissionDenied):
        services.coalition_summary_request(
            requested_by=staff_user, language="en", chapter=other_chapter
        )
    with pytest.raises(PermissionDenied):
        services.coalition_summary_request(requested_by=staff_user, language="en", chapter=None)
    client.force_login(staff_user)
    # The form's only chapter is theirs whatever is posted.
    client.post(SUMMARY_URL, {"chapter": other_chapter.pk})
    assert not GeneratedDocument.objects.exclude(chapter__staff__user=staff_user).exists()


def test_staff_of_several_chapters_choose_one(
    client, staff_user, chapter, other_chapter, cities, django_capture_on_commit_callbacks
):
    ChapterStaffFactory(chapter=other_chapter, user=staff_user)
    client.force_login(staff_user)
    page = client.get(SUMMARY_URL).content.decode()
    assert 'name="chapter"' in page and "CIIAR Argentina" in page
    assert "Todos los capítulos" not in page
    # Nothing chosen is an error at the field, not a summary of everything.
    assert client.post(SUMMARY_URL, {"chapter": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SUMMARY_URL, {"chapter": other_chapter.pk})
    document = GeneratedDocument.objects.get()
    assert document.chapter == other_chapter
    text = pdf_text(document)
    assert "Bahía Blanca" in text and "Peñalolén" not in text


def test_a_superuser_may_ask_for_every_chapter(
    client, superuser, staff_user, chapter, cities, request_summary
):
    client.force_login(superuser)
    assert "Todos los capítulos" in client.get(SUMMARY_URL).content.decode()
    everything = request_summary(superuser, None)
    assert everything.chapter is None
    text = pdf_text(everything)
    for name in ("Peñalolén", "Renca", "Bahía Blanca", "CIAR Chile", "CIIAR Argentina"):
        assert name in text
    # ...which the staff of one chapter do not get.
    client.force_login(staff_user)
    download = reverse("generated_document_download", args=[everything.pk])
    assert download not in client.get(SUMMARY_URL).content.decode()
    assert client.get(download).status_code == 403


def test_staff_without_two_factor_are_sent_to_set_up(client, chapter, cities, request_summary):
    staff = ChapterStaffFactory(chapter=chapter).user
    enable_totp(staff)
    document = request_summary(staff, chapter)
    staff.authenticator_set.all().delete()
    client.force_login(staff)
    response = client.get(reverse("generated_document_download", args=[document.pk]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")
