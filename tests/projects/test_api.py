"""The projects' part of the JSON API: published objects only, the downloads' field lists,
the public pages' filters, a fixed number of queries, and the OpenAPI contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import opendata, opendata_startups
from projects.api import indicators as indicators_api
from projects.api import projects as projects_api
from projects.api import register as register_api
from projects.api import startups as startups_api
from projects.indicators.models import Indicator, Measurement, Target
from projects.models import Challenge, Project
from projects.register import opendata as register_opendata
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory
from tests.projects.factories import build_project, build_startup
from tests.register.conftest import publish, save_entry

pytestmark = pytest.mark.django_db

SECRET = "UNPUBLISHED-DRAFT-TEXT"


@dataclass
class World:
    published: Project
    draft: Project
    withdrawn: Project
    startup: object
    hidden_startup: object
    challenge: Challenge
    draft_challenge: Challenge
    indicator: Indicator
    draft_indicator: Indicator


def make_indicator(project: Project, name: str = "Días promedio de tramitación") -> Indicator:
    indicator = Indicator.objects.create(
        project=project,
        name=name,
        unit="días",
        measure=Indicator.Measure.NUMBER,
        direction=Indicator.Direction.DECREASE,
        baseline_value=Decimal(45),
        baseline_date=dt.date(2025, 1, 1),
    )
    Target.objects.create(
        indicator=indicator,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(20),
    )
    Measurement.objects.create(
        indicator=indicator,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        value=Decimal("38.5000"),
        method="Registro de la DOM",
        evidence_link="https://example.org/informe.pdf",
    )
    return indicator


def challenge(cities, *, status, slug) -> Challenge:
    made = Challenge.objects.create(
        title=f"Desafío {slug}",
        slug=slug,
        area="citizen_service",
        description="Descripción del problema",
        status=status,
    )
    made.municipalities.set(cities)
    return made


def build_world(settings) -> World:
    settings.SITE_URL = "http://testserver"
    chile = ChapterFactory(slug="ciar-chile", name="CIAR Chile", country="CL")
    la_serena = MunicipalityFactory(chapter=chile, name="La Serena", slug="la-serena")
    cordoba = MunicipalityFactory(country="AR", name="Córdoba", slug="cordoba")
    officer = OfficerFactory(municipality=la_serena).user
    startup = build_startup("Permisia")
    hidden_startup = build_startup("Oculta")
    open_challenge = challenge([la_serena], status=Challenge.Status.OPEN, slug="permisos")
    draft_challenge = challenge([la_serena], status=Challenge.Status.DRAFT, slug="borrador")
    published = build_project(
        [la_serena],
        [startup],
        title="Triaje de permisos",
        slug="triaje",
        challenge=open_challenge,
        status=Project.Status.PRODUCTION,
    )
    draft = build_project(
        [la_serena, cordoba],
        [hidden_startup],
        title=SECRET,
        slug="borrador-secreto",
        visibility=Project.Visibility.DRAFT,
    )
    withdrawn = build_project([cordoba], [startup], title="Retirado", slug="retirado")
    publish(published, officer)
    save_entry(published, officer, purpose=SECRET)  # a draft change, never published
    publish(withdrawn, officer)
    withdrawn.visibility = Project.Visibility.WITHDRAWN
    withdrawn.save(update_fields=["visibility"])
    return World(
        published=published,
        draft=draft,
        withdrawn=withdrawn,
        startup=startup,
        hidden_startup=hidden_startup,
        challenge=open_challenge,
        draft_challenge=draft_challenge,
        indicator=make_indicator(published),
        draft_indicator=make_indicator(draft),
    )


@pytest.fixture
def world(settings) -> World:
    return build_world(settings)


def results(client, name: str, **params) -> list[dict]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == len(data["results"])
    return data["results"]


# --- Published only --------------------------------------------------------------------------


def test_lists_hold_published_objects_only(client, world):
    body = b""
    for name in (
        "api_project_list",
        "api_startup_list",
        "api_challenge_list",
        "api_indicator_list",
        "api_register_list",
    ):
        response = client.get(reverse(name))
        body += response.content
    assert SECRET.encode() not in body
    assert [p["slug"] for p in results(client, "api_project_list")] == ["triaje"]
    assert [s["name"] for s in results(client, "api_startup_list")] == ["Permisia"]
    assert [c["slug"] for c in results(client, "api_challenge_list")] == ["permisos"]
    indicators = results(client, "api_indicator_list")
    assert [i["indicator_id"] for i in indicators] == [world.indicator.pk]
    assert [e["project_slug"] for e in results(client, "api_register_list")] == ["triaje"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("api_project_detail", lambda w: w.draft.slug),
        ("api_project_detail", lambda w: w.withdrawn.slug),
        ("api_startup_detail", lambda w: w.hidden_startup.slug),
        ("api_challenge_detail", lambda w: w.draft_challenge.slug),
        ("api_indicator_detail", lambda w: w.draft_indicator.pk),
        ("api_register_detail", lambda w: w.withdrawn.slug),
        ("api_register_detail", lambda w: w.draft.slug),
        ("api_register_versions", lambda w: w.withdrawn.slug),
        ("api_register_versions", lambda w: w.draft.slug),
    ],
)
def test_drafts_are_not_found(client, world, name, key):
    response = client.get(reverse(name, args=[key(world)]))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"
    assert SECRET.encode() not in response.content


def test_details_of_published_objects(client, world):
    project = client.get(reverse("api_project_detail", args=["triaje"])).json()
    assert project["cities"] == ["la-serena"]
    assert project["startups"] == [f"{world.startup.slug}:provider"]
    assert project["challenge"] == "permisos"
    startup = client.get(reverse("api_startup_detail", args=[world.startup.slug])).json()
    assert startup["projects"] == ["triaje"]  # not the withdrawn one
    found = client.get(reverse("api_challenge_detail", args=["permisos"])).json()
    assert found["projects"] == ["triaje"]
    indicator = client.get(reverse("api_indicator_detail", args=[world.indicator.pk])).json()
    assert indicator["baseline_value"] == "45"
    assert indicator["direction"] == "decrease"
    assert indicator["targets"] == [
        {"period_start": "2026-01-01", "period_end": "2026-12-31", "value": "20"}
    ]
    [measurement] = indicator["measurements"]
    assert measurement["value"] == "38.5"
    assert measurement["evidence_link"] == "https://example.org/informe.pdf"
    assert measurement["evidence_url"] is None
    entry = client.get(reverse("api_register_detail", args=["triaje"]))
    assert SECRET.encode() not in entry.content  # the draft change is not published
    entry = entry.json()
    assert entry["version"] == 1
    assert entry["risk_category"] == "limited risk"
    assert entry["goal"] == "Ordenar la fila de solicitudes de permisos de edificación."
    history = client.get(reverse("api_register_versions", args=["triaje"]))
    assert SECRET.encode() not in history.content
    [version] = history.json()["results"]
    assert version["number"] == 1
    assert version["changes"] == {}
    assert version["risk_level"] == "limited"


# --- The downloads' field lists ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fields", "types"),
    [
        ("api_project_list", opendata.FIELD_NAMES, projects_api.TYPES),
        (
            "api_startup_list",
            [f.name for f in opendata_startups.STARTUP_FIELDS],
            startups_api.STARTUP_TYPES,
        ),
        (
            "api_challenge_list",
            [f.name for f in opendata_startups.CHALLENGE_FIELDS],
            startups_api.CHALLENGE_TYPES,
        ),
        ("api_register_list", register_opendata.COLUMN_NAMES, register_api.TYPES),
    ],
)
def test_records_have_the_downloads_fields_every_one_typed(client, world, name, fields, types):
    [record] = results(client, name)
    assert list(record) == list(fields)
    assert set(types) == set(fields), "type each new field of the open data list"


def test_indicator_fields_follow_the_measurements_open_data():
    from projects.indicators.selectors import OPEN_DATA_FIELDS

    indicator = set(indicators_api.INDICATOR_SCHEMA["properties"])
    measurement = set(indicators_api.MEASUREMENT_SCHEMA["properties"])
    assert set(OPEN_DATA_FIELDS) <= indicator | measurement


# --- Filters, as on the public pages ---------------------------------------------------------


def test_filters(client, world):
    assert results(client, "api_project_list", city="la-serena", status="production")
    assert not results(client, "api_project_list", status="idea")
    assert results(client, "api_project_list", year=2025)
    assert not results(client, "api_project_list", country="AR")
    assert results(client, "api_startup_list", country="CL")
    assert results(client, "api_challenge_list", status="open", city="la-serena")
    assert not results(client, "api_challenge_list", status="addressed")
    assert results(client, "api_register_list", risk="limited", status="in_use")
    assert not results(client, "api_register_list", risk="high")
    assert results(client, "api_indicator_list", project="triaje")
    assert not results(client, "api_indicator_list", project="borrador-secreto")


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("api_project_list", {"city": "cordoba"}, "city"),  # no published project there
        ("api_project_list", {"year": 1900}, "year"),
        ("api_project_list", {"status": "draft"}, "status"),
        ("api_startup_list", {"sector": "nothing"}, "sector"),
        ("api_challenge_list", {"status": "draft"}, "status"),
        ("api_register_list", {"risk": "extreme"}, "risk"),
        ("api_indicator_list", {"measure": "vibes"}, "measure"),
    ],
)
def test_values_the_pages_do_not_offer_are_refused(client, world, name, params, field):
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {field}


def test_the_directory_api_filters_cities_with_an_active_project(client, world):
    url = reverse("api_municipality_list")
    slugs = [m["slug"] for m in client.get(url, {"active_project": "true"}).json()["results"]]
    assert slugs == ["la-serena"]
    assert client.get(url, {"active_project": "yes"}).status_code == 400


# --- A fixed number of queries -----------------------------------------------------------------

LISTS = {
    "api_project_list": 6,  # form choices 2, count 1, rows 1 + cities 1 + startups 1
    "api_startup_list": 5,  # sectors 1, count 1, rows 1 + sectors 1 + projects 1
    "api_challenge_list": 5,  # cities 1, count 1, rows 1 + cities 1 + projects 1
    "api_indicator_list": 4,  # count 1, indicators 1 + targets 1 + measurements 1
    "api_register_list": 3,  # cities 1, count 1, rows 1 (the snapshot holds the rest)
}


def add_published(count: int, cities, startup) -> None:
    for _ in range(count):
        project = build_project(cities, [startup])
        make_indicator(project)


def measure(client) -> dict[str, int]:
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), {"page_size": 100})
            assert response.status_code == 200
        counts[name] = len(queries)
    return counts


def test_lists_run_a_fixed_number_of_queries(client, world):
    cities = [world.published.city_links.first().municipality]
    add_published(3, cities, world.startup)
    few = measure(client)
    add_published(9, cities, world.startup)
    assert measure(client) == few
    assert few == LISTS


# --- The OpenAPI contract, with data ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_project_endpoints_keep_their_openapi_contract(settings):
    """schemathesis against the whole document (as tests/municipalities/test_api_contract.py),
    with published and unpublished projects, startups, challenges, indicators and entries."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    from tests.municipalities.test_api_contract import (
        closing_connections,
        contract_config,
        run_schemathesis,
    )

    build_world(settings)
    schema = schemathesis.openapi.from_wsgi(
        reverse("api_openapi"),
        closing_connections(get_wsgi_application()),
        config=contract_config(),
    )
    failures, errors, cases = run_schemathesis(schema)
    assert not errors, errors
    assert not failures, "\n".join(sorted(set(failures)))
    assert cases > 14 * 10


def test_register_history_runs_a_fixed_number_of_queries(client, world):
    officer = OfficerFactory(municipality=world.published.city_links.first().municipality).user
    url = reverse("api_register_versions", args=["triaje"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    publish(world.published, officer, note="v2", summary="Segunda versión del resumen.")
    few = count()
    for n in range(3, 7):
        publish(world.published, officer, note=f"v{n}", summary=f"Versión {n} del resumen.")
    assert client.get(url).json()["count"] == 6
    assert count() == few == 3  # the entry, the count, the page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indicators/99999999999999999999999/",
        "/api/v1/indicators/-1/",
        "/api/v1/indicators/uno/",
        "/api/v1/projects/no%20slug/",
        "/api/v1/register/a/b/",
    ],
)
def test_addresses_of_no_object_are_json_404s(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
