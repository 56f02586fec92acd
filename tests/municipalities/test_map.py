"""The member map: drawn on bundled borders with no tile server, its data compact and
revalidated with an ETag, the cities it cannot place listed beside it."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from coalition.models import Chapter
from municipalities.map import BOUNDARIES
from municipalities.models import Membership
from municipalities.selectors import DirectoryFilters, map_rows
from tests.factories import ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

TILES = "https://tile.example.org/{z}/{x}/{y}.png"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


@pytest.fixture
def cities():
    chile = ChapterFactory(slug="ciar-chile", name="CIAR Chile", country="CL")
    argentina = ChapterFactory(slug="ciiar-argentina", name="CIIAR Argentina", country="AR")
    maipu = MunicipalityFactory(
        name="Maipú",
        slug="maipu",
        chapter=chile,
        region="Metropolitana",
        latitude=Decimal("-33.51080"),
        longitude=Decimal("-70.75720"),
    )
    valparaiso = MunicipalityFactory(
        name="Valparaíso", slug="valparaiso", chapter=chile, region="Valparaíso"
    )
    cordoba = MunicipalityFactory(
        name="Córdoba",
        slug="cordoba",
        chapter=argentina,
        country="AR",
        region="Córdoba",
        latitude=Decimal("-31.42010"),
        longitude=Decimal("-64.18880"),
    )
    MunicipalityFactory(
        name="Propuesta",
        slug="propuesta",
        chapter=chile,
        is_listed=False,
        latitude=Decimal("-30"),
        longitude=Decimal("-70"),
    )
    Membership.objects.create(
        municipality=maipu, chapter=chile, status="member", founding_member=True
    )
    return {"maipu": maipu, "valparaiso": valparaiso, "cordoba": cordoba}


# --- The borders ------------------------------------------------------------------------------


def test_the_bundled_borders_hold_chile_and_argentina_and_are_served(client, live_server):
    path = finders.find(BOUNDARIES)
    assert path, "run scripts/map_boundaries/build.mjs"
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    assert data["type"] == "FeatureCollection"
    countries = {f["properties"]["country"]: f for f in data["features"]}
    assert set(countries) == {"CL", "AR"}
    for feature in countries.values():
        assert feature["geometry"]["type"] == "MultiPolygon"
        # Longitude first (GeoJSON), inside the Southern Cone.
        lons, lats = zip(
            *(p for polygon in feature["geometry"]["coordinates"] for r in polygon for p in r),
            strict=True,
        )
        assert min(lons) > -110 and max(lons) < -53
        assert max(lats) < -17 and min(lats) > -57
    # Santiago lies inside Chile's mainland outline, between its northern and southern ends.
    chile_lats = [
        p[1] for polygon in countries["CL"]["geometry"]["coordinates"] for r in polygon for p in r
    ]
    assert min(chile_lats) < -55 and max(chile_lats) > -18
    with open(path, "rb") as file:
        assert len(file.read()) < 100_000  # small enough to send on every first visit

    # And the portal serves it, as the page links to it.
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/static/" + BOUNDARIES) as response:  # noqa: S310 - the test server
        assert response.status == 200
        served = json.loads(response.read())
    assert {f["properties"]["name"] for f in served["features"]} == {"Chile", "Argentina"}


# --- The page ---------------------------------------------------------------------------------


def test_map_is_drawn_without_a_tile_server(client, cities, settings):
    settings.MAP_TILE_URL = ""
    html = body(client.get(reverse("member_map")))
    assert 'id="member-map"' in html
    assert f'data-boundaries-url="/static/{BOUNDARIES}"' in html
    assert 'data-geojson-url="/members/map/data.json"' in html
    assert "data-tile-url" not in html
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    assert 'id="map-unavailable"' not in html


def test_page_lists_only_the_cities_the_map_cannot_place(client, cities, settings):
    settings.MAP_TILE_URL = ""
    html = body(client.get(reverse("member_map")))
    aside = html[html.index('id="member-list"') :]
    assert "Valparaíso" in aside
    # The cities on the map are in the map data, not in the page (it stays small however many
    # members there are); the unlisted one is nowhere.
    assert "Maipú" not in html and "Córdoba" not in html and "Propuesta" not in html
    assert "2 municipios en el mapa" in html


def test_page_keeps_the_filters_for_its_data_and_links(client, cities, settings):
    settings.MAP_TILE_URL = TILES
    html = body(client.get(reverse("member_map"), {"country": "AR"}))
    assert 'data-geojson-url="/members/map/data.json?country=AR"' in html
    assert f'data-tile-url="{TILES}"' in html
    assert 'href="/members/?country=AR"' in html
    assert "Valparaíso" not in html  # filtered out, not only off the map
    # The CSP-friendly page has no inline script or style.
    assert "style=" not in html
    assert "<script>" not in html


# --- The data ---------------------------------------------------------------------------------


def test_map_data_is_geojson_of_listed_municipalities_with_coordinates(client, cities):
    response = client.get(reverse("member_map_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    by_slug = {f["properties"]["slug"]: f for f in data["features"]}
    assert set(by_slug) == {"cordoba", "maipu"}  # no coordinates: valparaiso; unlisted: hidden
    maipu = by_slug["maipu"]
    assert maipu["geometry"] == {"type": "Point", "coordinates": [-70.7572, -33.5108]}
    assert maipu["properties"]["name"] == "Maipú"
    assert maipu["properties"]["url"] == "/members/maipu/"
    assert maipu["properties"]["region"] == "Metropolitana"
    assert "CIAR Chile" in maipu["properties"]["status"]
    assert "Maipú".encode() in response.content  # compact: UTF-8, no \\u escapes


def test_map_rows_carry_all_memberships_of_a_city_and_the_cities_without_one(cities):
    # One query joins the cities to their memberships: a city in two chapters keeps both, in
    # chapter order, and a city in none is still there.
    argentina = Chapter.objects.get(slug="ciiar-argentina")
    Membership.objects.create(municipality=cities["maipu"], chapter=argentina, status="candidate")
    rows = {row["slug"]: row for row in map_rows(DirectoryFilters(), located=True)}
    assert list(rows) == ["cordoba", "maipu"]  # the directory's order: by name
    assert rows["maipu"]["memberships"] == [
        ("member", "CIAR Chile", True),
        ("candidate", "CIIAR Argentina", False),
    ]
    assert rows["cordoba"]["memberships"] == []
    assert rows["cordoba"]["latitude"] == Decimal("-31.42010")
    unlocated = map_rows(DirectoryFilters(), located=False)
    assert [(row["slug"], row["memberships"]) for row in unlocated] == [("valparaiso", [])]


def test_map_data_is_written_as_json_dumps_writes_it(client, cities):
    # The features are written from a template: the bytes must be those of the json module.
    maipu = cities["maipu"]
    maipu.name = 'Maipú "Centro"\\\tñ\u2028'  # quotes, a backslash, a tab, a line separator
    maipu.save()
    content = client.get(reverse("member_map_data")).content
    document = json.loads(content)
    assert content == json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    names = {f["properties"]["slug"]: f["properties"]["name"] for f in document["features"]}
    assert names["maipu"] == maipu.name


def test_map_data_uses_the_directory_filters(client, cities):
    data = json.loads(client.get(reverse("member_map_data"), {"country": "AR"}).content)
    assert [f["properties"]["slug"] for f in data["features"]] == ["cordoba"]


def test_a_repeat_visit_costs_a_304_until_the_data_changes(
    client, cities, django_assert_num_queries
):
    url = reverse("member_map_data")
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag and "no-cache" in first["Cache-Control"]

    with django_assert_num_queries(0):  # served from the cache, answered without a body
        repeat = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert repeat.status_code == 304
    assert repeat.content == b""

    # Another filter is another document.
    assert client.get(url, {"country": "AR"}, HTTP_IF_NONE_MATCH=tag).status_code == 200

    # A city moves: the old tag no longer matches and the new position is sent.
    cordoba = cities["cordoba"]
    cordoba.latitude = Decimal("-31.5")
    cordoba.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert [-64.1888, -31.5] in [
        f["geometry"]["coordinates"] for f in json.loads(changed.content)["features"]
    ]


def test_map_data_is_compressed_and_still_revalidated(client, cities):
    url = reverse("member_map_data")
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.content))["type"] == "FeatureCollection"
    assert "Accept-Encoding" in first["Vary"]
    # The compressed body's tag is weak; the repeat visit still costs a 304.
    repeat = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert repeat.status_code == 304


def test_map_data_is_read_only(client, cities):
    assert client.post(reverse("member_map_data")).status_code == 405
