"""The municipalities' part of the versioned JSON API, and the open data downloads.

Everything here is public, read-only data about listed municipalities, filtered exactly like
the directory: the same query string (q, country, region, chapter, status, programme,
population, stale, active_project, sort), validated by pydantic (`schemas.MunicipalityFilters`,
which the OpenAPI document declares), then read by the directory's strict form and applied by
the same selector (`selectors.filtered_municipalities`). The fields come from
`municipalities.opendata` and are serialised by `schemas.Municipality`, built from them (the
downloads write the same bytes without it, `municipalities.opendata_files`).
Registered with the portal's API (coalition.api) in MunicipalitiesConfig.ready().

SQL queries per request, whatever the number of municipalities:

* every filtered endpoint reads the filter form's choices: chapters, programmes and listed
  regions (3);
* a page of rows costs 3: the municipalities' values, their memberships and their programmes
  (opendata.records: plain values, no model instances);
* API list: 3 + count + 3 = 7. API detail: 3 (no form). OpenAPI document: 3 (the chapters,
  programmes and regions its enums declare).
* CSV and JSON downloads stream the rows a chunk of DOWNLOAD_CHUNK_SIZE at a time
  (`opendata_files`, a column at a time, no model validated per row): the memberships and the
  programmes (a subquery of the same filter), then the rows with one query (a server-side
  cursor on PostgreSQL). So a download costs 3 + 3 (+ 1 count for JSON), whatever the rows.
"""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router

from coalition.api import PageParams, not_found, paginate, responses, strict
from municipalities import opendata, opendata_files, schemas, selectors
from municipalities.forms import StrictDirectoryFilterForm
from municipalities.selectors import DirectoryFilters

# Rows per chunk when streaming downloads. Each chunk costs two queries; the coalitions have
# hundreds of members, so a whole download is usually one chunk.
DOWNLOAD_CHUNK_SIZE = 1000
TAGS = ["municipalities"]

api = Router(tags=TAGS)
downloads = Router(tags=TAGS)


def strict_filters(request: HttpRequest) -> DirectoryFilters:
    """The filters of an API or download request, or a 400 naming each refused one (the
    values pydantic let through, checked against what exists: chapters, regions...)."""
    form = StrictDirectoryFilterForm(request.GET or None, choices=selectors.directory_choices())
    return strict(form).filters()


# --- JSON API, version 1 -------------------------------------------------------------------


@api.get(
    "",
    url_name="api_municipality_list",
    operation_id="listMunicipalities",
    summary=_("Listed municipalities matching the filters, a page at a time."),
    **responses(schemas.MunicipalityPage, _("A page of municipalities."), 400),
)
def municipality_list(
    request: HttpRequest,
    filters: Query[schemas.MunicipalityFilters],
    paging: Query[PageParams],
):
    municipalities = selectors.filtered_municipalities(strict_filters(request))
    return paginate(request, municipalities, paging, opendata.records)


@api.get(
    "{slug}/",
    url_name="api_municipality_detail",
    operation_id="getMunicipality",
    summary=_("One listed municipality."),
    **responses(schemas.Municipality, _("The municipality."), 404),
)
def municipality_detail(request: HttpRequest, slug: Path[schemas.Slug]):
    found = opendata.records(
        selectors.filtered_municipalities(DirectoryFilters()).filter(slug=slug)
    )
    if not found:
        raise not_found(
            gettext("There is no listed municipality with the slug “%(slug)s”.") % {"slug": slug}
        )
    return found[0]


# --- Open data downloads -------------------------------------------------------------------


def download_filename(extension: str) -> str:
    return f"municipalities-{timezone.localdate().isoformat()}.{extension}"


def _attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@downloads.get(
    "municipalities.csv",
    url_name="open_data_csv",
    operation_id="downloadMunicipalitiesCsv",
    summary=_("Every matching municipality as CSV (UTF-8 with BOM)."),
    **responses(
        None,
        _("One row per municipality; the header row has the field names."),
        400,
        content={"text/csv": {"schema": {"type": "string"}}},
    ),
)
def open_data_csv(request: HttpRequest, filters: Query[schemas.MunicipalityFilters]):
    municipalities = selectors.filtered_municipalities(strict_filters(request))
    response = StreamingHttpResponse(
        opendata_files.csv_chunks(municipalities, chunk_size=DOWNLOAD_CHUNK_SIZE),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, download_filename("csv"))


@downloads.get(
    "municipalities.json",
    url_name="open_data_json",
    operation_id="downloadMunicipalitiesJson",
    summary=_("Every matching municipality as one JSON document."),
    **responses(schemas.MunicipalityList, _("All the municipalities, without pages."), 400),
)
def open_data_json(request: HttpRequest, filters: Query[schemas.MunicipalityFilters]):
    municipalities = selectors.filtered_municipalities(strict_filters(request))
    chunks = opendata_files.json_chunks(municipalities, chunk_size=DOWNLOAD_CHUNK_SIZE)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    return _attachment(response, download_filename("json"))
