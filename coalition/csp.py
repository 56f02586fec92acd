"""The Content-Security-Policy header, built once per settings instead of on every request.

django-csp 4.0's middleware rebuilds the same header string from the settings on every
response (copying and sorting every directive): a quarter of the time of the cheapest page.
The portal's policy only depends on the settings, except where a view changes it with
django-csp's decorators (`csp_replace` on the committee's frameable pages) or a template asks
for a nonce. `CSPMiddleware` below serves the common case from a string computed once (and
again whenever a test changes the settings), and hands every other case to django-csp
unchanged, so the decorators, nonces and exemptions keep working as documented.
"""

from __future__ import annotations

import http.client as http_client
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Attributes django-csp's decorators set on a response to change or drop its policy.
_PER_RESPONSE = frozenset(
    (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )
)
_DEBUG_EXEMPT = (http_client.INTERNAL_SERVER_ERROR, http_client.NOT_FOUND)


@cache
def default_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded path prefixes) for the enforced and report-only policies."""
    headers = []
    for name, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        policy = build_policy(report_only=report_only)
        if policy:
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            headers.append((name, policy, tuple(prefixes or ())))
    return tuple(headers)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **_kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        default_headers.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        # The decorators set their attributes on the response object itself: one set
        # operation on its attributes instead of eight lookups.
        if getattr(request, "_csp_nonce", None) is not None or not _PER_RESPONSE.isdisjoint(
            vars(response)
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        path = request.path_info
        for name, policy, prefixes in default_headers():
            if name not in response and not (prefixes and path.startswith(prefixes)):
                response[name] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
