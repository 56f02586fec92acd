"""The portal's WSGI application plus a bare Django hello-world view, for the benchmark only.

gunicorn serves `bench.server_wsgi:application`: every request goes to the portal's
`coalition.wsgi` application, except `/bench/bare/`, which a second Django handler with no
middleware at all answers from a URLconf of one view. Both run in the same gunicorn workers,
so the ratio of `/healthz/` to the bare view is the cost of the portal's middleware stack.

The same handler also answers `/bench/sql/<page>/`: a view that only sends a page's own SQL
statements (recorded by bench/server_time.py, read from the file `BENCH_SQL_FLOOR` names) and
reads all their rows, with no middleware, template or model. Its share of `/healthz/` is the
most the page could reach while it runs those queries: the floor of its cost.
Nothing here is imported by the portal itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")

# The portal exactly as production serves it (coalition.wsgi also prepares the process).
from coalition.wsgi import application as portal

BARE_PREFIXES = ("/bench/bare/", "/bench/sql/")


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world!", content_type="text/plain")


def _recorded_statements() -> dict[str, list[str]]:
    path = os.environ.get("BENCH_SQL_FLOOR")
    return json.loads(Path(path).read_text()) if path else {}


STATEMENTS = _recorded_statements()


def page_sql(request: HttpRequest, key: str) -> HttpResponse:
    """The SQL of page `key` and nothing else: each statement sent and all its rows read."""
    if key not in STATEMENTS:
        raise Http404
    with connection.cursor() as cursor:
        for statement in STATEMENTS[key]:
            cursor.execute(statement)  # no parameters: the text is sent as it is
            cursor.fetchall()
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [path("bench/bare/", hello), path("bench/sql/<str:key>/", page_sql)]


class BareHandler(WSGIHandler):
    """Django's handler with an empty middleware list and this module as its URLconf."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def resolve_request(self, request):
        request.urlconf = __name__
        return super().resolve_request(request)


bare = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(BARE_PREFIXES):
        return bare(environ, start_response)
    return portal(environ, start_response)
