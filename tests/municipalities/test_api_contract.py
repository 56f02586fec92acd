"""The open data API keeps the contract its OpenAPI document states.

schemathesis reads `/api/v1/openapi.json` from the WSGI application (no network) and sends each
operation valid and invalid requests (bounded: MAX_EXAMPLES per operation and generation
mode), checking every answer against the document: no 500, declared status codes and content
types, response bodies matching their schemas, invalid input refused with a 4xx, valid input
accepted, unsupported methods answered 405. Then the findings that started this file, one by
one.
"""

from __future__ import annotations

import pytest
import schemathesis
import schemathesis.engine
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import reverse
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from municipalities.models import Membership, Programme
from tests.factories import ChapterFactory, MunicipalityFactory

MAX_EXAMPLES = 30

pytestmark = pytest.mark.django_db


def contract_config() -> SchemathesisConfig:
    config = SchemathesisConfig.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                # Repeatable in CI, and no example database written into the work tree.
                "deterministic": True,
                "database": "none",
            },
        }
    )
    return config


@pytest.fixture
def listed_cities(db):
    chile = ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    argentina = ChapterFactory(name="CIIAR Argentina", slug="ciiar-argentina", country="AR")
    Programme.objects.create(name="Municipios a la vanguardIA", slug="vanguardia")
    maipu = MunicipalityFactory(
        chapter=chile, name="Maipú", slug="maipu", region="Metropolitana", population=521627
    )
    Membership.objects.create(municipality=maipu, chapter=chile, status="member")
    cordoba = MunicipalityFactory(
        chapter=argentina, country="AR", name="Córdoba", slug="cordoba", region="Córdoba"
    )
    Membership.objects.create(municipality=cordoba, chapter=argentina, status="candidate")
    return [maipu, cordoba]


def closing_connections(application):
    """The WSGI application, closing the thread's database connections after each request:
    the engine sends requests from worker threads, and a connection left open there would
    keep PostgreSQL from dropping the test database."""

    def wrapper(environ, start_response):
        response = application(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            response.close()
            connections.close_all()
        return [body]

    return wrapper


@pytest.fixture
def api_schema(listed_cities, settings):
    settings.SITE_URL = "http://testserver"
    return schemathesis.openapi.from_wsgi(
        reverse("api_openapi"),
        closing_connections(get_wsgi_application()),
        config=contract_config(),
    )


def run_schemathesis(schema) -> tuple[list[str], list[str], int]:
    """Every phase schemathesis runs from its command line (examples, coverage, fuzzing,
    stateful), in this thread so it sees the test database: failures, errors, cases sent."""
    failures, errors, cases = [], [], 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            cases += len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        case = event.recorder.cases[case_id].value
                        failures.append(
                            f"{check.name}: {case.method} {case.formatted_path} "
                            f"query={case.query} -> {check.failure_info.failure.title}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(
                f"{event.label}: {event.value!r}" if hasattr(event, "label") else repr(event)
            )
    return failures, errors, cases


# The engine sends its requests from worker threads, each with its own database connection:
# the data must be committed for them to see it.
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_openapi_contract(api_schema):
    failures, errors, cases = run_schemathesis(api_schema)
    assert not errors, errors
    assert not failures, "\n".join(sorted(set(failures)))
    # The run really exercised the API: four operations, many cases each.
    assert cases > 4 * 10


# --- The findings, one by one ---------------------------------------------------------------


def test_an_unknown_status_is_refused_in_json(client, listed_cities):
    response = client.get(reverse("api_municipality_list"), {"status": "dissolved"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameter"
    assert set(response.json()["fields"]) == {"status"}


def test_a_parameter_given_twice_is_refused(client, listed_cities):
    response = client.get(reverse("api_municipality_list") + "?status=member&status=former")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"status"}
    response = client.get(reverse("api_municipality_list") + "?page=1&page=2")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_page"


def test_stale_is_a_json_boolean(client, listed_cities):
    url = reverse("api_municipality_list")
    assert client.get(url, {"stale": "true"}).status_code == 200
    assert client.get(url, {"stale": "false"}).json()["count"] == 2
    assert client.get(url, {"stale": "yes please"}).status_code == 400


def test_the_open_data_page_links_to_the_api_with_its_boolean(client, listed_cities):
    page = client.get(reverse("open_data"), {"stale": "on", "country": "CL"}).content.decode()
    for url_name in ("api_municipality_list", "open_data_csv", "open_data_json"):
        assert f"{reverse(url_name)}?stale=true&amp;country=CL" in page
        assert f"{reverse(url_name)}?stale=on" not in page


def test_a_page_past_the_end_is_an_empty_page(client, listed_cities):
    response = client.get(reverse("api_municipality_list"), {"page": 7})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/municipalities/no%20slug/",
        "/api/v1/municipalities/ma%C3%AFpu/",
        "/api/v1/municipalities/a/b/",
        "/api/v1/nothing-here",
    ],
)
def test_any_address_under_the_api_gets_a_json_404(client, listed_cities, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


def test_an_address_without_its_final_slash_is_sent_to_it(client, listed_cities):
    response = client.get("/api/v1/municipalities?country=CL")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/municipalities/?country=CL"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url_name", ["api_municipality_list", "api_openapi", "open_data_csv", "open_data_json"]
)
def test_an_unsupported_method_gets_405_in_json_even_without_a_csrf_token(
    method, url_name, listed_cities
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(reverse(url_name))
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response.json()["error"] == "method_not_allowed"
