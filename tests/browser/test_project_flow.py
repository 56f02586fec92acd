"""Issue 10's "Done when", in a real browser and in Spanish (the default language).

An officer registers a project with a new startup (a valid RUT), adds an indicator with a
baseline and a target, reports a measurement with a PDF as evidence, sees the chart (SVG with
its text summary and table), publishes the project and its register entry; a visitor finds the
entry in the register with a search, opens it and downloads the register CSV (Eurocities
column names). No console error and no CSP violation on the way.

Elements are found by field ids, form actions and link addresses, never by interface text
(it changes with each translation pass).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.indicators.models import Measurement
from projects.models import Project, Startup
from projects.register.models import RegisterEntryVersion
from projects.taxids import rut_check_digit
from tests.browser.helpers import open_page, sign_in
from tests.calls import pdfs
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory
from tests.register.conftest import make_project, publish

pytestmark = pytest.mark.browser

TITLE = "Triaje de solicitudes de permisos de edificación"
OTHER_TITLE = "Priorización de inspecciones (ficticio)"
STARTUP = "Edifica Datos SpA (ficticia)"
RUT_BODY = "76543210"
RUT = f"76.543.210-{rut_check_digit(RUT_BODY)}"


@pytest.fixture
def officer(transactional_db):
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    city = MunicipalityFactory(chapter=chapter, name="La Serena", slug="la-serena", country="CL")
    # Another city's published entry, which the visitor's search and filter leave out.
    other_city = MunicipalityFactory(chapter=chapter, name="Renca", slug="renca", country="CL")
    other_officer = OfficerFactory(municipality=other_city).user
    publish(
        make_project(other_city, title=OTHER_TITLE, slug="renca-inspecciones"),
        other_officer,
        summary="Ordena las inspecciones municipales.",
        purpose="Priorizar inspecciones.",
        risk_level="high",
    )
    return OfficerFactory(municipality=city, user__email="dom@laserena.example.org").user


def register_project(page) -> Project:
    """From the officer's dashboard to a draft project with a startup created on the way."""
    page.locator(f'main a[href="{reverse("project_create")}"]').first.click()
    page.wait_for_url(lambda url: url.endswith(reverse("project_create")))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es"))
    form = page.locator("form.project-form")
    page.fill("#id_title", TITLE)
    # The officer's own city is ticked already.
    expect(form.locator('input[name="cities"]:checked')).to_have_count(1)
    page.select_option("#id_area", "procedures")
    page.fill("#id_summary", "La Dirección de Obras ordena las solicitudes de permiso con IA.")
    page.fill("#id_problem", "Los permisos de edificación tardan 45 días en promedio.")
    page.fill("#id_solution", "Un modelo propone la prioridad; una persona revisa y decide.")
    if not page.locator("#id_uses_ai").is_checked():
        page.check("#id_uses_ai")
    page.fill("#id_ai_technique", "Un clasificador de texto entrenado con solicitudes pasadas.")
    page.select_option("#id_status", "pilot")
    page.fill("#id_start_date", "2025-01-01")
    page.fill("#id_new_startup-name", STARTUP)
    page.select_option("#id_new_startup-country", "CL")
    page.fill("#id_new_startup-tax_id", RUT)
    page.fill("#id_new_startup-website", "https://edifica.example.org")
    page.fill("#id_new_startup-description", "Software para direcciones de obras (ficticia).")
    page.select_option("#id_new_startup-role", "provider")
    form.locator("button[type=submit]").click()

    project = Project.objects.get(title=TITLE)
    page.wait_for_url(lambda url: url.endswith(reverse("project_detail", args=[project.slug])))
    startup = Startup.objects.get(name=STARTUP)
    assert startup.tax_id and startup.tax_id.replace(".", "").replace("-", "").startswith(RUT_BODY)
    assert list(project.startup_links.values_list("startup__name", "role")) == [
        (STARTUP, "provider")
    ]
    assert project.visibility == Project.Visibility.DRAFT
    expect(
        page.locator(f'main a[href="{reverse("startup_detail", args=[startup.slug])}"]')
    ).to_be_visible()
    return project


def add_indicator_and_measurement(page, project: Project, tmp_path: Path) -> None:
    slug = project.slug
    # The project page's indicators block links to the new indicator form.
    page.locator(f'main a[href="{reverse("indicator_create", args=[slug])}"]').first.click()
    page.fill('input[name="name"]', "Días promedio para resolver un permiso")
    page.fill('input[name="unit"]', "días")
    page.select_option('select[name="measure"]', "number")
    page.select_option('select[name="direction"]', "decrease")
    page.fill('input[name="baseline_value"]', "45")
    page.fill('input[name="baseline_date"]', "2025-01-01")
    page.locator("main form button[type=submit]").first.click()

    # The targets page follows.
    page.fill('input[name="period_start"]', "2026-01-01")
    page.fill('input[name="period_end"]', "2026-12-31")
    page.fill('input[name="value"]', "20")
    page.locator("main form.card button[type=submit]").last.click()
    expect(page.locator("main table tbody tr")).to_have_count(1)

    indicator = project.indicators.get()
    page.locator(f'a[href="{reverse("project_indicators", args=[slug])}"]').first.click()
    page.locator(f'a[href="{reverse("measurement_create", args=[slug, indicator.pk])}"]').click()
    page.fill('input[name="period_start"]', "2026-07-01")
    page.fill('input[name="period_end"]', "2026-09-30")
    page.fill('input[name="value"]', "26")
    page.fill('input[name="method"]', "Promedio del sistema de expedientes")
    evidence = tmp_path / "informe-tercer-trimestre.pdf"
    evidence.write_bytes(pdfs.pdf_with_pages(2))
    page.locator('input[name="evidence"]').set_input_files(str(evidence))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(lambda url: url.endswith(reverse("project_indicators", args=[slug])))
    measurement = Measurement.objects.get()
    assert measurement.evidence_name == "informe-tercer-trimestre.pdf"
    # The chart: an SVG image with its text summary, and the numbers as a table.
    chart = page.locator('main svg[role="img"]').first
    expect(chart).to_be_visible()
    expect(page.locator(".chart-summary").first).to_contain_text("76 %")
    table = page.locator("main table.indicator-table").first
    expect(table.locator("caption")).to_be_visible()
    expect(table).to_contain_text("26")
    evidence_link = page.locator(
        f'main a[href="{reverse("measurement_evidence", args=[slug, measurement.pk])}"]'
    )
    expect(evidence_link).to_be_visible()


