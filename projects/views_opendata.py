"""Open data downloads of the published projects, with the directory's filters."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects import opendata, selectors
from projects.downloads import open_data_response
from projects.models import Project
from projects.views_projects import directory_form


def _filtered(request: HttpRequest) -> QuerySet[Project]:
    filters = directory_form(request).filters()
    projects = selectors.filter_projects(selectors.public_projects(), filters)
    return projects.order_by("-published_at", "-id")


def _filename(extension: str) -> str:
    return f"proyectos-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def project_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    return open_data_response(
        opendata.csv_text(_filtered(request)), filename=_filename("csv"), content_type="text/csv"
    )


@require_GET
def project_data_json(request: HttpRequest) -> HttpResponse:
    return open_data_response(
        opendata.json_document(opendata.rows(_filtered(request))),
        filename=_filename("json"),
        content_type="application/json",
        inline=True,
    )
