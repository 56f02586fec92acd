"""The portal's WSGI application plus a bare Django hello-world view, for the benchmark only.

gunicorn serves `bench.server_wsgi:application`: every request goes to the portal's
`coalition.wsgi` application, except `/bench/bare/`, which a second Django handler with no
middleware at all answers from a URLconf of one view. Both run in the same gunicorn workers,
so the ratio of `/healthz/` to the bare view is the cost of the portal's middleware stack.
Nothing here is imported by the portal itself.
"""

from __future__ import annotations

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")

# The portal exactly as production serves it (coalition.wsgi also prepares the process).
from coalition.wsgi import application as portal

BARE_PREFIX = "/bench/bare/"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world!", content_type="text/plain")


urlpatterns = [path("bench/bare/", hello)]


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
    if environ.get("PATH_INFO", "").startswith(BARE_PREFIX):
        return bare(environ, start_response)
    return portal(environ, start_response)
