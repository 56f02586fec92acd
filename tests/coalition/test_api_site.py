"""The portal's API (coalition.api): one django-ninja API that each app adds its router to,
whose OpenAPI document is generated from the schemas that serialise the responses."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from coalition.api import get_api, model_from_fields
from coalition.api.schemas import type_lists_for_nullable
from municipalities import opendata, schemas
from municipalities.models import Municipality
from tests.factories import ChapterFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

APPS_ABOVE = {"municipalities", "calls", "projects"}


def test_coalition_imports_no_app_above_it():
    """Apps register their routers; coalition/api never imports them."""
    root = Path(__file__).resolve().parents[2] / "coalition" / "api"
    for source in root.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in APPS_ABOVE, (source, node.module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in APPS_ABOVE, (source, alias.name)


def test_the_document_is_generated_from_the_response_schemas(client):
    ChapterFactory(slug="ciar-chile")
    document = client.get(reverse("api_openapi")).json()
    assert document["openapi"] == "3.1.0"
    generated = schemas.Municipality.model_json_schema(ref_template="#/components/schemas/{model}")
    generated.pop("$defs", None)
    assert document["components"]["schemas"]["Municipality"] == generated
    # ...and that schema is the field list of the downloads.
    assert list(generated["properties"]) == opendata.FIELD_NAMES
    assert get_api().get_openapi_schema()["paths"].keys() == document["paths"].keys()


def test_nullable_fields_keep_their_type_lists():
    class Field:
        def __init__(self, name, type_, nullable, schema=None):
            self.name, self.type, self.nullable = name, type_, nullable
            self.schema, self.description = schema or {}, name

    model = model_from_fields(
        "Example",
        [
            Field("size", "integer", True, {"minimum": 1}),
            Field("kind", "string", True, {"enum": ["a", "b"]}),
            Field("name", "string", False),
        ],
    )
    properties = model.model_json_schema()["properties"]
    assert properties["size"]["type"] == ["integer", "null"]
    assert properties["size"]["minimum"] == 1
    assert properties["kind"]["enum"] == ["a", "b", None]
    assert properties["name"]["type"] == "string"
    untouched = {"properties": {"x": {"anyOf": [{"$ref": "#/x"}, {"type": "null"}]}}}
    type_lists_for_nullable(untouched)
    assert "anyOf" in untouched["properties"]["x"]


def test_head_and_preflight(client):
    MunicipalityFactory(slug="maipu")
    assert client.head(reverse("api_municipality_list")).status_code == 200
    assert client.head(reverse("api_municipality_detail", args=["maipu"])).status_code == 200
    preflight = client.options(reverse("api_municipality_detail", args=["maipu"]))
    assert preflight.status_code == 204
    assert "GET" in preflight["Allow"]


def test_a_list_page_builds_no_model_instance(client, monkeypatch):
    """The rows of a page are plain values(), serialised by pydantic: no Municipality is
    instantiated (that is what keeps a page of 50 fast)."""
    for n in range(3):
        MunicipalityFactory(slug=f"ciudad-{n}")
    made = []
    original = Municipality.from_db.__func__

    def spy(cls, *args, **kwargs):
        made.append(args)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Municipality, "from_db", classmethod(spy))
    data = client.get(reverse("api_municipality_list")).json()
    assert data["count"] == 3
    assert client.get(reverse("api_municipality_detail", args=["ciudad-1"])).status_code == 200
    assert made == []


@pytest.mark.parametrize(
    ("query", "error", "field"),
    [
        ("page_size=10&page_size=20", "invalid_page_size", "page_size"),
        ("q=a&q=b", "invalid_parameter", "q"),
        ("q=" + "x" * 101, "invalid_parameter", "q"),
        ("sort=price", "invalid_parameter", "sort"),
        ("region=Atlantis", "invalid_parameter", "region"),
        ("stale=", "invalid_parameter", "stale"),
    ],
)
def test_each_refusal_names_its_parameter(client, query, error, field):
    response = client.get(reverse("api_municipality_list") + "?" + query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == error
    assert set(body["fields"]) == {field}
    assert all(body["fields"][field])


def test_a_router_registered_too_late_is_refused():
    from ninja import Router

    from coalition.api import API_PREFIX, register_router

    get_api()  # built when the URLconf was loaded
    with pytest.raises(RuntimeError, match=r"AppConfig\.ready"):
        register_router(API_PREFIX + "late/", Router())
