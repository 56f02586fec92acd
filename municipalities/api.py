"""Open data downloads, the versioned JSON API and its OpenAPI document (the map: map.py).

Everything here is public, read-only data about listed municipalities, filtered exactly like
the directory: the same query string (q, country, region, chapter, status, programme,
population, stale, sort) read by the same form (`views.directory_form`) and applied by the same
selector (`selectors.directory_queryset`). The fields come from `municipalities.opendata`.

SQL queries per request, whatever the number of municipalities:

* every filtered endpoint reads the filter form's choices: chapters, programmes and listed
  regions (3);
* a page of rows costs 3: the municipalities (with their chapter joined), their programmes and
  their memberships (with the memberships' chapters joined);
* API list: 3 + count + 3 = 7. API detail: 3 (no form). OpenAPI document: 3.
  Open data page: none (it only copies the query string into its links).
* CSV and JSON downloads stream the rows with `.iterator(chunk_size=DOWNLOAD_CHUNK_SIZE)`:
  the municipalities are read with one query (a server-side cursor on PostgreSQL), and the
  two prefetch queries run once per chunk. So a download costs 3 + 1 + 2 * ceil(rows / chunk)
  (+ 1 count for JSON): fixed up to DOWNLOAD_CHUNK_SIZE rows, then 2 more per chunk.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from functools import wraps

from django import forms
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities import opendata, selectors
from municipalities.forms import DirectoryFilterForm
from municipalities.models import Municipality
from municipalities.selectors import DirectoryFilters
from municipalities.views import directory_form

API_VERSION = "1.0.0"
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 100
# Rows per prefetch batch when streaming downloads. Each chunk costs two prefetch queries;
# the coalitions have hundreds of members, so a whole download is usually one chunk.
DOWNLOAD_CHUNK_SIZE = 1000
SAFE_METHODS = ("GET", "HEAD")

# Extra words for the filter parameters in the OpenAPI document; the form labels come first.
PARAMETER_NOTES = {
    "q": gettext_lazy("Words to find in the name, region or province; case and accents ignored."),
    "country": gettext_lazy("ISO 3166-1 alpha-2 country code."),
    "region": gettext_lazy("Exact region or province name."),
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


# --- Helpers -------------------------------------------------------------------------------


def json_response(data, *, status: int = 200, **kwargs) -> JsonResponse:
    """JSON in UTF-8 with accents kept readable (not \\u escapes)."""
    return JsonResponse(
        data,
        status=status,
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
        **kwargs,
    )


def json_error(status: int, code: str, message: str) -> JsonResponse:
    return json_response({"error": code, "message": message}, status=status)


def public_read_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET and HEAD only (405 in JSON otherwise; OPTIONS answers a CORS preflight), with
    `Access-Control-Allow-Origin: *`: this is public data anyone may read from a browser."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in SAFE_METHODS:
            response = json_error(
                405, "method_not_allowed", _("This address is read-only: use GET.")
            )
        else:
            response = view(request, *args, **kwargs)
        if response.status_code == 405 or request.method == "OPTIONS":
            response["Allow"] = ", ".join((*SAFE_METHODS, "OPTIONS"))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def request_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, DirectoryFilters]:
    form = directory_form(request)
    return form, form.filters()


def listed_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    return selectors.directory_queryset(request_filters(request)[1])


def query_string(request: HttpRequest, *, without: tuple[str, ...] = ("page",)) -> str:
    query = request.GET.copy()
    for key in without:
        query.pop(key, None)
    return query.urlencode()


def status_summary(municipality: Municipality) -> str:
    """E.g. "CIAR Chile: Member, founding member", in the active language."""
    parts = []
    for membership in municipality.memberships.all():
        text = f"{membership.chapter.name}: {membership.get_status_display()}"
        if membership.founding_member:
            text += ", " + _("founding member")
        parts.append(text)
    return "; ".join(parts)


def download_filename(extension: str) -> str:
    return f"municipalities-{timezone.localdate().isoformat()}.{extension}"


# --- Open data downloads -------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands back the line, for streaming with csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(municipalities: QuerySet[Municipality]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark tells Excel the file is UTF-8, so "Maipú" opens as "Maipú".
    yield "\ufeff" + writer.writerow(opendata.FIELD_NAMES)
    for municipality in municipalities.iterator(chunk_size=DOWNLOAD_CHUNK_SIZE):
        yield writer.writerow(opendata.csv_row(opendata.record(municipality)))


def _json_chunks(municipalities: QuerySet[Municipality]) -> Iterator[str]:
    yield f'{{"count": {municipalities.count()}, "results": ['
    separator = ""
    for municipality in municipalities.iterator(chunk_size=DOWNLOAD_CHUNK_SIZE):
        yield separator + json.dumps(
            opendata.record(municipality), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        separator = ", "
    yield "]}"


def _attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@public_read_only
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(listed_municipalities(request)), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, download_filename("csv"))


@public_read_only
def open_data_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _json_chunks(listed_municipalities(request)),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, download_filename("json"))


def open_data(request: HttpRequest) -> HttpResponse:
    """How to download the data and use the API, with every field described."""
    query = query_string(request)
    suffix = f"?{query}" if query else ""
    return render(
        request,
        "municipalities/open_data.html",
        {
            "fields": opendata.FIELDS,
            "query": query,
            "csv_url": reverse("open_data_csv") + suffix,
            "json_url": reverse("open_data_json") + suffix,
            "api_url": reverse("api_municipality_list") + suffix,
            "api_example_url": reverse("api_municipality_detail", args=["maipu"]),
            "openapi_url": reverse("api_openapi"),
            "page_size": API_PAGE_SIZE,
            "max_page_size": API_MAX_PAGE_SIZE,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "list_separator": opendata.LIST_SEPARATOR,
        },
    )


# --- JSON API, version 1 -------------------------------------------------------------------


def _positive_int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(name)
    return value


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@public_read_only
def municipality_list(request: HttpRequest) -> JsonResponse:
    try:
        page_size = min(_positive_int(request, "page_size", API_PAGE_SIZE), API_MAX_PAGE_SIZE)
    except ValueError:
        return json_error(
            400,
            "invalid_page_size",
            _("page_size must be a whole number from 1 to %(max)d.") % {"max": API_MAX_PAGE_SIZE},
        )
    paginator = Paginator(listed_municipalities(request), page_size)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return json_error(400, "invalid_page", _("page must be a whole number from 1."))
    except EmptyPage:
        return json_error(
            400,
            "invalid_page",
            _("There is no page %(page)s: the last page is %(last)d.")
            % {"page": request.GET.get("page"), "last": paginator.num_pages},
        )
    return json_response(
        {
            "count": paginator.count,
            "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": (
                _page_link(request, page.previous_page_number()) if page.has_previous() else None
            ),
            "results": [opendata.record(municipality) for municipality in page.object_list],
        }
    )


@public_read_only
def municipality_detail(request: HttpRequest, slug: str) -> JsonResponse:
    municipality = selectors.directory_queryset(DirectoryFilters()).filter(slug=slug).first()
    if municipality is None:
        return json_error(
            404,
            "not_found",
            _("There is no listed municipality with the slug “%(slug)s”.") % {"slug": slug},
        )
    return json_response(opendata.record(municipality))


def _parameter(name: str, schema: dict, description) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": str(description),
        "schema": schema,
    }


def filter_parameters(form: DirectoryFilterForm) -> list[dict]:
    """The directory's filters as OpenAPI query parameters, with the values they accept now."""
    parameters = []
    for name, field in form.fields.items():
        schema: dict = {"type": "string"}
        if isinstance(field, forms.BooleanField):
            schema = {"type": "boolean", "default": False}
        elif isinstance(field, forms.ChoiceField):
            schema["enum"] = [str(value) for value, _label in field.choices if value]
        elif name == "region":
            schema["enum"] = sorted({region for _country, region in form.regions})
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
        if name == "sort":
            schema["default"] = "name"
        note = PARAMETER_NOTES.get(name)
        description = f"{field.label}. {note}" if note else field.label
        parameters.append(_parameter(name, schema, description))
    return parameters


