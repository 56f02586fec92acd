"""Nothing unpublished is public by any URL; officers edit only their own cities' projects."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from projects.models import ProjectAttachment
from tests.calls import pdfs
from tests.factories import OfficerFactory
from tests.projects.factories import build_project

pytestmark = pytest.mark.django_db


def attach(project):
    attachment = ProjectAttachment(
        project=project, title="Estudio de caso", original_name="caso.pdf", sha256="0" * 64
    )
    attachment.file.save("caso.pdf", ContentFile(pdfs.pdf_with_pages(1)), save=True)
    return attachment


def urls_of(project):
    attachment = attach(project)
    return [
        reverse("project_detail", args=[project.slug]),
        reverse("project_history", args=[project.slug]),
        reverse("project_attachment", args=[project.slug, attachment.pk]),
    ]


@pytest.mark.parametrize("kind", ["draft", "withdrawn"])
def test_anonymous_and_strangers_never_see_unpublished_projects(
    request, client, kind, stranger, other_officer
):
    project = request.getfixturevalue(kind)
    urls = urls_of(project)
    for user in (None, stranger, other_officer):
        if user is not None:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in (
            reverse("project_directory") + "?q=secreto",
            reverse("project_directory"),
            reverse("project_data_csv"),
            reverse("project_data_json"),
        ):
            body = client.get(url)
            text = b"".join(body.streaming_content) if body.streaming else body.content
            assert project.title.encode() not in text, url
        client.logout()


def test_published_project_is_public_with_its_attachment(client, published):
    for url in urls_of(published):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"Triaje de permisos de obra" in client.get(reverse("project_directory")).content


def test_officers_and_staff_see_the_draft(client, draft, officer, staff):
    for user in (officer, staff):
        client.force_login(user)
        for url in urls_of(draft):
            assert client.get(url).status_code == 200, (user, url)


def test_officer_of_another_city_cannot_edit(client, published, draft, other_officer):
    client.force_login(other_officer)
    assert client.get(reverse("project_edit", args=[published.slug])).status_code == 403
    assert client.get(reverse("project_edit", args=[draft.slug])).status_code == 404
    assert client.post(reverse("project_publish", args=[draft.slug])).status_code == 404
    assert client.get(reverse("project_status", args=[published.slug])).status_code == 403


def test_each_participating_city_edits_a_shared_project(client, la_serena, penalolen):
    shared = build_project([la_serena, penalolen])
    for city in (la_serena, penalolen):
        client.force_login(OfficerFactory(municipality=city).user)
        assert client.get(reverse("project_edit", args=[shared.slug])).status_code == 200


def test_staff_of_another_chapter_cannot_moderate(client, published):
    from tests.factories import ChapterFactory, ChapterStaffFactory, enable_totp

    other = ChapterStaffFactory(chapter=ChapterFactory(slug="ciiar-argentina")).user
    enable_totp(other)
    client.force_login(other)
    url = reverse("staff_project_withdraw", args=[published.slug])
    assert client.get(url).status_code == 403  # published: visible, but not theirs
    response = client.post(url, {"reason": "x"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.is_published
