"""The response of every open data download of projects, startups, challenges and the AI
register: named, and readable by any web page (CORS `*`, the data is public)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header


def open_data_response(
    content: str | bytes | Iterable[str | bytes],
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """`content` as a download called `filename`: text (or its UTF-8 bytes) is sent at once,
    an iterable of chunks is streamed. `content_type` without its charset (always UTF-8)."""
    whole = isinstance(content, str | bytes)
    response_class = HttpResponse if whole else StreamingHttpResponse
    response = response_class(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Access-Control-Allow-Origin"] = "*"
    return response
