"""The member-city directory and the officer's way in, in a real browser (Spanish interface).

A visitor filters the directory in place with htmx (and without JavaScript, with the button);
a signed-in person asks to represent a city, the chapter staff approve, and the new officer
edits the city's public profile.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from municipalities.models import Officer
from tests.browser.helpers import open_page, sign_in
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    UserFactory,
    enable_totp,
)

pytestmark = pytest.mark.browser


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


@pytest.fixture
def chapter(transactional_db):
    return ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")


@pytest.fixture
def cities(chapter):
    argentina = ChapterFactory(name="CIIAR Argentina", slug="ciiar-argentina", country="AR")
    return {
        "maipu": MunicipalityFactory(
            chapter=chapter, name="Maipú", slug="maipu", region="Región Metropolitana de Santiago"
        ),
        "valparaiso": MunicipalityFactory(
            chapter=chapter, name="Valparaíso", slug="valparaiso", region="Región de Valparaíso"
        ),
        "cordoba": MunicipalityFactory(
            chapter=argentina, name="Córdoba", slug="cordoba", country="AR", region="Córdoba"
        ),
    }


def directory_rows(page):
    return page.locator("#directory-results table.directory tbody tr")


def test_visitor_filters_the_directory_in_place_and_without_javascript(
    page, console, live_server, cities, new_page, artifacts_dir
):
    page.goto(reverse("directory"))
    expect(page.locator("main h1")).to_have_text("Ciudades miembro")
    expect(page.locator("#directory-results .results-count")).to_have_text("3 municipios")
    # A marker that a full page load would wipe out.
    page.evaluate("window.__sameDocument = true")

    # htmx asks for the results as the visitor types (input delay:350ms) and swaps them in.
    with page.expect_response(
        lambda r: "q=maipu" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("Buscar").press_sequentially("maipu")
    expect(page.locator("#directory-results .results-count")).to_have_text("1 municipio")
    expect(directory_rows(page)).to_have_count(1)
    expect(directory_rows(page).first).to_contain_text("Maipú")
    expect(page.locator("#directory-results")).not_to_contain_text("Valparaíso")
    expect(page.locator("#directory-results")).not_to_contain_text("Córdoba")
    # The address follows the filter (hx-push-url), and the page was not reloaded.
    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?q=maipu(&|$)"))
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(artifacts_dir / "directory-filtered-es.png"), full_page=True)

    page.get_by_role("link", name="Maipú", exact=True).click()
    page.wait_for_url(live_server.url + reverse("municipality_profile", args=["maipu"]))
    expect(page.locator("main h1")).to_have_text("Maipú")
    expect(page.locator("main")).to_contain_text("Región Metropolitana de Santiago")

    # Without JavaScript, the same form is a plain GET form with a button.
    no_js = new_page(java_script_enabled=False)
    no_js.goto(reverse("directory"))
    expect(directory_rows(no_js)).to_have_count(3)
    no_js.get_by_label("Buscar").fill("maipu")
    with no_js.expect_navigation():
        no_js.get_by_role("button", name="Aplicar filtros").click()
    expect(no_js).to_have_url(re.compile(r"/members/\?(.*&)?q=maipu(&|$)"))
    expect(no_js.locator("#directory-results .results-count")).to_have_text("1 municipio")
    expect(directory_rows(no_js)).to_have_count(1)
    expect(directory_rows(no_js).first).to_contain_text("Maipú")
    expect(no_js.get_by_label("Buscar")).to_have_value("maipu")

    console.assert_clean()


def test_person_asks_to_represent_a_city_staff_approve_and_the_officer_edits_it(
    page, console, live_server, chapter, cities, new_page, artifacts_dir
):
    person = UserFactory(full_name="Rosa Fuentes", email="rfuentes@maipu.example.org")
    staff = ChapterStaffFactory(chapter=chapter, user=UserFactory(full_name="Pablo Staff")).user
    staff_secret = enable_totp(staff)
    maipu = cities["maipu"]

    # 1. The person signs in with e-mail and password and asks to represent Maipú.
    represent_url = reverse("represent")
    sign_in(page, person.email, next_url=represent_url)
    expect(page.locator("main h1")).to_have_text("Representar un municipio")
    listed = page.get_by_role("region", name="Mi municipio está en la lista")
    listed.get_by_role("combobox", name="Municipio").select_option(label="Maipú")
    listed.get_by_role("textbox", name="Su cargo").fill("Directora de Innovación")
    with page.expect_navigation():
        listed.get_by_role("button", name="Enviar solicitud").click()
    expect(page.locator(".messages")).to_contain_text(
        "Su solicitud para representar a Maipú fue enviada al equipo de la coalición."
    )
    officer = Officer.objects.get(user=person, municipality=maipu)
    assert officer.status == Officer.Status.PENDING
    assert officer.position == "Directora de Innovación"

    # 2. The chapter staff sign in with their authenticator and approve the request.
    staff_page = new_page()
    sign_in(
        staff_page,
        staff.email,
        next_url=reverse("officer_requests"),
        totp_secret=staff_secret,
    )
    request_card = staff_page.locator("section.card").filter(
        has=staff_page.get_by_role("heading", name="Rosa Fuentes — Maipú")
    )
    expect(request_card).to_contain_text("Directora de Innovación")
    with staff_page.expect_navigation():
        request_card.get_by_role("button", name="Aprobar").click()
    expect(staff_page.locator(".messages")).to_contain_text(
        "Rosa Fuentes ahora representa a Maipú."
    )
    expect(staff_page.locator("main")).to_contain_text("No hay solicitudes pendientes de decisión.")
    officer.refresh_from_db()
    assert officer.status == Officer.Status.APPROVED

    # 3. The officer signs in again (a fresh session) and edits the public profile.
    page.context.clear_cookies()
    sign_in(page, person.email, next_url=reverse("municipality_profile", args=["maipu"]))
    page.get_by_role("link", name="Editar perfil").click()
    page.wait_for_url(live_server.url + reverse("municipality_edit", args=["maipu"]))
    expect(page.locator("main h1")).to_have_text("Editar el perfil de Maipú")
    page.locator("#id_mayor").fill("Tomás Vodanovic")
    page.locator("#id_online_procedures").fill("42")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar perfil").click()

    page.wait_for_url(live_server.url + reverse("municipality_profile", args=["maipu"]))
    expect(page.locator(".messages")).to_contain_text("El perfil se actualizó.")
    leadership = page.locator("section").filter(
        has=page.get_by_role("heading", name="Autoridades", exact=True)
    )
    expect(leadership).to_contain_text("Tomás Vodanovic")
    maturity = page.locator("section").filter(
        has=page.get_by_role("heading", name="Madurez digital", exact=True)
    )
    expect(maturity.locator("dt", has_text="Trámites disponibles en línea")).to_be_visible()
    expect(maturity).to_contain_text("42")

    # Anyone sees the change on the public profile.
    visitor = new_page()
    visitor.goto(reverse("municipality_profile", args=["maipu"]))
    expect(visitor.locator("main")).to_contain_text("Tomás Vodanovic")
    expect(
        visitor.locator("dt", has_text="Trámites disponibles en línea").locator(
            "xpath=following-sibling::dd[1]"
        )
    ).to_have_text("42")
    visitor.screenshot(path=str(artifacts_dir / "profile-after-edit-es.png"), full_page=True)

    maipu.refresh_from_db()
    assert (maipu.mayor, maipu.online_procedures) == ("Tomás Vodanovic", 42)
    console.assert_clean()
