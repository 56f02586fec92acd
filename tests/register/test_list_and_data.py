"""The public register: filters, search, pagination, htmx, empty state; the open data
downloads' Eurocities columns; constant query counts; hostile input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.register import opendata, services
from projects.register.selectors import RegisterFilters, register_page, register_rows
from tests.factories import MunicipalityFactory, OfficerFactory, UserFactory
from tests.pagination import assert_same_pages
from tests.query_counts import page_queries
from tests.register.conftest import make_project, publish

pytestmark = pytest.mark.django_db

ALL = ["Asistente vecinal", "Priorización de fiscalización", "Triaje de permisos"]


def published_entry(city, title, *, area="procedures", versions=1, **fields):
    officer = OfficerFactory(municipality=city).user
    project = make_project(city, title=title, area=area)
    publish(project, officer, **fields)
    for number in range(2, versions + 1):
        publish(project, officer, note=f"cambio {number}", performance=f"medición {number}")
    return project


@pytest.fixture
def cities(db):
    serena = MunicipalityFactory(name="La Serena", slug="la-serena", country="CL")
    cordoba = MunicipalityFactory(name="Córdoba", slug="cordoba", country="AR")
    return serena, cordoba


@pytest.fixture
def entries(cities):
    serena, cordoba = cities
    return [
        published_entry(serena, "Triaje de permisos", risk_level="limited"),
        published_entry(cordoba, "Asistente vecinal", area="citizen_service", risk_level="minimal"),
        published_entry(
            cordoba,
            "Priorización de fiscalización",
            area="safety",
            risk_level="high",
            status="retired",
            retired_on="2026-01-31",
            in_use_since="2025-01-01",
        ),
    ]


def titles(response) -> list[str]:
    page = response.context["page"]
    return sorted(row["title"] for row in page.object_list)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ALL),
        ({"city": "la-serena"}, ["Triaje de permisos"]),
        ({"country": "AR"}, ["Asistente vecinal", "Priorización de fiscalización"]),
        ({"risk": "high"}, ["Priorización de fiscalización"]),
        ({"status": "retired"}, ["Priorización de fiscalización"]),
        ({"area": "citizen_service"}, ["Asistente vecinal"]),
        ({"q": "triaje"}, ["Triaje de permisos"]),
        ({"q": "vecinal", "country": "CL"}, []),
        # Unknown values are ignored, not a failure.
        ({"risk": "catastrophic", "city": "nowhere"}, ALL),
    ],
)
def test_filters(client, entries, query, expected):
    response = client.get(reverse("register_list"), query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_htmx_gets_only_the_results_and_the_empty_state_offers_to_clear(client, entries):
    with translation.override("en"):
        response = client.get(
            reverse("register_list"),
            {"risk": "high", "country": "CL"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="register-results",
        )
    body = response.content.decode()
    assert "<form" not in body and "<html" not in body
    assert "No register entry matches these filters." in body


def test_choices_show_as_words(client, entries):
    with translation.override("en"):
        body = client.get(reverse("register_list")).content.decode()
    assert "High risk" in body and "Retired" in body and "Citizen service" in body


def city_choices(client) -> list[str]:
    form = client.get(reverse("register_list")).context["form"]
    return [value for value, _label in form.fields["city"].choices if value]


def test_the_city_filter_follows_publication_and_withdrawal(client, cities):
    """The city filter's choices are kept between requests (per version of the directory's
    data): publishing or withdrawing an entry changes them at once."""
    serena, cordoba = cities
    published_entry(serena, "Triaje de permisos")
    assert city_choices(client) == ["la-serena"]
    second = published_entry(cordoba, "Asistente vecinal")
    assert city_choices(client) == ["cordoba", "la-serena"]  # by name: Córdoba, La Serena
    withdrawn = second.register_entry
    services.register_entry_withdraw(entry=withdrawn, actor=UserFactory(), reason="Datos")
    assert city_choices(client) == ["la-serena"]


def read_csv(client) -> list[dict[str, str]]:
    response = client.get(reverse("register_data_csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_columns_follow_the_eurocities_schema(client, entries):
    rows = read_csv(client)
    assert list(rows[0]) == opendata.COLUMN_NAMES
    for name in [
        "standard_version",
        "uuid",
        "name",
        "organization",
        "description_short",
        "status",
        "risk_category",
        "lawful_basis",
        "human_intervention",
        "objection_procedure",
        "algorithm_type",
        "AIA_url",
    ]:
        assert name in rows[0]
    by_name = {row["name"]: row for row in rows}
    serena = by_name["Triaje de permisos"]
    assert serena["standard_version"] == "0.3.1"
    assert serena["organization"] == "La Serena" and serena["country"] == "CL"
    assert serena["risk_category"] == "limited risk"
    assert serena["status"] == "operational"
    assert serena["algorithm_type"] == "self-learning"
    assert serena["AIA_url"] == "https://example.org/eipd.pdf"
    assert serena["personal_data"] == "true"
    assert by_name["Priorización de fiscalización"]["status"] == "retired"
    assert by_name["Priorización de fiscalización"]["risk_category"] == "high risk"
    assert serena["website"].endswith(reverse("register_entry", args=["triaje-de-permisos"])) or (
        "/register/" in serena["website"]
    )


def test_json_has_the_same_records(client, entries):
    data = json.loads(client.get(reverse("register_data_json")).getvalue())
    assert data["standard_version"] == "0.3.1"
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == set(opendata.COLUMN_NAMES)


def test_csv_neutralises_formulas(client, cities):
    published_entry(cities[0], "=HYPERLINK(1)", summary="=1+1")
    row = read_csv(client)[0]
    assert row["name"] == "'=HYPERLINK(1)" and row["description_short"] == "'=1+1"


def test_query_counts_do_not_grow(cities):
    serena, cordoba = cities
    first = published_entry(serena, "Primero", versions=2)
    officer = OfficerFactory(municipality=serena).user
    client = Client()
    client.force_login(officer)
    urls = [
        reverse("register_list"),
        reverse("register_list") + "?country=CL&risk=limited&q=o",
        reverse("register_entry", args=[first.slug]),
        reverse("register_history", args=[first.slug]),
        reverse("register_version", args=[first.slug, 1]),
        reverse("register_edit", args=[first.slug]),
        reverse("register_data_csv"),
        reverse("register_data_json"),
    ]

    def grow(n: int) -> None:
        for number in range(n):
            city = serena if number % 2 else cordoba
            published_entry(city, f"Proyecto {n}-{number}", versions=1)
        for number in range(n):
            publish(first, officer, note=f"n{n}-{number}", performance=f"p{n}-{number}")

    grow(3)
    small = [page_queries(client, url) for url in urls]
    grow(9)
    large = [page_queries(client, url) for url in urls]
    assert small == large


@pytest.mark.parametrize(
    "query",
    [
        {"page": "999999999999999999999"},
        {"page": "-1"},
        {"q": "x" * 100_000},
        {"q": "\x00"},
        {"city": "'; drop table x; --"},
        {"risk": ["high", "limited"]},
    ],
)
def test_hostile_queries_never_fail(client, entries, query):
    assert client.get(reverse("register_list"), query).status_code == 200


def test_hostile_addresses_are_not_found(client, entries):
    slug = entries[0].slug
    for url in [
        f"/register/{slug}/versions/99999999999999999999999/",
        f"/register/{slug}/versions/0/",
        "/register/no-such-project/",
        "/register/no-such-project/history/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("register_data_csv")).status_code == 405


@pytest.mark.parametrize("filters", [RegisterFilters(), RegisterFilters(q="no-such-word")])
def test_a_page_counted_by_its_own_query_is_the_page_get_page_gives(cities, entries, filters):
    serena, _cordoba = cities
    published_entry(serena, "Cuarto sistema")
    published_entry(serena, "Quinto sistema")
    assert_same_pages(
        register_rows(filters), lambda number: register_page(filters, number, 2), "project__slug"
    )
