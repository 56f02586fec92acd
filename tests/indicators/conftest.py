"""Fixtures of the indicator tests: La Serena's permit project (published, in production since
2025) and its days-per-permit indicator; the people, places and draft are those of the
projects' tests (tests/projects/fixtures.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects.indicators import services
from projects.indicators.models import Indicator, Measurement, Target
from projects.models import Project
from tests.projects.factories import build_project
from tests.projects.fixtures import *  # noqa: F403 (people, places, the draft, English)


@pytest.fixture
def published(la_serena):
    return build_project(
        [la_serena],
        title="Triaje de permisos de obra",
        slug="triaje-permisos",
        status=Project.Status.PRODUCTION,
        start=dt.date(2025, 1, 1),
    )


def days_indicator(project, actor=None, *, name="Average days to process a building permit"):
    """45 days on 2025-01-01, lower is better, target 20 by 2026-12-31 (30 by 2025-12-31)."""
    indicator = Indicator.objects.create(
        project=project,
        name=name,
        unit="days",
        measure=Indicator.Measure.NUMBER,
        direction=Indicator.Direction.DECREASE,
        baseline_value=Decimal(45),
        baseline_date=dt.date(2025, 1, 1),
        created_by=actor,
    )
    Target.objects.create(
        indicator=indicator,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value=Decimal(30),
    )
    Target.objects.create(
        indicator=indicator,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(20),
    )
    return indicator


def measure(indicator, start: str, end: str, value, actor=None, **extra) -> Measurement:
    return Measurement.objects.create(
        indicator=indicator,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        value=Decimal(value),
        reported_by=actor,
        **extra,
    )


@pytest.fixture
def permits(published, officer):
    indicator = days_indicator(published, officer)
    measure(indicator, "2025-01-01", "2025-03-31", 38, officer, method="Sistema de permisos")
    measure(indicator, "2026-07-01", "2026-09-30", 26, officer)
    return indicator


__all__ = ["services"]
