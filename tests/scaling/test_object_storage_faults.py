"""Object storage that fails: an object gone, the server unreachable or refusing.

The portal reports what it cannot do, where the user acts, and never answers a request that
was committed with a server error; background work waits and retries.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from calls.models import Document
from coalition.settings import s3_storage
from tests.calls import pdfs
from tests.calls.helpers import fill_in
from tests.scaling.s3 import ACCESS_KEY, SECRET_KEY

pytestmark = pytest.mark.django_db


def test_a_missing_object_leaves_a_notice_in_the_dossier(bucket, application, officer):
    """An object gone from the bucket is reported like a file gone from the disk."""
    from django.utils import translation
    from django.utils.translation import gettext

    from calls import background

    fill_in(application, officer)
    letter = application.documents.get(kind=Document.Kind.LETTER)
    bucket.client.delete_object(Bucket=bucket.name, Key=letter.file.name)
    application = background.application_render_dossier(application_id=application.pk)
    reader = PdfReader(io.BytesIO(bucket.read(application.dossier.name)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    with translation.override("es"):
        assert gettext("The file could not be read; it is not included.") in text


def test_object_storage_errors_make_receipts_and_dossiers_retry():
    from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

    from calls import tasks

    for task in (tasks.send_submission_receipt, tasks.render_dossier):
        for error in (ClientError, EndpointConnectionError, ReadTimeoutError, OSError):
            assert issubclass(error, task.autoretry_for), (task.name, error)


def test_an_upload_the_object_storage_refuses_is_reported_at_the_field(
    bucket, settings, officer_client, application
):
    gone = s3_storage({**bucket.environment(), "STORAGE_S3_BUCKET": "coalition-gone"})
    gone["OPTIONS"].update(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    settings.STORAGES = {**settings.STORAGES, "default": gone}
    response = officer_client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": Document.Kind.LETTER, "file": pdfs.as_upload(pdfs.signed_pdf(), "carta.pdf")},
    )
    assert response.status_code == 400
    assert "could not be stored just now" in response.content.decode()
    assert not application.documents.exists()


def test_a_failed_deletion_after_commit_does_not_fail_the_request(
    bucket, officer_client, application, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from botocore.exceptions import EndpointConnectionError
    from storages.backends.s3 import S3Storage

    upload = reverse("application_upload", args=[application.pk])
    officer_client.post(
        upload, {"kind": Document.Kind.LETTER, "file": pdfs.as_upload(pdfs.signed_pdf())}
    )
    first = application.documents.get()

    def unreachable(self, name):
        raise EndpointConnectionError(endpoint_url=bucket.endpoint)

    monkeypatch.setattr(S3Storage, "delete", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            upload,
            {
                "kind": Document.Kind.LETTER,
                "file": pdfs.as_upload(pdfs.pdf_with_pages(1), "carta-2.pdf"),
                "replaces": first.pk,
            },
        )
    assert response.status_code == 302
    second = application.documents.get()
    assert second.pk != first.pk
    # The old object is left behind (private), and the operators are told.
    assert first.file.name in bucket.object_keys()
    assert "left behind" in caplog.text


def test_a_receipt_e_mail_waits_for_the_object_storage(bucket, officer, monkeypatch):
    """The attachment cannot be read: the e-mail is retried later like a mail server outage."""
    from botocore.exceptions import EndpointConnectionError
    from storages.backends.s3 import S3Storage

    from coalition import tasks

    retried = []
    monkeypatch.setattr(tasks, "retry_mail_later", lambda task, error: retried.append(error))

    def unreachable(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url=bucket.endpoint)

    monkeypatch.setattr(S3Storage, "_open", unreachable)
    tasks.send_user_email.apply(
        args=[
            officer.pk,
            "application_submitted",
            {"call": "Convocatoria", "municipality": "Peñalolén", "application_id": 1},
            ["receipts/2026/receipt-1.pdf"],
        ]
    )
    assert [type(error) for error in retried] == [EndpointConnectionError]
