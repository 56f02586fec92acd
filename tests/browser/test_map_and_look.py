"""The member map with no tile server and no network, and the look of the portal on a phone:
the header's height, the directory's badges, and no apply button once a call has closed."""

from __future__ import annotations

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
    pins = page.locator("#member-map .leaflet-marker-icon")
    expect(pins).to_have_count(3)
    expect(page.locator('#member-map .leaflet-marker-icon[alt="Córdoba"]')).to_be_visible()
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
    page.locator('#member-map .leaflet-marker-icon[alt="Córdoba"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Córdoba")
    expect(page.locator(".leaflet-popup-content a")).to_have_attribute("href", "/members/cordoba/")
    page.screenshot(path=str(artifacts_dir / "map-without-tiles.png"), full_page=True)
    assert refused == []
    console.assert_clean()
