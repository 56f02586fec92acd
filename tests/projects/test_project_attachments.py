"""Attachments are PDFs checked like application documents, private while the project is."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from projects.models import ProjectAttachment
from tests.calls import pdfs
from tests.calls.test_pdfcheck import _open_action_js, _writer

pytestmark = pytest.mark.django_db


def upload(client, project, content: bytes, name="caso.pdf"):
    with translation.override("en"):
        return client.post(
            reverse("project_attachment_upload", args=[project.slug]),
            {"title": "Estudio de caso", "file": SimpleUploadedFile(name, content)},
        )


def test_a_real_pdf_is_attached_and_downloadable(client, officer, published):
    client.force_login(officer)
    response = upload(client, published, pdfs.pdf_with_pages(2))
    assert response.status_code == 302
    attachment = ProjectAttachment.objects.get()
    assert attachment.pages == 2
    client.logout()
    response = client.get(reverse("project_attachment", args=[published.slug, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (pdfs.png_bytes(), "not a PDF"),
        (b"", "empty"),
        (pdfs.encrypted_pdf(), "password"),
        ("js", "active content"),
    ],
)
def test_bad_files_are_refused_at_the_field(client, officer, published, content, says):
    if content == "js":
        writer = _writer()
        _open_action_js(writer)
        content = pdfs._bytes(writer)
    client.force_login(officer)
    response = upload(client, published, content)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ProjectAttachment.objects.exists()


def test_only_the_projects_officers_upload_and_remove(client, other_officer, officer, published):
    client.force_login(other_officer)
    assert upload(client, published, pdfs.pdf_with_pages(1)).status_code == 403
    client.force_login(officer)
    upload(client, published, pdfs.pdf_with_pages(1))
    attachment = ProjectAttachment.objects.get()
    client.force_login(other_officer)
    url = reverse("project_attachment_remove", args=[published.slug, attachment.pk])
    assert client.post(url).status_code == 403
    client.force_login(officer)
    assert client.post(url).status_code == 302
    assert not ProjectAttachment.objects.exists()


def test_an_attachment_id_of_another_project_is_not_found(client, officer, published, draft):
    client.force_login(officer)
    upload(client, draft, pdfs.pdf_with_pages(1))
    attachment = ProjectAttachment.objects.get()
    client.logout()
    url = reverse("project_attachment", args=[published.slug, attachment.pk])
    assert client.get(url).status_code == 404
