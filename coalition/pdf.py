"""Render Django templates to PDF with WeasyPrint, never touching the network.

Fonts and images come from the portal's own static files; any other URL is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STATIC_SCHEME = "static:"


class NetworkRefused(ValueError):
    pass


class LocalOnlyURLFetcher(URLFetcher):
    """Serves `static:<path>` from the portal's static files and data: URIs; refuses the rest."""

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_SCHEME):
            found = finders.find(url.removeprefix(STATIC_SCHEME).lstrip("/"))
            if not found:
                raise FileNotFoundError(url)
            return super().fetch(Path(found).resolve().as_uri(), headers)
        raise NetworkRefused(f"PDF rendering does not fetch {url!r}")


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` to PDF bytes. Templates refer to assets as `static:path`."""
    html = render_to_string(template_name, {**context, "site_url": settings.SITE_URL})
    fetcher = LocalOnlyURLFetcher(allowed_protocols=("file", "data"))
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher)
    return document.write_pdf(font_config=fonts)
