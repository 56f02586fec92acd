"""PDFs: rendered by WeasyPrint with the bundled font and no network; the coalition summary is
prepared in the background and downloaded only by staff."""

from __future__ import annotations

import io
import socket
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import SuspiciousFileOperation
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from coalition import pdf as pdf_module
from coalition.instants import zone_name
from coalition.models import AuditEvent, GeneratedDocument
from coalition.pdf import LocalOnlyURLFetcher, NetworkRefused, render_pdf
from coalition.services import coalition_summary_render
from tests.factories import ChapterFactory

SUMMARY_URL = reverse("coalition_summary")


def read_pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def embedded_font_names(reader: PdfReader) -> set[str]:
    """Names of the fonts whose program is embedded in the file."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    # Subsets are named "ABCDEF+Family-Style".
                    names.add(str(descriptor["/FontName"]).lstrip("/").split("+", 1)[-1])
    return names


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def pdf_templates(settings, tmp_path):
    """A folder of extra templates for the PDF tests."""
    folder = tmp_path / "templates"
    (folder / "pdf").mkdir(parents=True)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    return folder / "pdf"


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to resolve a name or open a connection."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during a test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


# --- The helper ---------------------------------------------------------------------------


def test_render_pdf_makes_a_real_pdf_with_the_bundled_font(no_network):
    summary = SimpleNamespace(
        chapters=[
            SimpleNamespace(
                name="CIAR Chile",
                country="CL",
                time_zone="America/Santiago",
                staff_count=3,
                call_count=1,
                description="Lanzada en La Moneda con 13 comunas.",
            )
        ],
        user_count=1234,
        municipality_count=13,
        approved_officer_count=21,
    )
    data = render_pdf(
        "pdf/coalition_summary.html", {"summary": summary, "generated_at": timezone.now()}
    )
    reader = read_pdf(data)
    assert len(reader.pages) == 2  # the cover breaks the page
    text = text_of(reader)
    assert "CIAR Chile" in text
    assert "Lanzada en La Moneda con 13 comunas." in text
    with translation.override("es"):
        assert zone_name("America/Santiago") in text
    assert "1 / 2" in text and "2 / 2" in text  # page numbers in the margin
    # Source Sans 3 is no system font here: its presence proves the bundled file was used.
    fonts = embedded_font_names(reader)
    assert any(name.startswith("Source-Sans-3") for name in fonts), fonts
    assert no_network == []


def test_remote_urls_in_a_template_are_refused_and_rendering_goes_on(
    pdf_templates, no_network, monkeypatch
):
    (pdf_templates / "remote.html").write_text(
        """<!DOCTYPE html><html lang="es"><head>
        <link rel="stylesheet" href="https://cdn.example.com/style.css">
        <style>
          @import url("http://cdn.example.com/more.css");
          @font-face { font-family: Remote; src: url("https://fonts.example.com/r.woff"); }
          body { background: url("https://img.example.com/bg.png"); }
        </style></head>
        <body><p>Informe sin red</p>
        <img src="https://img.example.com/logo.png" alt="logo">
        <img src="file:///etc/hostname" alt="local file">
        </body></html>"""
    )
    refused: list[str] = []
    original = LocalOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        try:
            return original(self, url, headers)
        except NetworkRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(LocalOnlyURLFetcher, "fetch", spy)
    reader = read_pdf(render_pdf("pdf/remote.html", {}))
    assert "Informe sin red" in text_of(reader)
    assert "https://cdn.example.com/style.css" in refused
    assert "https://img.example.com/logo.png" in refused
    assert "file:///etc/hostname" in refused
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/pdf.css",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "//example.com/protocol-relative.png",
    ],
)
def test_fetcher_refuses_anything_but_static_and_data(url, no_network):
    with pytest.raises(NetworkRefused):
        LocalOnlyURLFetcher().fetch(url)
    assert no_network == []


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = LocalOnlyURLFetcher(allowed_protocols=("file", "data"))
    response = fetcher.fetch(f"{pdf_module.STATIC_SCHEME}css/pdf.css")
    try:
        assert b"Source Sans 3" in response.read()
    finally:
        response.close()
    response = fetcher.fetch("data:text/plain;base64,aG9sYQ==")
    try:
        assert response.read() == b"hola"
    finally:
        response.close()


def test_fetcher_does_not_leave_the_static_folders():
    fetcher = LocalOnlyURLFetcher(allowed_protocols=("file", "data"))
    with pytest.raises(FileNotFoundError):
        fetcher.fetch("static:css/missing.css")
    with pytest.raises((FileNotFoundError, SuspiciousFileOperation)):
        fetcher.fetch("static:../coalition/settings.py")
    with pytest.raises(FileNotFoundError):
        fetcher.fetch("static:/etc/passwd")


# --- The coalition summary ----------------------------------------------------------------


@pytest.fixture
def ready_summary(staff_user, chapter, django_capture_on_commit_callbacks):
    staff_user.language = "en"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        from coalition.services import coalition_summary_request

        document = coalition_summary_request(
            requested_by=staff_user, language="en", chapter=chapter
        )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.READY
    mail.outbox.clear()
    return document


@pytest.mark.django_db
def test_staff_request_a_summary_and_get_it_by_e_mail(
    client, staff_user, chapter, other_chapter, django_capture_on_commit_callbacks, no_network
):
    ChapterFactory(name="GovTech Connect", slug="govtech-connect", description="Red regional")
    staff_user.language = "pt-br"
    staff_user.save()
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUMMARY_URL)
    assert response.status_code == 302
    assert response.url == SUMMARY_URL

    document = GeneratedDocument.objects.get()
    assert document.kind == GeneratedDocument.Kind.COALITION_SUMMARY
    assert document.requested_by == staff_user
    assert document.language == "pt-br"
    assert document.status == GeneratedDocument.Status.READY
    assert document.finished_at is not None
    assert document.file
    with document.file.open("rb") as stored:
        reader = read_pdf(stored.read())
    assert document.page_count == len(reader.pages) >= 2
    text = text_of(reader)
    # Staff of one chapter get the summary of their chapter, nothing of the others.
    assert document.chapter == chapter
    assert "CIAR Chile" in text
    for name in ("CIIAR Argentina", "GovTech Connect", "Red regional"):
        assert name not in text

    request_event = AuditEvent.objects.get(action="coalition_summary.request")
    assert request_event.actor == staff_user
    assert request_event.target_id == str(document.pk)
    assert request_event.to_state == "pending"
    assert request_event.chapter == chapter
    render_event = AuditEvent.objects.get(action="coalition_summary.render")
    assert render_event.actor is None
    assert (render_event.from_state, render_event.to_state) == ("pending", "ready")
    assert render_event.details == {"pages": document.page_count}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff_user.email]
    assert message.subject
    assert str(document.page_count) in message.body
    assert f"http://localhost:8000{SUMMARY_URL}" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="pt-br">' in html
    assert f'href="http://localhost:8000{SUMMARY_URL}"' in html

    page = client.get(SUMMARY_URL)
    assert reverse("generated_document_download", args=[document.pk]) in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # nothing pending: no polling


@pytest.mark.django_db
def test_nothing_is_rendered_before_the_request_commits(
    client, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(SUMMARY_URL)
    document = GeneratedDocument.objects.get()
    assert document.status == GeneratedDocument.Status.PENDING
    assert len(callbacks) == 1
    assert not AuditEvent.objects.filter(action="coalition_summary.render").exists()
    # While it is pending, the list polls for news (htmx) and the partial answers alone.
    page = client.get(SUMMARY_URL)
    assert 'hx-trigger="every 2s"' in page.content.decode()
    partial = client.get(SUMMARY_URL, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith("<section")
    assert "<html" not in partial.content.decode()


@pytest.mark.django_db
def test_rendering_twice_does_nothing_the_second_time(
    ready_summary, django_capture_on_commit_callbacks
):
    name = ready_summary.file.name
    with django_capture_on_commit_callbacks(execute=True):
        again = coalition_summary_render(document_id=ready_summary.pk)
    assert again.file.name == name
    assert AuditEvent.objects.filter(action="coalition_summary.render").count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["staff", "superuser"], indirect=True)
def test_staff_download_the_summary(client, ready_summary, role_user, other_staff_user):
    """The chapter's staff and superusers; not the staff of another chapter."""
    client.force_login(other_staff_user)
    url = reverse("generated_document_download", args=[ready_summary.pk])
    assert client.get(url).status_code == 403
    for user in (role_user,):
        client.force_login(user)
        response = client.get(reverse("generated_document_download", args=[ready_summary.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert f"coalition_summary-{ready_summary.pk}.pdf" in response["Content-Disposition"]
        data = b"".join(response.streaming_content)
        assert len(read_pdf(data).pages) == ready_summary.page_count


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_user", ["committee", "officer", "pending_officer", "plain"], indirect=True
)
def test_others_cannot_download_the_summary(client, ready_summary, role_user):
    client.force_login(role_user)
    response = client.get(reverse("generated_document_download", args=[ready_summary.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, ready_summary):
    url = reverse("generated_document_download", args=[ready_summary.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.django_db
def test_a_summary_not_ready_yet_is_not_found(client, staff_user):
    pending = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY,
        language="es",
        requested_by=staff_user,
        chapter=staff_user.chapter_roles.get().chapter,
    )
    client.force_login(staff_user)
    assert client.get(reverse("generated_document_download", args=[pending.pk])).status_code == 404
    assert client.get(reverse("generated_document_download", args=[999_999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["officer", "plain"], indirect=True)
def test_only_staff_may_ask_for_a_summary(client, role_user):
    client.force_login(role_user)
    assert client.post(SUMMARY_URL).status_code == 403
    assert not GeneratedDocument.objects.exists()
