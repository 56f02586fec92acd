from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from coalition.permissions import Area, recorded_roles, roles_of

# What the layout (templates/base.html) links to on every page. Resolved once per process
# rather than with a {% static %} or {% url %} tag per link and page: those tags were half of
# the layout's rendering time, the same answer every time.
LAYOUT_ASSETS = {
    "favicon": "img/favicon.svg",
    "portal_css": "css/portal.css",
    "print_css": "css/print.css",
    "htmx_js": "vendor/htmx/htmx.min.js",
    "portal_js": "js/portal.js",
    "file_inputs_js": "js/file-inputs.js",
    "htmx_errors_js": "js/htmx-errors.js",
    "focus_js": "js/focus.js",
}
LAYOUT_URL_NAMES = (
    "home",
    "directory",
    "call_list",
    "project_directory",
    "dashboard",
    "set_language",
    "account_email",
    "account_logout",
    "account_login",
    "account_signup",
)


@cache
def site_links(script_prefix: str) -> dict[str, str]:
    """The layout's asset and page addresses (a deployment under a path prefix has its own)."""
    links = {name: static(path) for name, path in LAYOUT_ASSETS.items()}
    links.update({name: reverse(name) for name in LAYOUT_URL_NAMES})
    return links


@cache
def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for the language switcher."""
    codes = [code for code, _name in settings.LANGUAGES]
    return [(code, capfirst(get_language_info(code)["name_local"])) for code in codes]


@receiver(setting_changed)
def _links_changed(*, setting: str, **_kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES", "ROOT_URLCONF", "LANGUAGES"):
        site_links.cache_clear()
        language_choices.cache_clear()


def portal(request) -> dict:
    """Roles for the navigation; computed lazily so anonymous pages pay nothing."""

    def areas() -> list[str]:
        return [str(area) for area in roles_of(request.user).areas]

    def nav_areas() -> list[str]:
        # Links to areas waiting for two-factor set-up too: they lead to the set-up page.
        return [str(area) for area in recorded_roles(request.user).areas]

    return {
        "user_areas": areas,
        "user_nav_areas": nav_areas,
        "AREA": Area,
        "LANGUAGES": settings.LANGUAGES,
        "site_links": site_links(get_script_prefix()),
        "language_choices": language_choices(),
    }
