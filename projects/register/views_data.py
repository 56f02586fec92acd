"""Open data downloads of the register (public entries only, Eurocities columns)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from projects.register import opendata


def _download(chunks, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"ai-register-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def register_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _download(opendata.csv_lines(), "text/csv; charset=utf-8", "csv")


@require_safe
def register_data_json(request: HttpRequest) -> StreamingHttpResponse:
    return _download(opendata.json_chunks(), "application/json; charset=utf-8", "json")
