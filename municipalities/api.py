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

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from coalition.models import Chapter
from municipalities import opendata, selectors
from municipalities.forms import DirectoryFilterForm, StrictDirectoryFilterForm
from municipalities.models import Municipality, Programme
from municipalities.openapi import document as openapi_document
from municipalities.selectors import DirectoryFilters
from municipalities.views import directory_form

API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 100
# Rows per prefetch batch when streaming downloads. Each chunk costs two prefetch queries;
# the coalitions have hundreds of members, so a whole download is usually one chunk.
DOWNLOAD_CHUNK_SIZE = 1000
SAFE_METHODS = ("GET", "HEAD")

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

    # Exempt from CSRF: these views never change anything, and a POST must get the 405 in
    # JSON that the OpenAPI document declares, not the CSRF failure page.
    @csrf_exempt
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


def strict_form(request: HttpRequest) -> StrictDirectoryFilterForm:
    return StrictDirectoryFilterForm(
        request.GET or None,
        chapters=list(Chapter.objects.order_by("name")),
        programmes=list(Programme.objects.order_by("name")),
        regions=selectors.listed_regions(),
    )


class BadParameter(Exception):
    """A query parameter outside what the OpenAPI document declares: a 400 in JSON."""

    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.response = json_response(
            {"error": code, "message": message, **({"fields": fields} if fields else {})},
            status=400,
        )


def strict_filters(request: HttpRequest) -> DirectoryFilters:
    """The filters of an API or download request, or BadParameter naming each refused one."""
    form = strict_form(request)
    if form.is_bound and not form.is_valid():
        fields = {name: list(errors) for name, errors in form.errors.items()}
        raise BadParameter(
            "invalid_parameter",
            _("Refused parameters: %(names)s.") % {"names": ", ".join(sorted(fields))},
            fields,
        )
    return form.filters()


def refuses_bad_parameters(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as refusal:
            return refusal.response

    return wrapper


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
@refuses_bad_parameters
def open_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    municipalities = selectors.directory_queryset(strict_filters(request))
    response = StreamingHttpResponse(
        _csv_lines(municipalities), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, download_filename("csv"))


@public_read_only
@refuses_bad_parameters
def open_data_json(request: HttpRequest) -> StreamingHttpResponse:
    municipalities = selectors.directory_queryset(strict_filters(request))
    response = StreamingHttpResponse(
        _json_chunks(municipalities),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, download_filename("json"))


def open_data(request: HttpRequest) -> HttpResponse:
    """How to download the data and use the API, with every field described."""
    query = api_query_string(request)
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


def api_query_string(request: HttpRequest) -> str:
    """The directory's query string as the API spells it: its checkbox posts `stale=on`,
    the API's boolean is `true`."""
    query = request.GET.copy()
    query.pop("page", None)
    if "stale" in query:
        query["stale"] = "true" if query.get("stale") in ("on", "true") else "false"
    return query.urlencode()


def whole_number(request: HttpRequest, name: str, *, default: int, maximum: int | None) -> int:
    """A pagination parameter: digits only, given once, from 1 up to `maximum`."""
    values = request.GET.getlist(name)
    if not values:
        return default
    if len(values) > 1 or not values[0].isascii() or not values[0].isdigit():
        value = 0
    else:
        value = int(values[0])
    if value < 1 or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("%(name)s must be a whole number from 1.") % {"name": name}
        else:
            message = _("%(name)s must be a whole number from 1 to %(max)d.") % {
                "name": name,
                "max": maximum,
            }
        raise BadParameter(f"invalid_{name}", message, {name: [message]})
    return value


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@public_read_only
@refuses_bad_parameters
def municipality_list(request: HttpRequest) -> JsonResponse:
    page_size = whole_number(request, "page_size", default=API_PAGE_SIZE, maximum=API_MAX_PAGE_SIZE)
    number = whole_number(request, "page", default=1, maximum=None)
    paginator = Paginator(selectors.directory_queryset(strict_filters(request)), page_size)
    if number > paginator.num_pages:
        # After the last page: an empty page (the document allows any page from 1), whose
        # previous link leads back to the last page with results.
        last = paginator.num_pages if paginator.count else None
        return json_response(
            {
                "count": paginator.count,
                "next": None,
                "previous": _page_link(request, last) if last else None,
                "results": [],
            }
        )
    page = paginator.page(number)
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


@public_read_only
def openapi(request: HttpRequest) -> JsonResponse:
    document = openapi_document(
        strict_form(request), page_size=API_PAGE_SIZE, max_page_size=API_MAX_PAGE_SIZE
    )
    return json_response(document)


@public_read_only
def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under the API answers in JSON, like the API itself (an address
    that only lacks its final slash is sent to it, as APPEND_SLASH would)."""
    if not request.path.endswith("/"):
        try:
            resolved = resolve(request.path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.url_name != "api_not_found":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return json_error(404, "not_found", _("Nothing is published at this address."))
