"""The OpenAPI 3.1 document of the open data API, built from what the API itself uses.

The filter parameters come from the fields of `StrictDirectoryFilterForm`, the form that reads
them (its choices are the enums, its lengths the maxLengths); the record schema from
`opendata.FIELDS`; the pagination limits from `municipalities.api`. Whatever this document
declares, the API enforces: a value outside it is a 400 in JSON (tests/municipalities/
test_api_contract.py runs schemathesis against this document to keep the two agreeing).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities import opendata
from municipalities.forms import StrictDirectoryFilterForm

API_VERSION = "1.0.0"
# A slug as `Municipality.slug` (a SlugField) holds it.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"

# Extra words for the filter parameters; the form labels come first.
PARAMETER_NOTES = {
    "q": gettext_lazy("Words to find in the name, region or province; case and accents ignored."),
    "country": gettext_lazy("ISO 3166-1 alpha-2 country code."),
    "region": gettext_lazy("Exact region or province name, one that has a listed municipality."),
    "chapter": gettext_lazy("Chapter slug: municipalities with a membership in that chapter."),
    "status": gettext_lazy(
        "Membership status; with chapter, the status in that chapter, else in any chapter."
    ),
    "programme": gettext_lazy("Programme slug."),
    "population": gettext_lazy(
        "Population band: small (< 50,000), medium (50,000 to 199,999), "
        "large (200,000 to 499,999), xlarge (500,000 or more), unknown."
    ),
    "stale": gettext_lazy("Only profiles not updated for more than a year."),
    "sort": gettext_lazy("Order of the results."),
}
ANY_NOTE = gettext_lazy("Empty: any.")


def _parameter(name: str, schema: dict, description) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": str(description),
        "schema": schema,
    }


def filter_parameters(form: StrictDirectoryFilterForm) -> list[dict]:
    """The directory's filters as OpenAPI query parameters, with the values they accept now."""
    parameters = []
    for name, field in form.fields.items():
        schema: dict = {"type": "string"}
        if name == "stale":
            schema = {"type": "boolean", "default": False}
        elif isinstance(field, forms.ChoiceField):
            # An empty value means "any", as the directory's form sends it.
            schema["enum"] = ["", *(str(value) for value, _label in field.choices if value)]
        elif name == "region":
            schema["enum"] = ["", *sorted({region for _country, region in form.regions})]
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
        if name == "sort":
            schema["default"] = "name"
        note = PARAMETER_NOTES.get(name)
        description = " ".join(str(part) for part in (f"{field.label}.", note) if part)
        if "enum" in schema:
            description += " " + str(ANY_NOTE)
        parameters.append(_parameter(name, schema, description))
    return parameters


def _json(description, ref: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _refusals(*statuses: int) -> dict:
    """The JSON errors an operation may answer: 400 (a parameter outside this document),
    404 (nothing at that address) and 405 (any method but GET, HEAD and OPTIONS)."""
    descriptions = {
        400: _("A parameter is not one this document allows; the error names it."),
        404: _("Nothing is published at this address."),
        405: _("This address is read-only: use GET."),
    }
    return {str(status): _json(descriptions[status], "Error") for status in statuses}


def schemas() -> dict:
    ref = {"$ref": "#/components/schemas/Municipality"}
    return {
        "Municipality": opendata.municipality_schema(),
        "MunicipalityPage": {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": {"type": "array", "items": ref},
            },
        },
        "MunicipalityList": {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "results": {"type": "array", "items": ref},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": _("For a refused parameter: its name and what is wrong."),
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    }


def document(form: StrictDirectoryFilterForm, *, page_size: int, max_page_size: int) -> dict:
    filters = filter_parameters(form)
    pagination = [
        _parameter(
            "page",
            {"type": "integer", "minimum": 1, "default": 1},
            _("Page number, from 1. A page after the last one is empty."),
        ),
        _parameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": max_page_size, "default": page_size},
            _("Results per page, at most %(max)d.") % {"max": max_page_size},
        ),
    ]
    detail_path = reverse("api_municipality_detail", args=["SLUG"]).replace("SLUG", "{slug}")
    tag = "municipalities"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Municipal AI Coalition: open data API"),
            "version": API_VERSION,
            "description": _(
                "Public data about the member municipalities of the coalitions. Read-only, no "
                "authentication; the same filters as the member directory. Every error is "
                "JSON with an error code and a message."
            ),
            "license": {"name": opendata.LICENCE_NAME, "url": opendata.LICENCE_URL},
        },
        "servers": [{"url": settings.SITE_URL}],
        "tags": [{"name": tag}],
        "paths": {
            reverse("api_municipality_list"): {
                "get": {
                    "operationId": "listMunicipalities",
                    "tags": [tag],
                    "summary": _("Listed municipalities matching the filters, a page at a time."),
                    "parameters": filters + pagination,
                    "responses": {
                        "200": _json(_("A page of municipalities."), "MunicipalityPage"),
                        **_refusals(400, 405),
                    },
                }
            },
            detail_path: {
                "get": {
                    "operationId": "getMunicipality",
                    "tags": [tag],
                    "summary": _("One listed municipality."),
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": SLUG_PATTERN},
                        }
                    ],
                    "responses": {
                        "200": _json(_("The municipality."), "Municipality"),
                        **_refusals(404, 405),
                    },
                }
            },
            reverse("open_data_csv"): {
                "get": {
                    "operationId": "downloadMunicipalitiesCsv",
                    "tags": [tag],
                    "summary": _("Every matching municipality as CSV (UTF-8 with BOM)."),
                    "parameters": filters,
                    "responses": {
                        "200": {
                            "description": _(
                                "One row per municipality; the header row has the field names."
                            ),
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        **_refusals(400, 405),
                    },
                }
            },
            reverse("open_data_json"): {
                "get": {
                    "operationId": "downloadMunicipalitiesJson",
                    "tags": [tag],
                    "summary": _("Every matching municipality as one JSON document."),
                    "parameters": filters,
                    "responses": {
                        "200": _json(
                            _("All the municipalities, without pages."), "MunicipalityList"
                        ),
                        **_refusals(400, 405),
                    },
                }
            },
        },
        "components": {"schemas": schemas()},
    }
