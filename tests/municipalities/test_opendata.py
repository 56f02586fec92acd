"""Open data downloads, the JSON API and its OpenAPI document, and the fixed number of SQL
queries of the public member pages (the map's own tests: test_map.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities import api, opendata
from municipalities.models import Membership, Municipality, Programme, fold
from tests.factories import ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

TILES = "https://tile.example.org/{z}/{x}/{y}.png"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def cities():
    chile = ChapterFactory(slug="ciar-chile", name="CIAR Chile", country="CL")
    argentina = ChapterFactory(
        slug="ciiar-argentina",
        name="CIIAR Argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )
    vanguardia = Programme.objects.create(name="Municipios a la vanguardIA", slug="vanguardia")
    maipu = MunicipalityFactory(
        name="Maipú",
        slug="maipu",
        chapter=chile,
        region="Metropolitana",
        population=503_635,
        latitude=Decimal("-33.51080"),
        longitude=Decimal("-70.75720"),
        has_digital_plan=True,
        description="Comuna del poniente de Santiago; “innovación” con ñ.",
    )
    maipu.programmes.add(vanguardia)
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
    hidden = MunicipalityFactory(
        name="Propuesta",
        slug="propuesta",
        chapter=chile,
        is_listed=False,
        latitude=Decimal("-30"),
        longitude=Decimal("-70"),
    )
    Membership.objects.create(
        municipality=maipu,
        chapter=chile,
        status="member",
        founding_member=True,
        joined_on=date(2024, 5, 6),
    )
    Membership.objects.create(municipality=cordoba, chapter=argentina, status="candidate")
    return {"maipu": maipu, "valparaiso": valparaiso, "cordoba": cordoba, "hidden": hidden}


# --- The field definitions -------------------------------------------------------------------


def test_fields_are_defined_once_with_unique_names():
    assert len(opendata.FIELD_NAMES) == len(set(opendata.FIELD_NAMES))
    assert opendata.FIELD_NAMES[:3] == ["slug", "name", "country"]
    assert {"memberships", "programmes", "profile_url", "profile_updated_at"} <= set(
        opendata.FIELD_NAMES
    )
    for field in opendata.FIELDS:
        assert str(field.description)


def test_record(cities, settings):
    settings.SITE_URL = "https://portal.example.org"
    municipality = Municipality.objects.get(slug="maipu")
    data = opendata.record(municipality)
    assert data["name"] == "Maipú"
    assert data["latitude"] == -33.5108
    assert data["province"] is None
    assert data["has_digital_plan"] is True
    assert data["chapter"] == "ciar-chile"
    assert data["programmes"] == ["vanguardia"]
    assert data["memberships"] == [
        {
            "chapter": "ciar-chile",
            "status": "member",
            "founding_member": True,
            "joined_on": "2024-05-06",
        }
    ]
    assert data["profile_url"] == "https://portal.example.org/members/maipu/"
    assert data["profile_updated_at"].endswith("+00:00")


def test_csv_cells_neutralise_formulas():
    assert opendata._csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert opendata._csv_cell(-70.5) == "-70.5"
    assert opendata._csv_cell(None) == ""
    assert opendata._csv_cell(False) == "false"


# --- CSV and JSON downloads ------------------------------------------------------------------


def test_csv_download(client, cities):
    response = client.get(reverse("open_data_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="municipalities-')
    assert response["Access-Control-Allow-Origin"] == "*"
    text = body(response)
    assert text.startswith("\ufeffslug,name,country,")
    assert next(csv.reader(io.StringIO(text[1:]))) == opendata.FIELD_NAMES
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert set(rows) == {"cordoba", "maipu", "valparaiso"}  # not the unlisted one
    maipu = rows["maipu"]
    assert maipu["name"] == "Maipú"
    assert maipu["description"] == "Comuna del poniente de Santiago; “innovación” con ñ."
    assert maipu["memberships"] == "ciar-chile:member:true:2024-05-06"
    assert maipu["programmes"] == "vanguardia"
    assert maipu["has_digital_plan"] == "true"
    assert maipu["latitude"] == "-33.5108"
    assert rows["valparaiso"]["latitude"] == ""
    assert rows["valparaiso"]["has_digital_plan"] == ""
    # The bytes are UTF-8 with a byte order mark, for Excel.
    assert response.charset == "utf-8"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "maipu"}, ["maipu"]),
        ({"q": "CORDOBA"}, ["cordoba"]),
        ({"country": "AR"}, ["cordoba"]),
        ({"chapter": "ciar-chile", "status": "member"}, ["maipu"]),
        ({"programme": "vanguardia"}, ["maipu"]),
    ],
)
def test_downloads_use_the_directory_filters(client, cities, params, expected):
    assert [row["slug"] for row in csv_rows(client.get(reverse("open_data_csv"), params))] == (
        expected
    )
    data = json.loads(body(client.get(reverse("open_data_json"), params)))
    assert [m["slug"] for m in data["results"]] == expected
    assert data["count"] == len(expected)


@pytest.mark.parametrize("url_name", ["open_data_csv", "open_data_json"])
def test_downloads_refuse_values_the_document_does_not_declare(client, cities, url_name):
    """Contract change: an unknown filter value used to be ignored (every row came back);
    the OpenAPI document declares the values, so a program is told its filter did not apply."""
    response = client.get(reverse(url_name), {"country": "XX", "q": "maipu"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "invalid_parameter"
    assert set(response.json()["fields"]) == {"country"}


def test_json_download(client, cities):
    response = client.get(reverse("open_data_json"), {"sort": "-population"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="municipalities-')
    assert response["Content-Disposition"].endswith('.json"')
    assert response["Access-Control-Allow-Origin"] == "*"
    text = body(response)
    assert "Maipú" in text  # accents as UTF-8, not \u escapes
    data = json.loads(text)
    assert data["count"] == 3
    assert data["results"][0]["slug"] == "maipu"  # largest population first
    assert list(data["results"][0]) == opendata.FIELD_NAMES


def test_empty_downloads(client, db):
    assert json.loads(body(client.get(reverse("open_data_json")))) == {"count": 0, "results": []}
    assert csv_rows(client.get(reverse("open_data_csv"))) == []


def test_downloads_are_read_only(client, cities):
    response = client.post(reverse("open_data_csv"))
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(reverse("api_municipality_list"))
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_downloads_stream_in_chunks_at_a_fixed_number_of_queries(client, cities, monkeypatch):
    """Rows are read in chunks; their memberships and programmes once for all (a subquery
    of the same filter), so the number of chunks does not change the number of queries."""
    client.get(reverse("open_data_csv"))  # the filters' choices are read once, then kept
    monkeypatch.setattr(api, "DOWNLOAD_CHUNK_SIZE", 1)
    with CaptureQueriesContext(connection) as one_per_chunk:
        assert len(csv_rows(client.get(reverse("open_data_csv")))) == 3
    monkeypatch.setattr(api, "DOWNLOAD_CHUNK_SIZE", 1000)
    with CaptureQueriesContext(connection) as one_chunk:
        assert len(csv_rows(client.get(reverse("open_data_csv")))) == 3
    assert len(one_per_chunk) == len(one_chunk)


# --- The JSON API ----------------------------------------------------------------------------


def test_api_list(client, cities):
    response = client.get(reverse("api_municipality_list"), {"country": "CL"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 2
    assert data["next"] is None and data["previous"] is None
    assert [m["name"] for m in data["results"]] == ["Maipú", "Valparaíso"]
    assert "Maipú" in response.content.decode()


def test_api_pagination(client, cities):
    url = reverse("api_municipality_list")
    first = client.get(url, {"page_size": 2, "country": "", "sort": "name"}).json()
    assert first["count"] == 3
    assert [m["slug"] for m in first["results"]] == ["cordoba", "maipu"]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/municipalities/?")
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    assert "sort=name" in first["next"]
    second = client.get(first["next"]).json()
    assert [m["slug"] for m in second["results"]] == ["valparaiso"]
    assert second["next"] is None
    assert "page=1" in second["previous"]


def test_api_page_size_above_the_maximum_is_refused(client, cities):
    """Contract change: page_size above 100 used to be reduced to 100 silently, while the
    document declared a maximum of 100; now it is refused like any value outside it."""
    assert len(client.get(reverse("api_municipality_list"), {"page_size": 100}).json()["results"])
    response = client.get(reverse("api_municipality_list"), {"page_size": 101})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_page_size"


def test_api_page_after_the_last_is_empty(client, cities):
    """Contract change: the document allows any page from 1; one after the last used to be a
    400, it is now an empty page whose previous link leads to the last page."""
    url = reverse("api_municipality_list")
    data = client.get(url, {"page": "99", "page_size": 2}).json()
    assert data["count"] == 3
    assert data["results"] == [] and data["next"] is None
    assert "page=2" in data["previous"]
    huge = client.get(url, {"page": str(10**30)})
    assert huge.status_code == 200 and huge.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"page": "abc"}, "invalid_page"),
        ({"page": "0"}, "invalid_page"),
        ({"page": "-1"}, "invalid_page"),
        ({"page": "1.5"}, "invalid_page"),
        ({"page": "\uff11"}, "invalid_page"),  # a full-width 1 is no ASCII whole number
        ({"page_size": "101"}, "invalid_page_size"),
        ({"page_size": "0"}, "invalid_page_size"),
        ({"page_size": "many"}, "invalid_page_size"),
    ],
)
def test_api_bad_pages_are_json_errors(client, cities, params, error):
    response = client.get(reverse("api_municipality_list"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == error
    assert response.json()["message"]


def test_api_first_page_of_nothing_is_empty(client, db):
    data = client.get(reverse("api_municipality_list")).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


def test_api_detail(client, cities):
    response = client.get(reverse("api_municipality_detail", args=["maipu"]))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert list(data) == opendata.FIELD_NAMES
    assert data["name"] == "Maipú"


@pytest.mark.parametrize("slug", ["propuesta", "nowhere"])
def test_api_detail_404_for_unknown_or_unlisted(client, cities, slug):
    response = client.get(reverse("api_municipality_detail", args=[slug]))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_openapi_document(client, cities):
    response = client.get(reverse("api_openapi"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["version"]
    paths = document["paths"]
    assert {
        "/api/v1/municipalities/",
        "/api/v1/municipalities/{slug}/",
        "/open-data/municipalities.csv",
        "/open-data/municipalities.json",
    } <= set(paths)
    schema = document["components"]["schemas"]["Municipality"]
    assert list(schema["properties"]) == opendata.FIELD_NAMES
    assert schema["required"] == opendata.FIELD_NAMES
    assert schema["properties"]["population"]["type"] == ["integer", "null"]
    # A membership is a schema of its own (generated from pydantic), referenced by the list.
    membership_ref = schema["properties"]["memberships"]["items"]["$ref"]
    membership = document["components"]["schemas"][membership_ref.rsplit("/", 1)[-1]]
    assert membership["properties"]["status"]["enum"] == [
        "candidate",
        "member",
        "suspended",
        "former",
    ]
    parameters = {p["name"]: p for p in paths["/api/v1/municipalities/"]["get"]["parameters"]}
    assert {
        "q",
        "country",
        "region",
        "chapter",
        "status",
        "programme",
        "population",
        "sort",
        "page",
        "page_size",
    } <= set(parameters)
    # An empty value, which the directory's form sends for "any", is declared too.
    assert parameters["country"]["schema"]["enum"] == ["", "CL", "AR"]
    assert parameters["chapter"]["schema"]["enum"] == ["", "ciar-chile", "ciiar-argentina"]
    assert parameters["programme"]["schema"]["enum"] == ["", "vanguardia"]
    assert "Córdoba" in parameters["region"]["schema"]["enum"]
    assert parameters["page_size"]["schema"]["maximum"] == 100
    # Every $ref points at a defined schema.
    refs = set()

    def collect(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs <= set(document["components"]["schemas"])


def test_openapi_descriptions_are_translated(client, db):
    client.cookies["django_language"] = "en"
    english = client.get(reverse("api_openapi")).json()
    field = english["components"]["schemas"]["Municipality"]["properties"]["name"]
    assert field["description"] == str(opendata.FIELDS[1].description)


# --- The documentation page ------------------------------------------------------------------


def test_open_data_page_documents_every_field(client, cities):
    response = client.get(reverse("open_data"))
    assert response.status_code == 200
    html = body(response)
    for field in opendata.FIELDS:
        assert f"<code>{field.name}</code>" in html
    assert 'href="/open-data/municipalities.csv"' in html
    assert 'href="/open-data/municipalities.json"' in html
    assert 'href="/api/v1/openapi.json"' in html
    assert 'rel="license"' in html


def test_open_data_page_keeps_the_filters(client, cities):
    html = body(client.get(reverse("open_data"), {"country": "AR", "q": "córdoba", "page": 3}))
    assert 'href="/open-data/municipalities.csv?country=AR&amp;q=c%C3%B3rdoba"' in html
    assert 'href="/open-data/municipalities.json?country=AR&amp;q=c%C3%B3rdoba"' in html


# --- A fixed number of queries ----------------------------------------------------------------


def add_municipalities(count: int, start: int, chapters, programmes) -> None:
    """`count` listed municipalities, most with coordinates, memberships and programmes."""
    municipalities = []
    for n in range(start, start + count):
        name = f"Ciudad {n}"
        region = f"Región {n % 7}"
        located = n % 5 != 0
        municipalities.append(
            Municipality(
                name=name,
                slug=f"ciudad-{n}",
                chapter=chapters[n % 2],
                country="CL" if n % 2 == 0 else "AR",
                region=region,
                population=1_000 + n,
                latitude=Decimal("-33.4") if located else None,
                longitude=Decimal("-70.6") if located else None,
                search_text=fold(f"{name} {region} "),
            )
        )
    Municipality.objects.bulk_create(municipalities)
    # Read back: SQLite before 3.35 does not return the new primary keys from bulk_create.
    created = list(Municipality.objects.filter(slug__in=[m.slug for m in municipalities]))
    Membership.objects.bulk_create(
        [
            Membership(municipality=m, chapter=chapter, status="member", founding_member=i == 0)
            for m in created
            for i, chapter in enumerate(chapters)
        ]
    )
    Through = Municipality.programmes.through
    Through.objects.bulk_create(
        [Through(municipality=m, programme=p) for m in created for p in programmes]
    )


ENDPOINTS = {
    "directory": lambda: reverse("directory"),
    "profile": lambda: reverse("municipality_profile", args=["ciudad-1"]),
    "map page": lambda: reverse("member_map"),
    "map data": lambda: reverse("member_map_data"),
    "csv": lambda: reverse("open_data_csv"),
    "json": lambda: reverse("open_data_json"),
    "api list": lambda: reverse("api_municipality_list") + "?page_size=100",
    "api detail": lambda: reverse("api_municipality_detail", args=["ciudad-1"]),
    "openapi": lambda: reverse("api_openapi"),
    "open data page": lambda: reverse("open_data"),
}
# What each costs, measured; the test below asserts the count does not grow with the rows.
EXPECTED_QUERIES = {
    "directory": 6,  # form choices 3 (kept until the data change), page with its count 1, 2 lists
    "profile": 4,  # anonymous: the municipality 1 + 2 prefetches, its projects 1
    "map page": 5,  # form choices 3, count on the map 1, cities without location and memberships 1
    "map data": 4,  # form choices 3, cities with a location and their memberships 1
    "csv": 6,  # form choices 3, rows 1, memberships 1, programmes 1
    "json": 7,  # the same, and the count
    "api list": 7,
    "api detail": 3,
    "openapi": 8,  # its enums: chapters, programmes, regions; the projects part 5 more
    "open data page": 0,
}


def measure(client, url: str) -> int:
    """Queries of one uncached request (the directory caches its rendered body)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
        body(response)
    return len(queries)


def test_public_pages_run_a_fixed_number_of_queries(client, settings):
    settings.MAP_TILE_URL = TILES
    chapters = [
        ChapterFactory(slug="ciar-chile", name="CIAR Chile"),
        ChapterFactory(slug="ciiar-argentina", name="CIIAR Argentina", country="AR"),
    ]
    programmes = [
        Programme.objects.create(name="Vanguardia", slug="vanguardia"),
        Programme.objects.create(name="GovTech Connect", slug="govtech-connect"),
    ]
    add_municipalities(10, 0, chapters, programmes)
    few = {name: measure(client, url()) for name, url in ENDPOINTS.items()}
    add_municipalities(490, 10, chapters, programmes)
    assert Municipality.objects.count() == 500
    many = {name: measure(client, url()) for name, url in ENDPOINTS.items()}
    assert many == few
    assert few == EXPECTED_QUERIES
