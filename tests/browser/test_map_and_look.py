"""The member map with no tile server and no network, and the look of the portal on a phone:
the header's height, the directory's badges, and no apply button once a call has closed."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calls.models import Call
from municipalities.map import BOUNDARIES
from municipalities.models import Membership
from tests.browser.helpers import open_page
from tests.factories import (
    CallFactory,
    ChapterFactory,
    MunicipalityFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone_page(browser, live_server, console):
    page = open_page(browser, live_server.url, console, **PHONE)
    yield page
    page.context.close()


def offline(page, live_server) -> list[str]:
    """Refuse every request that does not go to the portal; return the refused addresses."""
    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.context.route("**/*", route)
    return refused


@pytest.fixture
def chapters(transactional_db):
    return {
        "CL": ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL"),
        "AR": ChapterFactory(
            name="CIIAR Argentina",
            slug="ciiar-argentina",
            country="AR",
            time_zone="America/Argentina/Buenos_Aires",
        ),
    }


@pytest.fixture
def cities(chapters):
    located = [
        ("Peñalolén", "penalolen", "CL", "-33.4856", "-70.5420"),
        ("Valparaíso", "valparaiso", "CL", "-33.0472", "-71.6127"),
        ("Córdoba", "cordoba", "AR", "-31.4201", "-64.1888"),
    ]
    for name, slug, country, lat, lon in located:
        MunicipalityFactory(
            name=name,
            slug=slug,
            chapter=chapters[country],
            country=country,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
        )
    MunicipalityFactory(name="Renca", chapter=chapters["CL"])  # no location


def test_map_draws_borders_and_pins_with_no_tile_server_and_no_network(
    page, console, live_server, cities, settings, artifacts_dir
):
    settings.MAP_TILE_URL = ""
    refused = offline(page, live_server)
    with page.expect_response(lambda r: r.url.endswith(BOUNDARIES)) as borders:
        page.goto(reverse("member_map"))
    assert borders.value.ok
    map_element = page.locator("#member-map")
    expect(map_element).to_have_attribute("data-state", "drawn")
    # Chile and Argentina drawn as SVG paths, one pin per city with a location.
    assert page.locator("#member-map path.map-country").count() == 2
    # Peñalolén and Valparaíso are too close at this zoom: one marker holds both.
    pins = page.locator("#member-map .leaflet-marker-icon")
    expect(pins).to_have_count(2)
    counts = [int(c) for c in pins.evaluate_all("els => els.map(e => e.dataset.count)")]
    assert sorted(counts) == [1, 2]
    cordoba = page.get_by_role("button", name="Córdoba", exact=True)
    expect(cordoba).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Peñalolén"))).to_have_text("2")
    # Markers never overlap, so each is a target of its own (WCAG 2.5.8).
    boxes = [pin.bounding_box() for pin in pins.all()]
    assert all(b and b["width"] >= 24 and b["height"] >= 24 for b in boxes)
    a, b = boxes
    assert (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or (a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
    )
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    box = map_element.bounding_box()
    assert box and box["height"] > 250
    # The borders are really on screen, around the pins, not a hair-thin sliver.
    chile = page.locator("#member-map path.map-country").first.bounding_box()
    assert chile and chile["width"] > 20 and chile["height"] > 50
    # The city without a location is listed beside the map; the others are not in the page.
    expect(page.locator("#member-list")).to_contain_text("Renca")
    expect(page.locator("#member-list")).not_to_contain_text("Córdoba")
    for note in ("#map-data-error", "#map-tile-error"):
        expect(page.locator(note)).to_be_hidden()

    # A pin works from the keyboard: it opens the city's name with a link to its profile.
    cordoba.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Córdoba")
    expect(page.locator(".leaflet-popup-content a")).to_have_attribute("href", "/members/cordoba/")
    # The group's popup lists both of its cities, each with a link.
    page.get_by_role("button", name=re.compile("Peñalolén")).focus()
    page.keyboard.press("Enter")
    group = page.locator(".leaflet-popup-content").filter(has_text="Valparaíso")
    expect(group).to_be_visible()
    expect(group.locator("li")).to_have_count(2)
    expect(group.get_by_role("link", name="Peñalolén")).to_have_attribute(
        "href", "/members/penalolen/"
    )
    page.screenshot(path=str(artifacts_dir / "map-without-tiles.png"), full_page=True)
    assert refused == []
    console.assert_clean()


# --- Look and feel on a phone --------------------------------------------------------------------


def header_height(page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box
    return box["height"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "officer"])
def test_the_header_takes_less_than_a_fifth_of_a_phone_screen(
    phone_page, console, live_server, chapters, signed_in, artifacts_dir
):
    if signed_in:
        from tests.browser.helpers import sign_in

        officer = OfficerFactory(
            municipality__chapter=chapters["CL"], user__full_name="María José Soto"
        ).user
        sign_in(phone_page, officer.email, next_url=reverse("directory"))
    for url in (reverse("home"), reverse("directory"), reverse("call_list")):
        phone_page.goto(url)
        assert header_height(phone_page) < 844 / 5, url
        # Nothing of it is cut off or sideways: every link of the main menu can be reached.
        for link in phone_page.locator("header.site-header a").all():
            if link.is_visible():
                box = link.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, url
    phone_page.screenshot(
        path=str(artifacts_dir / f"phone-header-{'officer' if signed_in else 'visitor'}.png")
    )
    console.assert_clean()


def test_directory_badges_stay_on_one_line_on_a_phone(
    phone_page, console, live_server, chapters, artifacts_dir
):
    for n, status in enumerate(["member", "suspended", "former"]):
        city = MunicipalityFactory(name=f"San Pedro de la Paz {n}", chapter=chapters["CL"])
        Membership.objects.create(
            municipality=city, chapter=chapters["CL"], status=status, founding_member=True
        )
    phone_page.goto(reverse("directory"))
    phone_page.screenshot(path=str(artifacts_dir / "phone-directory-badges.png"), full_page=True)
    badges = phone_page.locator("#directory-results .badge")
    assert badges.count() >= 3
    for badge in badges.all():
        box = badge.bounding_box()
        line = float(badge.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)"))
        padding = float(
            badge.evaluate(
                "b => parseFloat(getComputedStyle(b).paddingTop)"
                " + parseFloat(getComputedStyle(b).paddingBottom)"
                " + parseFloat(getComputedStyle(b).borderTopWidth) * 2"
            )
        )
        # One line of text: a pill, not an oval of two or three lines.
        assert box and box["height"] <= line + padding + 1, badge.inner_text()
        # Rounded corners, not a pill's half-circles that turn a wrapped badge into an oval.
        radius = badge.evaluate("b => parseFloat(getComputedStyle(b).borderTopLeftRadius)")
        assert radius <= box["height"] / 3
    console.assert_clean()


@pytest.fixture
def closed_call(chapters):
    now = timezone.now()
    return CallFactory(
        chapter=chapters["CL"],
        title="Convocatoria CIAR Chile 2025",
        status=Call.Status.PUBLISHED,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        announces_at=now + timedelta(days=20),
        benefits="Red de cooperación entre pares.\nProyectos colaborativos.",
    )


def test_no_apply_button_after_closing(page, console, live_server, chapters, closed_call):
    officer = OfficerFactory(municipality__chapter=chapters["CL"]).user
    from tests.browser.helpers import sign_in

    sign_in(page, officer.email, next_url=reverse("call_detail", args=[closed_call.slug]))
    main = page.locator("main")
    expect(main.locator(".call-closed")).to_be_visible()
    expect(main.get_by_role("button", name=re.compile("^Postular"))).to_have_count(0)
    expect(main.locator('form[action$="/apply/"]')).to_have_count(0)
    expect(main.get_by_role("heading", name="Postular", exact=True)).to_have_count(0)
    # The timeline marks where the call stands.
    expect(main.locator('ol.steps > li[aria-current="step"]')).to_have_count(1)
    expect(main.locator("ol.steps > li").nth(1)).to_have_attribute("aria-current", "step")

    # The same page while the call was open offered the button.
    closed_call.closes_at = timezone.now() + timedelta(days=1)
    closed_call.save()
    page.reload()
    expect(main.get_by_role("button", name=re.compile("^Postular"))).to_have_count(1)
    expect(main.locator("ol.steps > li").nth(0)).to_have_attribute("aria-current", "step")
    console.assert_clean()


@pytest.fixture
def open_call(chapters):
    now = timezone.now()
    return CallFactory(
        chapter=chapters["CL"],
        title="Convocatoria CIAR Chile 2026",
        status=Call.Status.PUBLISHED,
        summary="Convocatoria para que los municipios se sumen a la coalición de IA responsable.",
        objectives=(
            "Promover el uso responsable de la inteligencia artificial en los servicios "
            "municipales, compartir aprendizajes entre ciudades y desarrollar proyectos "
            "colaborativos con startups govtech que mejoren la vida de los vecinos."
        ),
        benefits="Red de cooperación entre pares.\nProyectos colaborativos.\nCapacitación.",
        commitments="- Compartir datos y casos.\n- Un proyecto por año.",
        contact_email="convocatoria@example.org",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        announces_at=now + timedelta(days=50),
    )


def test_call_page_keeps_short_lines_and_prints_as_a_document(
    page, console, live_server, open_call, artifacts_dir
):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(reverse("call_detail", args=[open_call.slug]))
    # Lines under about 80 characters even on a wide screen.
    characters_per_line = page.evaluate(
        """() => {
          const p = document.querySelector("#objectives-title + p");
          const probe = document.createElement("span");
          probe.textContent = "0".repeat(10);
          p.appendChild(probe);
          const ch = probe.getBoundingClientRect().width / 10;
          probe.remove();
          return p.getBoundingClientRect().width / ch;
        }"""
    )
    assert 40 < characters_per_line <= 80
    expect(page.locator("ol.steps > li")).to_have_count(3)
    expect(page.locator("ol.steps > li").first).to_have_attribute("aria-current", "step")
    expect(page.locator("#benefits-title + ul > li")).to_have_count(3)
    page.screenshot(path=str(artifacts_dir / "call-page.png"), full_page=True)

    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("footer.site-footer")).to_be_hidden()
    expect(page.locator("section.apply")).to_be_hidden()
    expect(page.locator(".countdown")).to_be_hidden()
    expect(page.locator("ol.steps")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "call-page-print.png"), full_page=True)
    console.assert_clean()


def test_home_features_the_open_call_with_a_live_countdown(
    page, console, live_server, open_call, artifacts_dir
):
    page.goto(reverse("home"))
    featured = page.locator(".featured-calls")
    expect(featured.get_by_role("link", name=open_call.title)).to_be_visible()
    # countdown.js rewrites the server's text every second, in the page's language.
    countdown = featured.locator(".countdown")
    expect(countdown).to_have_text(re.compile(r"^Cierra en 24 días y 23 horas\.$"))
    expect(page.get_by_text("Coming soon")).to_have_count(0)
    expect(page.get_by_text("Próximamente")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "home.png"), full_page=True)
    console.assert_clean()


def test_the_application_prints_as_a_summary(page, console, live_server, open_call, artifacts_dir):
    from calls import services

    link = OfficerFactory(municipality__chapter=open_call.chapter, municipality__name="Peñalolén")
    officer = link.user
    application = services.application_start(
        call=open_call, municipality=link.municipality, actor=officer
    )
    from tests.browser.helpers import sign_in

    sign_in(page, officer.email, next_url=reverse("application_edit", args=[application.pk]))
    page.emulate_media(media="print")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("header.site-header")).to_be_hidden()
    for hidden in ("main button", "main .file-picker", "main .save-row", "main .breadcrumb"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("main fieldset").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "application-print.png"), full_page=True)
    console.assert_clean()
