"""The AI register in a real browser: an officer writes and publishes the entry of their
city's project; a visitor finds it in the register with a filter (htmx), reads it and
downloads the CSV. Fields are found by name: the interface is Spanish."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.register.models import RegisterEntryVersion
from tests.browser.helpers import open_page, sign_in
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory
from tests.projects.factories import build_project

pytestmark = pytest.mark.browser

TITLE = "Priorización de turnos en centros de salud"


@pytest.fixture
def project(transactional_db):
    chapter = ChapterFactory(name="CIIAR Argentina", slug="ciiar-argentina", country="AR")
    city = MunicipalityFactory(chapter=chapter, name="Neuquén", slug="neuquen", country="AR")
    officer = OfficerFactory(municipality=city, user__email="salud@neuquen.example.org")
    project = build_project(
        [city],
        title=TITLE,
        slug="neuquen-turnos",
        area="health",
        problem="Esperas largas.",
        solution="Ordenar turnos.",
        summary="Turnos.",
    )
    return project, officer.user


def test_officer_publishes_and_a_visitor_finds_it(page, live_server, console, browser, project):
    project, officer = project
    sign_in(page, officer.email, next_url=reverse("register_edit", args=[project.slug]))
    page.fill("#id_summary", "Un programa propone el orden de los turnos; una persona decide.")
    page.fill("#id_contact_email", "salud@neuquen.example.org")
    page.fill("#id_purpose", "Reducir la espera de turnos.")
    page.fill("#id_human_oversight", "El personal revisa cada turno propuesto.")
    page.fill("#id_objection_procedure", "Reclamo en el centro de salud, revisión en 48 horas.")
    page.fill("#id_data_sources", "Solicitudes de turno.")
    page.select_option("#id_uses_personal_data", "true")
    page.fill("#id_model_description", "Reglas de prioridad.")
    page.select_option("#id_risk_level", "high")
    page.select_option("#id_status", "in_use")
    page.fill("#id_in_use_since", "2026-01-05")
    page.fill("#id_impact_assessments_text", "Evaluación de impacto | https://example.org/ei.pdf")
    page.locator("form.register-edit button[type=submit]").click()
    publish = page.locator(f'form[action="{reverse("register_publish", args=[project.slug])}"]')
    expect(publish).to_be_visible()
    publish.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert RegisterEntryVersion.objects.filter(entry__project=project, number=1).exists()

    visitor = open_page(browser, live_server.url, console, accept_downloads=True)
    visitor.goto(reverse("register_list"))
    results = visitor.locator("#register-results")
    expect(results.locator("h3 a")).to_have_text(TITLE)
    with visitor.expect_response(lambda r: "risk=minimal" in r.url):
        visitor.select_option("#id_risk", "minimal")
    expect(results.locator(".empty-state")).to_be_visible()
    with visitor.expect_response(lambda r: "risk=high" in r.url):
        visitor.select_option("#id_risk", "high")
    expect(results.locator("h3 a")).to_have_text(TITLE)
    results.locator("h3 a").click()
    expect(visitor.locator("main h1")).to_have_text(TITLE)
    expect(visitor.locator("main")).to_contain_text("Un programa propone el orden de los turnos")

    visitor.goto(reverse("register_list"))
    with visitor.expect_download() as download:
        visitor.locator(f'a[href="{reverse("register_data_csv")}"]').click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == [TITLE]
    assert rows[0]["risk_category"] == "high risk" and rows[0]["status"] == "operational"
    visitor.context.close()
    console.assert_clean()
