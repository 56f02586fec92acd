"""Impact indicators in a real browser: an officer adds an indicator with its baseline and a
target, reports a measurement with a PDF as evidence and sees the chart (no CSP violation);
a visitor downloads the measurements as CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.indicators.models import Measurement
from projects.models import Project
from tests.browser.helpers import sign_in
from tests.calls import pdfs
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory
from tests.projects.factories import build_project

pytestmark = pytest.mark.browser


@pytest.fixture
def project(transactional_db):
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    city = MunicipalityFactory(chapter=chapter, name="La Serena", slug="la-serena")
    officer = OfficerFactory(municipality=city, user__email="dom@laserena.example.org").user
    project = build_project(
        [city],
        title="Triaje de permisos de obra",
        slug="triaje-permisos",
        status=Project.Status.PRODUCTION,
        start=dt.date(2025, 1, 1),
    )
    return project, officer


def test_officer_reports_and_visitor_downloads(page, console, live_server, project, tmp_path):
    project, officer = project
    sign_in(page, officer.email, next_url=reverse("project_indicators", args=[project.slug]))

    page.locator(f'a[href="{reverse("indicator_create", args=[project.slug])}"]').first.click()
    page.locator('input[name="name"]').fill("Días promedio para resolver un permiso")
    page.locator('input[name="unit"]').fill("días")
    page.locator('select[name="measure"]').select_option("number")
    page.locator('select[name="direction"]').select_option("decrease")
    page.locator('input[name="baseline_value"]').fill("45")
    page.locator('input[name="baseline_date"]').fill("2025-01-01")
    page.locator("main form button[type=submit]").first.click()

    # The targets page follows.
    page.locator('input[name="period_start"]').fill("2026-01-01")
    page.locator('input[name="period_end"]').fill("2026-12-31")
    page.locator('input[name="value"]').fill("20")
    page.locator("main form.card button[type=submit]").last.click()
    expect(page.locator("main table tbody tr")).to_have_count(1)

    page.goto(reverse("project_indicators", args=[project.slug]))
    indicator = project.indicators.get()
    page.locator(
        f'a[href="{reverse("measurement_create", args=[project.slug, indicator.pk])}"]'
    ).click()
    page.locator('input[name="period_start"]').fill("2026-07-01")
    page.locator('input[name="period_end"]').fill("2026-09-30")
    page.locator('input[name="value"]').fill("26")
    page.locator('input[name="method"]').fill("Promedio del sistema de expedientes")
    evidence = tmp_path / "informe.pdf"
    evidence.write_bytes(pdfs.pdf_with_pages(1))
    page.locator('input[name="evidence"]').set_input_files(str(evidence))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(lambda url: url.endswith(reverse("project_indicators", args=[project.slug])))
    chart = page.locator('svg[role="img"]').first
    expect(chart).to_be_visible()
    expect(page.locator(".chart-summary").first).to_contain_text("76 %")
    expect(page.locator("table.indicator-table caption").first).to_be_visible()
    assert Measurement.objects.get().evidence_name == "informe.pdf"
    console.assert_clean()

    # A visitor (another browser context) downloads the CSV and the evidence.
    visitor = page.context.browser.new_context(base_url=live_server.url)
    other = visitor.new_page()
    other.goto(reverse("project_indicators", args=[project.slug]))
    with other.expect_download() as download:
        other.locator(f'a[href="{reverse("indicators_csv", args=[project.slug])}"]').first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("indicator_id,indicator,unit,period_start")
    assert ",2026-07-01,2026-09-30,26," in text
    visitor.close()
