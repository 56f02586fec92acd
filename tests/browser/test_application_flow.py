"""An officer applies to an open call, in a real browser (Spanish interface): autosave,
refused and accepted PDF uploads, the completeness check, submission and the PDF receipt;
then the chapter staff screen the application."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calls import call_setup
from calls.models import Application, Call
from tests.browser.helpers import open_page, sign_in
from tests.calls import pdfs
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)

pytestmark = pytest.mark.browser

REQUIREMENT_EVIDENCE = "Contar con un área de innovación o gobierno digital"
REQUIREMENT_PLAIN = "Compartir datos y casos de estudio"
QUESTION = "Describa un proyecto de IA que quiera impulsar"


@pytest.fixture
def chapter(transactional_db):
    return ChapterFactory(
        name="CIAR Chile", slug="ciar-chile", country="CL", time_zone="America/Santiago"
    )


@pytest.fixture
def staff(chapter):
    user = ChapterStaffFactory(chapter=chapter, user=UserFactory(full_name="Pablo Staff")).user
    user.totp_secret = enable_totp(user)
    return user


@pytest.fixture
def officer(chapter):
    municipality = MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")
    return OfficerFactory(
        municipality=municipality,
        user__full_name="María José Soto",
        user__email="mjsoto@penalolen.example.org",
    ).user


@pytest.fixture
def open_call(chapter, staff):
    """Published through the services, open since yesterday and for ten more days."""
    now = timezone.now()
    call = Call(
        chapter=chapter,
        title="Convocatoria CIAR Chile 2026",
        slug="convocatoria-ciar-2026",
        summary="Convocatoria para que los municipios se sumen a la coalición.",
        objectives="Usar la IA de forma responsable en los servicios municipales.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        announces_at=now + timedelta(days=40),
        contact_email="convocatoria@example.org",
    )
    call_setup.call_save(call=call, actor=staff)
    call_setup.call_set_structure(
        call=call,
        actor=staff,
        requirements=[
            {"text": REQUIREMENT_EVIDENCE, "evidence_requested": True},
            {"text": REQUIREMENT_PLAIN, "evidence_requested": False},
        ],
        questions=[
            {
                "kind": "long_text",
                "label": QUESTION,
                "help_text": "",
                "required": True,
                "word_limit": 50,
            }
        ],
        criteria=[
            {
                "title": "Capacidad institucional",
                "weight": 60,
                "levels": [
                    {"score": 0, "description": "Sin área de innovación"},
                    {"score": 5, "description": "Área con equipo y presupuesto"},
                ],
            },
            {
                "title": "Motivación",
                "weight": 40,
                "levels": [
                    {"score": 0, "description": "Genérica"},
                    {"score": 5, "description": "Concreta, con aportes"},
                ],
            },
        ],
    )
    call_setup.call_publish(call=call, actor=staff)
    call.refresh_from_db()
    assert call.is_open()
    return call


@pytest.fixture
def new_page(browser, live_server, console):
    """`new_page(**context_options)`: a page in its own browser context (another person)."""
    pages = []

    def make(**options):
        pages.append(open_page(browser, live_server.url, console, **options))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


def pdf_file(tmp_path, name: str, pages: int):
    path = tmp_path / name
    path.write_bytes(pdfs.pdf_with_pages(pages))
    return path


def upload(page, kind: str, path) -> None:
    """Choose a file in the slot of `kind` and send it (htmx swaps #documents-section)."""
    slot = page.locator(f"#documents-{kind}")
    with page.expect_response(lambda r: r.url.endswith("/upload/")):
        slot.locator(f"#file-{kind}").set_input_files(path)
        slot.get_by_role("button", name="Subir").click()


def test_officer_applies_submits_and_staff_screen(
    page, console, live_server, tmp_path, open_call, officer, staff, new_page, artifacts_dir
):
    call = open_call
    requirements = {r.text: r for r in call.requirements.all()}
    question = call.questions.get()

    # The officer signs in and starts the application from the call page.
    sign_in(page, officer.email, next_url=reverse("call_detail", args=[call.slug]))
    expect(page.locator("main h1")).to_have_text("Convocatoria CIAR Chile 2026")
    page.get_by_role("button", name="Postular por Peñalolén").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/applications/\d+/$"))
    application = Application.objects.get(call=call, municipality__slug="penalolen")
    application_url = live_server.url + reverse("application_edit", args=[application.pk])
    assert page.url == application_url
    expect(page.locator("main h1")).to_have_text("Postulación de Peñalolén")

    def autosaved():
        """Waits for the htmx autosave (a POST to the page's own address)."""
        return page.expect_response(
            lambda r: r.request.method == "POST" and r.url == application_url
        )

    status = page.locator("#autosave-status")
    completeness = page.locator("#completeness")
    expect(status).to_contain_text("Sus respuestas se guardan automáticamente")

    # Typing is enough: the form saves itself shortly after (no click on "save").
    with autosaved():
        page.locator("#id_contact_name").fill("María José Soto")
        page.locator("#id_contact_role").fill("Directora de Innovación")
        page.locator("#id_contact_email").fill("innovacion@penalolen.example.org")
        page.locator("#id_contact_phone").fill("+56 2 2345 6789")
        page.locator("#id_innovation_unit").fill("Laboratorio de Innovación Municipal")
        page.locator("#id_innovation_team").fill("Seis personas")
        page.locator("#id_digital_plan").fill("Plan Comunal Digital 2024-2028")
        page.locator("#id_initiatives").fill("Asistente virtual y datos abiertos")
        motivation = page.locator("#id_motivation")
        motivation.fill("Queremos aprender con otras ciudades.")
        motivation.blur()
    expect(status).to_have_text(re.compile(r"Guardado a las \d{2}:\d{2}:\d{2}"))
    expect(completeness).to_contain_text("Antes de enviar")
    expect(completeness.locator(".missing-list")).to_contain_text("Informe descriptivo")
    application.refresh_from_db()
    assert application.contact_name == "María José Soto"
    assert application.motivation == "Queremos aprender con otras ciudades."

    # A report over the page limit is refused, with the reason in the page.
    upload(page, "report", pdf_file(tmp_path, "informe-largo.pdf", 7))
    error = page.locator("#upload-error-report")
    expect(error).to_have_text("El informe tiene 7 páginas; el límite es 5.")
    expect(page.locator("#file-report")).to_have_attribute("aria-invalid", "true")
    assert not application.documents.exists()

    # A 3-page report and a 1-page letter are accepted.
    upload(page, "report", pdf_file(tmp_path, "informe.pdf", 3))
    report = page.locator("#documents-report")
    expect(report.get_by_role("link", name="informe.pdf")).to_be_visible()
    expect(report).to_contain_text("3 páginas")
    expect(page.locator("#upload-error-report")).to_have_count(0)
    upload(page, "letter", pdf_file(tmp_path, "carta.pdf", 1))
    letter = page.locator("#documents-letter")
    expect(letter.get_by_role("link", name="carta.pdf")).to_be_visible()
    expect(letter).to_contain_text("1 página")

    # The declarations and the answer; the completeness check follows the autosave.
    with autosaved():
        page.get_by_label(f"Declaramos: {REQUIREMENT_EVIDENCE}").check()
        page.locator(f"#id_evidence_{requirements[REQUIREMENT_EVIDENCE].pk}").fill(
            "Decreto alcaldicio 123/2024"
        )
        page.get_by_label(f"Declaramos: {REQUIREMENT_PLAIN}").check()
        answer = page.locator(f"#id_question_{question.pk}")
        answer.fill("Un asistente para responder consultas de vecinos")
        answer.blur()
    expect(completeness).to_contain_text("Todo está completo: puede enviar la postulación.")
    expect(completeness.locator(".missing-list")).to_have_count(0)
    expect(status).to_have_text(re.compile(r"Guardado a las \d{2}:\d{2}:\d{2}"))
    page.screenshot(path=str(artifacts_dir / "application-complete-es.png"), full_page=True)

    # Submission: a full page load, read-only afterwards, with the fingerprint.
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar la postulación").click()
    expect(page.locator(".messages")).to_contain_text("Su postulación fue enviada.")
    # The uploads were confirmed in place: no stale "received" message waits for this page.
    expect(page.locator(".messages")).not_to_contain_text("Recibido")
    submitted = page.get_by_role("region", name="Enviada")
    expect(submitted).to_contain_text("Huella digital del contenido enviado (SHA-256):")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert re.fullmatch(r"[0-9a-f]{64}", application.content_hash)
    expect(submitted.locator("code.hash")).to_have_text(application.content_hash)
    expect(page.get_by_role("button", name="Enviar la postulación")).to_have_count(0)

    # The receipt is rendered by a Celery task (eager here); reload until it is there.
    receipt = page.get_by_role("link", name="Descargar el comprobante (PDF)")
    for _attempt in range(10):
        if receipt.count():
            break
        page.reload()
    expect(receipt).to_be_visible()
    with page.expect_download() as download_info:
        receipt.click()
    download = download_info.value
    assert download.suggested_filename == f"receipt-{application.pk}.pdf"
    with open(download.path(), "rb") as receipt_file:
        assert receipt_file.read(5) == b"%PDF-"
    page.screenshot(path=str(artifacts_dir / "application-submitted-es.png"), full_page=True)

    # The chapter staff sign in with their authenticator and screen the application.
    staff_page = new_page()
    staff_url = reverse("staff_application", args=[application.pk])
    sign_in(staff_page, staff.email, next_url=staff_url, totp_secret=staff.totp_secret)
    expect(staff_page.locator("main h1")).to_have_text("Peñalolén")
    badge = staff_page.locator("main .badge").first
    expect(badge).to_have_text("Enviada")
    expect(staff_page.locator("main")).to_contain_text(application.content_hash)
    screening = staff_page.get_by_role("region", name="Revisión de elegibilidad")
    screening.get_by_label("Elegible", exact=True).check()
    with staff_page.expect_navigation():
        screening.get_by_role("button", name="Registrar la revisión").click()
    expect(staff_page.locator(".messages")).to_contain_text("Revisión de elegibilidad registrada.")
    expect(badge).to_have_text("Elegible")
    application.refresh_from_db()
    assert application.status == Application.Status.ELIGIBLE

    # The officer sees the result on the application page.
    page.reload()
    expect(page.get_by_role("region", name="Enviada")).to_contain_text(
        "Resultado de la revisión de elegibilidad: Elegible."
    )
    console.assert_clean()
