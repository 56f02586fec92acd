from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty


def language_for(request) -> str:
    """The signed-in user's preferred language, else the visitor's cookie, else Spanish.

    The browser's Accept-Language is deliberately ignored: the portal is Spanish first and
    a visitor chooses another language with the switcher.
    """
    supported = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class MfaSetupMiddleware:
    """A request refused to someone whose privileged rights wait for two-factor set-up is
    sent to set-up instead of a bare 403, whichever view refused it. The refusal itself comes
    from `coalition.permissions.roles_of`, which withholds those rights until then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from coalition.permissions import needs_mfa_setup, redirect_to_mfa_setup

        if isinstance(exception, PermissionDenied) and needs_mfa_setup(request.user):
            return redirect_to_mfa_setup(request)
        return None


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, with the storage built only when a request uses it.

    Django builds the message storage (a cookie signer and the session storage) for every
    request, a tenth of the time of the cheapest page, although most requests neither add
    nor read a message. An unused storage has nothing to write back either."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
