"""Open data downloads of the published projects, with the directory's filters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects import opendata, selectors
from projects.views_projects import directory_form


def _filtered(request: HttpRequest) -> list[dict]:
    filters = directory_form(request).filters()
    projects = selectors.filter_projects(selectors.public_projects(), filters)
    return opendata.rows(projects.order_by("-published_at", "-id"))


def _filename(extension: str) -> str:
    return f"proyectos-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def project_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        opendata.csv_text(_filtered(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def project_data_json(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        opendata.json_text(_filtered(request)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{_filename("json")}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