def openapi_document(request: HttpRequest) -> dict:
    form = directory_form(request)
    filters = filter_parameters(form)
    pagination = [
        _parameter(
            "page", {"type": "integer", "minimum": 1, "default": 1}, _("Page number, from 1.")
        ),
        _parameter(
            "page_size",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": API_MAX_PAGE_SIZE,
                "default": API_PAGE_SIZE,
            },
            _("Results per page; larger values are reduced to %(max)d.")
            % {"max": API_MAX_PAGE_SIZE},
        ),
    ]
    ref = {"$ref": "#/components/schemas/Municipality"}
    error = {
        "description": _("An error, explained."),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    detail_path = reverse("api_municipality_detail", args=["SLUG"]).replace("SLUG", "{slug}")
    tag = "municipalities"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Municipal AI Coalition: open data API"),
            "version": API_VERSION,
            "description": _(
                "Public data about the member municipalities of the coalitions. Read-only, no "
                "authentication; the same filters as the member directory."
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
                        "200": {
                            "description": _("A page of municipalities."),
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/MunicipalityPage"}
                                }
                            },
                        },
                        "400": error,
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
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": _("The municipality."),
                            "content": {"application/json": {"schema": ref}},
                        },
                        "404": error,
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
                        }
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
                        "200": {
                            "description": _("All the municipalities, without pages."),
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/MunicipalityList"}
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
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
                    },
                },
            }
        },
    }


@public_read_only
def openapi(request: HttpRequest) -> JsonResponse:
    return json_response(openapi_document(request))

