"""The calls app's panels on the home page (registered in CallsConfig.ready, see
coalition.panels): the open calls with their countdown, else the next one, and the cities
selected in the latest call that announced them."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from calls import selectors
from coalition.panels import HomePanel, register_home_panel

SELECTED_SHOWN = 12
# Past calls looked at for selected cities: the latest that has any is shown.
PAST_CALLS_LOOKED_AT = 3


def open_calls_context(request: HttpRequest) -> dict[str, Any] | None:
    groups = selectors.calls_by_phase()
    if groups["open"]:
        return {"open_calls": groups["open"], "upcoming_call": None}
    if groups["upcoming"]:
        return {"open_calls": [], "upcoming_call": groups["upcoming"][0]}
    return None


def selected_cities_context(request: HttpRequest) -> dict[str, Any] | None:
    now = timezone.now()
    past = (
        selectors.public_calls()
        .filter(closes_at__lte=now)
        .order_by(F("announces_at").desc(nulls_last=True), "-closes_at")
    )
    for call in past[:PAST_CALLS_LOOKED_AT]:
        selected = selectors.selected_municipalities(call, now)
        if selected:
            return {
                "call": call,
                "cities": [item.municipality for item in selected[:SELECTED_SHOWN]],
                "more": max(0, len(selected) - SELECTED_SHOWN),
            }
    return None


def register_panels() -> None:
    register_home_panel(
        HomePanel(
            key="calls.open",
            template="calls/partials/home_open_calls.html",
            context=open_calls_context,
            order=10,
        )
    )
    register_home_panel(
        HomePanel(
            key="calls.selected",
            template="calls/partials/home_selected_cities.html",
            context=selected_cities_context,
            order=20,
        )
    )
