"""Open data of the measurements of published projects, and the staff's overdue list."""

from __future__ import annotations

from itertools import islice

import pydantic_core
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coalition.csvexport import LINES_PER_PIECE, csv_lines, plain_value
from coalition.permissions import Area, area_required
from projects.downloads import open_data_response
from projects.indicators import selectors

OVERDUE_PAGE_SIZE = 50


@require_GET
def measurements_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = selectors.open_measurements().iterator(chunk_size=2000)
    return open_data_response(
        csv_lines(selectors.OPEN_DATA_FIELDS, rows),
        filename="measurements.csv",
        content_type="text/csv",
    )


@require_GET
def measurements_json(request: HttpRequest) -> StreamingHttpResponse:
    names = list(selectors.OPEN_DATA_FIELDS)

    def chunks():
        yield b'{"measurements":['
        records = selectors.open_measurements().iterator(chunk_size=2000)
        separator = b""
        # A piece per LINES_PER_PIECE records, not per record (see csv_lines), written by
        # pydantic's serialiser as one list whose brackets are left out.
        while items := [
            dict(zip(names, map(plain_value, record), strict=True))
            for record in islice(records, LINES_PER_PIECE)
        ]:
            yield separator + pydantic_core.to_json(items)[1:-1]
            separator = b","
        yield b"]}"

    return open_data_response(
        chunks(), filename="measurements.json", content_type="application/json", inline=True
    )


@area_required(Area.STAFF)
@require_GET
def staff_overdue_reports(request: HttpRequest) -> HttpResponse:
    rows = selectors.staff_owing_projects(request.user, timezone.localdate())
    page = Paginator(rows, OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "indicators/staff_overdue.html", {"page": page, "rows": page})
