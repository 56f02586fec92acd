"""Panels of the home page, contributed by the apps above `coalition`.

The base app knows nothing of calls or projects, yet the home page features the open call and
the latest selected cities (and later projects). Each app registers its panel in its
AppConfig.ready(); the home view renders whichever panels have something to show, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    # The template's context, or None when the panel has nothing to show (no empty box).
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    """Register (or replace, by key: ready() may run twice in tests) a home-page panel."""
    _PANELS[panel.key] = panel


def home_panels(request: HttpRequest) -> list[RenderedPanel]:
    panels = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            panels.append(RenderedPanel(panel.key, panel.template, context))
    return panels
