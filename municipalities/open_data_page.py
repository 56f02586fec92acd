"""The open data page, and the reading of the directory's query string that the map and the
API share with it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from coalition.api import MAX_PAGE_SIZE, PAGE_SIZE
from municipalities import opendata
from municipalities.forms import DirectoryFilterForm
from municipalities.models import Municipality
from municipalities.selectors import DirectoryFilters
from municipalities.views import directory_form


def request_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, DirectoryFilters]:
    form = directory_form(request)
    return form, form.filters()


def query_string(request: HttpRequest, *, without: tuple[str, ...] = ("page",)) -> str:
    query = request.GET.copy()
    for key in without:
        query.pop(key, None)
    return query.urlencode()


def api_query_string(request: HttpRequest) -> str:
    """The directory's query string as the API spells it: its checkboxes post `stale=on`,
    the API's boolean is `true`."""
    query = request.GET.copy()
    query.pop("page", None)
    for name in ("stale", "active_project"):
        if name in query:
            query[name] = "true" if query.get(name) in ("on", "true") else "false"
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
            "page_size": PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "list_separator": opendata.LIST_SEPARATOR,
        },
    )
