"""Whole pages kept for anonymous visitors, with the CSRF token left out of the stored copy.

An anonymous visitor without a session sees the busiest public pages (the directory) exactly
as every other such visitor does, but for the CSRF token of the language switcher and of the
htmx requests. Rendering the page around its cached fragments was still four fifths of such a
request, so those visitors get the whole stored page instead: the cached copy holds a
placeholder where the tokens were, and each answer gets the visitor's own freshly masked token
(Django's `get_token`, which also sets or renews the visitor's CSRF cookie as a rendered page
would). Signed-in visitors, visitors with a session or pending messages, and every other method
are rendered as before. The caller's key must change whenever the page's data does (the
directory's key carries its data version).

The ETag of a page leaves the tokens out too (`page_etag`), so a returning visitor's
revalidation costs a 304 whichever copy answered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

# The CSRF token in a page is masked afresh on every render (against BREACH), so two
# renders of the same page never have the same bytes; any of those tokens is good for the
# visitor's cookie. (Two patterns, each starting with a literal, are found much faster than
# one alternation.)
_CSRF_TOKENS = (
    re.compile(rb'(csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}'),
    re.compile(rb'("X-CSRFToken": ")[A-Za-z0-9]{64}'),
)
# Where a token was, while the page is cut into parts (a NUL byte never reaches a rendered
# page: forms refuse it in every text they take).
_TOKEN_PLACEHOLDER = b"\x00csrf\x00"


def page_etag(content: bytes, *, html: bool = True) -> str:
    """A weak ETag of a page that ignores its CSRF tokens. Only HTML holds tokens: the scan
    for them is left out for other bodies (2 ms on the 1.6 MB of the projects' JSON)."""
    if html:
        for pattern in _CSRF_TOKENS:
            content = pattern.sub(rb"\1", content)
    return f'W/"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


@dataclass(frozen=True)
class StoredPage:
    parts: tuple[bytes, ...]  # the page cut where its CSRF tokens were
    content_type: str
    etag: str


def is_anonymous_visit(request: HttpRequest) -> bool:
    """A GET or HEAD from a visitor with neither a session nor pending messages: nobody is
    signed in (the user comes from the session) and the page shows nothing of their own.
    Reads the cookies only, so the session is not loaded."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and not cookies.get(settings.SESSION_COOKIE_NAME)
        and not cookies.get("messages")
    )


def anonymous_page(
    request: HttpRequest, key: str, render: Callable[[], HttpResponse], timeout: int
) -> HttpResponse:
    """The stored copy of the page under `key`, else `render()`'s response, stored when it is
    a complete 200 without headers of its own. Call it only for `is_anonymous_visit`."""
    stored = cache.get(key)
    if isinstance(stored, StoredPage):
        parts = stored.parts
        content = get_token(request).encode().join(parts) if len(parts) > 1 else parts[0]
        response = HttpResponse(content, content_type=stored.content_type)
        response.page_etag = stored.etag
        return response
    response = render()
    if _storable(response):
        content = response.content
        for pattern in _CSRF_TOKENS:
            content = pattern.sub(rb"\1" + _TOKEN_PLACEHOLDER, content)
        etag = page_etag(response.content)
        parts = tuple(content.split(_TOKEN_PLACEHOLDER))
        cache.set(key, StoredPage(parts, response["Content-Type"], etag), timeout)
        response.page_etag = etag
    return response


def _storable(response: HttpResponse) -> bool:
    """Only the body and its type are stored: a response that says more is not."""
    extra = {name.lower() for name in response.headers} - {"content-type"}
    return (
        response.status_code == 200
        and not response.streaming
        and not extra
        and not response.cookies
    )
