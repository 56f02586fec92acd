"""Open data downloads of the register (public entries only, Eurocities columns)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from projects.downloads import open_data_response
from projects.register import opendata


def _download(chunks, content_type: str, extension: str) -> StreamingHttpResponse:
    filename = f"ai-register-{timezone.localdate().isoformat()}.{extension}"
    return open_data_response(chunks, filename=filename, content_type=content_type)


@require_safe
def register_data_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _download(opendata.csv_lines(), "text/csv", "csv")


@require_safe
def register_data_json(request: HttpRequest) -> StreamingHttpResponse:
    return _download(opendata.json_chunks(), "application/json", "json")
