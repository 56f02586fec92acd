"""HTTP conventions of the public, read-only API: JSON errors, CORS, methods.

Used by every URL of the versioned API (they are wrapped in `public_read_only` when the API's
URL patterns are built) and by other public machine-readable addresses (the member map's data).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = ("GET", "HEAD")


def json_response(data, *, status: int = 200, **kwargs) -> JsonResponse:
    """JSON in UTF-8 with accents kept readable (not \\u escapes)."""
    return JsonResponse(
        data,
        status=status,
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
        **kwargs,
    )


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The one shape of every API error: a code, a message, and the refused parameters."""
    return {"error": code, "message": message, **({"fields": fields} if fields else {})}


def json_error(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    return json_response(error_body(code, message, fields), status=status)


def public_read_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET and HEAD only (405 in JSON otherwise; OPTIONS answers a CORS preflight), with
    `Access-Control-Allow-Origin: *`: this is public data anyone may read from a browser.
    HEAD is answered as GET (the server drops the body)."""

    # Exempt from CSRF: these views never change anything, and a POST must get the 405 in
    # JSON that the OpenAPI document declares, not the CSRF failure page.
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in SAFE_METHODS:
            response = json_error(
                405, "method_not_allowed", _("This address is read-only: use GET.")
            )
        else:
            if request.method == "HEAD":
                request.method = "GET"
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    request.method = "HEAD"
            else:
                response = view(request, *args, **kwargs)
        if response.status_code == 405 or request.method == "OPTIONS":
            response["Allow"] = ", ".join((*SAFE_METHODS, "OPTIONS"))
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


@public_read_only
def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under the API answers in JSON, like the API itself (an address
    that only lacks its final slash is sent to it, as APPEND_SLASH would)."""
    if not request.path.endswith("/"):
        try:
            resolved = resolve(request.path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.url_name != "api_not_found":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return json_error(404, "not_found", _("Nothing is published at this address."))