def publish_project(page, project: Project) -> None:
    slug = project.slug
    page.locator(f'main a[href="{reverse("project_detail", args=[slug])}"]').first.click()
    page.wait_for_url(lambda url: url.endswith(reverse("project_detail", args=[slug])))
    publish = page.locator(f'main form[action="{reverse("project_publish", args=[slug])}"]')
    publish.locator("button[type=submit]").click()
    expect(publish).to_have_count(0)
    project.refresh_from_db()
    assert project.visibility == Project.Visibility.PUBLISHED


def publish_register_entry(page, project: Project) -> None:
    slug = project.slug
    page.locator(f'main a[href="{reverse("register_edit", args=[slug])}"]').first.click()
    page.wait_for_url(lambda url: url.endswith(reverse("register_edit", args=[slug])))
    # The summary, purpose, benefit, model and status come from the project.
    expect(page.locator("#id_summary")).not_to_be_empty()
    page.fill("#id_owner_unit", "Dirección de Obras Municipales")
    page.fill("#id_contact_email", "dom@laserena.example.org")
    page.fill("#id_human_oversight", "Una persona de la DOM revisa cada prioridad propuesta.")
    page.fill("#id_objection_procedure", "Reclamo en la DOM o por la OIRS; respuesta en 10 días.")
    page.fill("#id_data_sources", "Solicitudes de permisos de 2019 a 2024.")
    page.select_option("#id_uses_personal_data", "false")
    page.select_option("#id_risk_level", "limited")
    page.select_option("#id_status", "in_development")
    page.locator("form.register-edit button[type=submit]").click()
    publish = page.locator(f'form[action="{reverse("register_publish", args=[slug])}"]')
    expect(publish).to_be_visible()
    publish.locator("button[type=submit]").click()
    expect(publish).to_have_count(0)
    assert RegisterEntryVersion.objects.filter(entry__project=project, number=1).exists()


def test_officer_registers_and_a_visitor_finds_it(
    page, live_server, console, browser, officer, tmp_path
):
    sign_in(page, officer.email, next_url=reverse("officer_dashboard"))
    project = register_project(page)
    add_indicator_and_measurement(page, project, tmp_path)
    publish_project(page, project)
    publish_register_entry(page, project)
    console.assert_clean()

    visitor = open_page(browser, live_server.url, console, accept_downloads=True)
    visitor.goto(reverse("register_list"))
    results = visitor.locator("#register-results")
    expect(results.locator("h3 a")).to_have_count(2)
    with visitor.expect_response(lambda r: "q=" in r.url and "edificaci" in r.url.lower()):
        visitor.fill("#id_q", "edificación")
    expect(results.locator("h3 a")).to_have_count(1)
    with visitor.expect_response(lambda r: "risk=limited" in r.url):
        visitor.select_option("#id_risk", "limited")
    entry_link = results.locator(f'a[href="{reverse("register_entry", args=[project.slug])}"]')
    expect(entry_link).to_have_count(1)
    expect(results.locator("h3 a")).to_have_count(1)
    entry_link.click()
    visitor.wait_for_url(lambda url: reverse("register_entry", args=[project.slug]) in url)
    expect(visitor.locator("main h1")).to_have_text(TITLE)
    expect(visitor.locator("main")).to_contain_text(STARTUP)
    # From the entry to the project page (the indicator's progress) and the new startup's page.
    visitor.locator(f'main a[href="{reverse("project_detail", args=[project.slug])}"]').click()
    visitor.wait_for_url(lambda url: url.endswith(reverse("project_detail", args=[project.slug])))
    expect(visitor.locator("main")).to_contain_text("Días promedio para resolver un permiso")
    startup = Startup.objects.get(name=STARTUP)
    visitor.locator(f'main a[href="{reverse("startup_detail", args=[startup.slug])}"]').click()
    expect(visitor.locator("main h1")).to_contain_text(STARTUP)
    expect(
        visitor.locator(f'main a[href="{reverse("project_detail", args=[project.slug])}"]')
    ).to_be_visible()

    visitor.goto(reverse("register_list"))
    with visitor.expect_download() as download:
        visitor.locator(f'a[href="{reverse("register_data_csv")}"]').click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["name"] for row in rows) == sorted([TITLE, OTHER_TITLE])
    row = next(row for row in rows if row["name"] == TITLE)
    assert row["organization"] == "La Serena" and row["country"] == "CL"
    assert row["risk_category"] == "limited risk" and row["status"] == "development"
    assert row["department"] == "Dirección de Obras Municipales"
    assert row["supplier"] == STARTUP and row["supplier_role"] == "provider"
    assert row["website"].endswith(reverse("register_entry", args=[project.slug]))
    visitor.context.close()
    console.assert_clean()
