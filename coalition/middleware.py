from functools import cache

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import parse_http_date_safe

from coalition.page_cache import is_anonymous_visit, page_etag


@cache
def supported_languages() -> frozenset[str]:
    return frozenset(code for code, _name in settings.LANGUAGES)


@receiver(setting_changed)
def _languages_changed(*, setting: str, **_kwargs) -> None:
    if setting == "LANGUAGES":
        supported_languages.cache_clear()


def language_for(request) -> str:
    """The signed-in user's preferred language, else the visitor's cookie, else Spanish.

    The browser's Accept-Language is deliberately ignored: the portal is Spanish first and
    a visitor chooses another language with the switcher.
    """
    supported = supported_languages()
    user = _user_if_signed_in(request)
    if user is not None and user.language in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE


def _user_if_signed_in(request):
    """The signed-in user, or None. A visitor without a session cookie is nobody: their lazy
    user is not loaded only to learn so (that was a fifth of the cheapest request)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if (
        isinstance(user, SimpleLazyObject)
        and user._wrapped is empty
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    ):
        return None
    return user if user.is_authenticated else None


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # what get_language() gives for a supported code
        response = self.get_response(request)
        if "Vary" in response.headers:
            patch_vary_headers(response, ("Cookie",))
        else:  # the usual case, without parsing and merging an empty list
            response.headers["Vary"] = "Cookie"
        response.headers.setdefault("Content-Language", language)
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, with the storage built only when a request uses it.

    Django builds the message storage (a cookie signer and the session storage) for every
    request, a tenth of the time of the cheapest page, although most requests neither add
    nor read a message. An unused storage has nothing to write back either. (A subclass, so
    that the admin's check finds the message middleware; synchronous, as the portal is.)"""

    async_capable = False

    def __call__(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))
        response = self.get_response(request)
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return self.process_response(request, response)


class PublicPageCacheMiddleware:
    """Anonymous pages that carry nothing of the visitor's own say so, so that a proxy in
    front (and the browser) may keep them for `PUBLIC_PAGE_MAX_AGE` seconds and revalidate
    them with their ETag (a 304 without a body).

    A response qualifies when it is a complete 200 to a GET or HEAD, sets no cookie (but the
    renewal of the visitor's unchanged CSRF cookie, dropped), has no Cache-Control of its own
    (views that chose one keep it), and the visitor is anonymous with neither a session nor
    pending messages. The first visit, which sets the CSRF cookie of the language switcher,
    does not qualify; the responses vary on Cookie (the language, the CSRF token in the
    forms), so a shared cache never hands one visitor's copy to another: it serves the
    repeat visits of each visitor, and any visitor's 304s. Signed-in pages are untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self.is_public(request, response):
            return response
        # Django sends the CSRF cookie again with every page that holds the token, only to
        # renew its expiry: not on a public page (it renews on the forms' own pages).
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        if not response.has_header("ETag"):
            # A page served by coalition.page_cache brings its ETag, computed once.
            response["ETag"] = getattr(response, "page_etag", None) or page_etag(
                response.content, html=response["Content-Type"].startswith("text/html")
            )
        # Some views answer an htmx request with a part of the page at the same address.
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    @staticmethod
    def is_public(request, response) -> bool:
        if not is_anonymous_visit(request) or response.status_code != 200:
            return False
        if response.streaming or response.has_header("Cache-Control"):
            return False
        if response.cookies and not PublicPageCacheMiddleware.only_csrf_renewal(request, response):
            return False
        user = getattr(request, "user", None)
        return user is not None and not user.is_authenticated

    @staticmethod
    def only_csrf_renewal(request, response) -> bool:
        """The only cookie set is the visitor's CSRF cookie, unchanged."""
        sent = response.cookies.get(settings.CSRF_COOKIE_NAME)
        return (
            len(response.cookies) == 1
            and sent is not None
            and sent.value == request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        )
