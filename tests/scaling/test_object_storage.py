"""Uploaded and generated files in S3-compatible object storage (a local moto server).

Real flows through the portal's views, with the default storage in a private bucket: an
officer uploads PDFs and downloads them again, another city's officer is refused, the
submission's receipt and the committee's dossier are rendered (WeasyPrint, merging the
uploaded PDFs read back from the bucket), as are a coalition summary and a committee export.
Every file is an object in the bucket, nothing is written to MEDIA_ROOT, and no object can be
read without credentials: the only way to a file is the portal's permission check.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import Destination

from calls.models import Application, Document
from calls.review.models import CommitteeExport
from coalition import services as coalition_services
from coalition.models import GeneratedDocument
from tests.calls import pdfs
from tests.calls.helpers import fill_in

pytestmark = pytest.mark.django_db


def body_of(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def assert_private(bucket, key: str) -> None:
    """Without credentials the object cannot be read, and no grant makes it public."""
    with requests.Session() as session:
        session.trust_env = False  # straight to the local server
        anonymous_get = session.get(bucket.public_url(key), timeout=10)
    assert anonymous_get.status_code == 403, (key, anonymous_get.status_code)
    assert bucket.public_grants(key) == []


def assert_nothing_on_local_disk() -> None:
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def outline_titles(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [item.title for item in reader.outline if isinstance(item, Destination)]


def test_the_storage_is_the_bucket(bucket):
    assert default_storage.bucket_name == bucket.name
    # Were a URL ever asked for, it would be signed and short-lived, never a public one.
    url = default_storage.url("applications/x.pdf")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


def test_an_uploaded_pdf_is_a_private_object_downloaded_through_the_permission_check(
    bucket,
    officer_client,
    application,
    login,
    other_officer,
    anonymous,
    django_capture_on_commit_callbacks,
):
    letter = pdfs.signed_pdf()
    response = officer_client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": Document.Kind.LETTER, "file": pdfs.as_upload(letter, "carta.pdf")},
    )
    assert response.status_code == 302
    # A large upload is a temporary file on disk while the request lasts: it goes too.
    report = pdfs.pdf_with_pages(3)
    with pdfs.as_upload(report, "informe.pdf", temporary=True) as upload:
        officer_client.post(
            reverse("application_upload", args=[application.pk]),
            {"kind": Document.Kind.REPORT, "file": upload},
        )
    documents = {d.kind: d for d in application.documents.all()}
    assert set(documents) == {Document.Kind.LETTER, Document.Kind.REPORT}
    assert documents[Document.Kind.LETTER].signature != Document.Signature.NONE
    assert bucket.object_keys() == sorted(d.file.name for d in documents.values())
    assert bucket.read(documents[Document.Kind.LETTER].file.name) == letter
    assert bucket.read(documents[Document.Kind.REPORT].file.name) == report
    for document in documents.values():
        assert_private(bucket, document.file.name)
    assert_nothing_on_local_disk()

    # The page links to the portal's view, never to the bucket.
    page = officer_client.get(reverse("application_edit", args=[application.pk])).content
    assert bucket.endpoint.encode() not in page
    assert bucket.name.encode() not in page

    download = reverse("document_download", args=[application.pk, documents["letter"].pk])
    response = officer_client.get(download)
    assert response["Cache-Control"] == "private, no-store"
    assert body_of(response) == letter
    assert login(other_officer).get(download).status_code == 404
    assert anonymous.get(download).status_code == 302

    # A replaced letter leaves no object behind once the replacement is committed.
    old_key = documents[Document.Kind.LETTER].file.name
    second = pdfs.pdf_with_pages(1, "Carta firmada de nuevo")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("application_upload", args=[application.pk]),
            {
                "kind": Document.Kind.LETTER,
                "file": pdfs.as_upload(second, "carta-2.pdf"),
                "replaces": documents[Document.Kind.LETTER].pk,
            },
        )
    assert old_key not in bucket.object_keys()
    letter_now = application.documents.get(kind=Document.Kind.LETTER)
    assert bucket.read(letter_now.file.name) == second


def test_two_cities_uploading_the_same_file_get_two_objects(
    bucket, application, other_application, officer, other_officer
):
    fill_in(application, officer)
    fill_in(other_application, other_officer)
    ours = application.documents.get(kind=Document.Kind.REPORT)
    theirs = other_application.documents.get(kind=Document.Kind.REPORT)
    assert ours.sha256 == theirs.sha256
    assert ours.file.name != theirs.file.name
    assert len(bucket.object_keys()) == 4


def test_receipt_and_dossier_are_rendered_into_the_bucket_and_downloaded_by_who_may(
    bucket,
    application,
    officer,
    officer_client,
    staff_client,
    login,
    other_officer,
    other_staff_user,
    django_capture_on_commit_callbacks,
):
    fill_in(application, officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    # The receipt: rendered by the task (in process here), stored, e-mailed as an attachment
    # read back from the bucket, and downloaded by the officer only.
    assert application.receipt.name in bucket.object_keys()
    assert_private(bucket, application.receipt.name)
    stored_receipt = bucket.read(application.receipt.name)
    assert stored_receipt.startswith(b"%PDF-")
    [message] = mail.outbox
    [(_name, attached, _type)] = message.attachments
    assert attached == stored_receipt
    receipt_url = reverse("receipt_download", args=[application.pk])
    assert body_of(officer_client.get(receipt_url)) == stored_receipt
    assert login(other_officer).get(receipt_url).status_code == 404

    # The dossier: staff ask for it, the task reads every uploaded PDF from the bucket, runs
    # the bounded check on it in a child process and merges it behind the rendered form.
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("staff_application", args=[application.pk]), {"action": "dossier"}
        )
    application.refresh_from_db()
    assert application.dossier.name in bucket.object_keys()
    assert_private(bucket, application.dossier.name)
    dossier_url = reverse("dossier_download", args=[application.pk])
    dossier = body_of(staff_client.get(dossier_url))
    assert dossier == bucket.read(application.dossier.name)
    # In the chapter's language: the form, then the letter and the report from the bucket.
    assert outline_titles(dossier) == ["Formulario", "Carta de compromiso", "Informe descriptivo"]
    assert len(PdfReader(io.BytesIO(dossier)).pages) >= 1 + 1 + 3
    assert login(other_staff_user).get(dossier_url).status_code in (403, 404)
    assert login(officer).get(dossier_url).status_code in (302, 403, 404)
    assert_nothing_on_local_disk()


def test_a_generated_summary_is_stored_in_the_bucket(
    bucket,
    chapter,
    staff_user,
    staff_client,
    login,
    other_staff_user,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        document = coalition_services.coalition_summary_request(
            requested_by=staff_user, language="en", chapter=chapter
        )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.READY
    assert document.file.name in bucket.object_keys()
    assert_private(bucket, document.file.name)
    download = reverse("generated_document_download", args=[document.pk])
    body = body_of(staff_client.get(download))
    assert body == bucket.read(document.file.name)
    assert len(PdfReader(io.BytesIO(body)).pages) == document.page_count
    assert login(other_staff_user).get(download).status_code in (403, 404)
    assert_nothing_on_local_disk()


def test_a_committee_export_is_stored_in_the_bucket(
    bucket, call, staff_client, login, other_staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("results_export_staff", args=[call.slug]), {"kind": "scores_csv"})
    export = CommitteeExport.objects.get()
    assert export.status == CommitteeExport.Status.READY
    assert export.file.name in bucket.object_keys()
    assert_private(bucket, export.file.name)
    download = reverse("results_export_download_staff", args=[export.pk])
    assert body_of(staff_client.get(download)) == bucket.read(export.file.name)
    assert login(other_staff_user).get(download).status_code in (403, 404)
    assert_nothing_on_local_disk()


def test_a_logo_is_stored_in_the_bucket_and_served_by_the_portal(
    bucket, municipality, officer_client, anonymous
):
    municipality.logo.save("logo.png", ContentFile(pdfs.png_bytes()))
    assert municipality.logo.name in bucket.object_keys()
    assert_private(bucket, municipality.logo.name)
    response = anonymous.get(reverse("municipality_logo", args=[municipality.slug]))
    assert body_of(response) == pdfs.png_bytes()


def test_the_privacy_check_would_see_a_public_object(bucket):
    """The check above is real: an object made public is readable without credentials."""
    bucket.client.put_object(Bucket=bucket.name, Key="public.pdf", Body=b"%PDF-", ACL="public-read")
    with pytest.raises(AssertionError):
        assert_private(bucket, "public.pdf")


def test_a_large_file_comes_back_whole_from_the_bucket(bucket, officer_client, application):
    """Above the in-memory size a file read from the bucket goes through a temporary file."""
    report = pdfs.large_pdf(3_500_000, pages=2)
    with pdfs.as_upload(report, "informe.pdf", temporary=True) as upload:
        officer_client.post(
            reverse("application_upload", args=[application.pk]),
            {"kind": Document.Kind.REPORT, "file": upload},
        )
    document = application.documents.get(kind=Document.Kind.REPORT)
    assert bucket.read(document.file.name) == report
    response = officer_client.get(reverse("document_download", args=[application.pk, document.pk]))
    assert int(response["Content-Length"]) == len(report)
    assert body_of(response) == report


def test_a_project_attachment_is_stored_in_the_bucket(
    bucket, municipality, officer_client, login, other_officer
):
    from projects.models import Project, ProjectAttachment
    from tests.projects.factories import build_project

    project = build_project(
        [municipality], title="Proyecto en borrador", visibility=Project.Visibility.DRAFT
    )
    case = pdfs.pdf_with_pages(2, "Estudio de caso")
    response = officer_client.post(
        reverse("project_attachment_upload", args=[project.slug]),
        {"title": "Estudio de caso", "file": pdfs.as_upload(case, "caso.pdf")},
    )
    assert response.status_code == 302
    attachment = ProjectAttachment.objects.get()
    assert bucket.read(attachment.file.name) == case
    assert_private(bucket, attachment.file.name)
    download = reverse("project_attachment", args=[project.slug, attachment.pk])
    assert body_of(officer_client.get(download)) == case
    assert login(other_officer).get(download).status_code == 404
    assert_nothing_on_local_disk()
