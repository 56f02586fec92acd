"""Fixtures of the indicator tests: La Serena's permit project (published), a draft, officers of
La Serena and of another city, chapter staff with two-factor, a stranger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects.indicators import services
from projects.indicators.models import Indicator, Measurement, Target
from projects.models import Project
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)
from tests.projects.factories import build_project


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="CIAR Chile", slug="ciar-chile")


@pytest.fixture
def la_serena(chapter):
    return MunicipalityFactory(chapter=chapter, name="La Serena", slug="la-serena")


@pytest.fixture
def penalolen(chapter):
    return MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")


@pytest.fixture
def officer(la_serena):
    return OfficerFactory(municipality=la_serena, user__language="en").user


@pytest.fixture
def other_officer(penalolen):
    return OfficerFactory(municipality=penalolen, user__language="en").user


@pytest.fixture
def staff(chapter):
    user = ChapterStaffFactory(chapter=chapter, user__language="en").user
    enable_totp(user)
    return user


@pytest.fixture
def stranger(db):
    return UserFactory(language="en")


@pytest.fixture
def published(la_serena):
    return build_project(
        [la_serena],
        title="Triaje de permisos de obra",
        slug="triaje-permisos",
        status=Project.Status.PRODUCTION,
        start=dt.date(2025, 1, 1),
    )


@pytest.fixture
def draft(la_serena):
    return build_project(
        [la_serena],
        title="Borrador secreto",
        slug="borrador-secreto",
        visibility=Project.Visibility.DRAFT,
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


@pytest.fixture(autouse=True)
def _english(english_interface):
    """Every test here reads the interface in English."""
