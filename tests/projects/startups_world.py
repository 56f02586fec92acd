"""Builders shared by the tests of startups, challenges and the yearly commitment."""

from __future__ import annotations

import datetime as dt
import itertools

from municipalities.models import Membership
from projects.models import Challenge, Project
from tests.projects.factories import build_project, build_startup

_numbers = itertools.count(1)

# Valid tax ids (check digits verified by projects.taxids).
RUT_PERMISIA = "76.086.428-5"
CUIT_CIUDATA = "30-71234567-1"


make_startup = build_startup


def make_project(
    cities,
    startups=(),
    *,
    visibility: str = Project.Visibility.PUBLISHED,
    status: str = Project.Status.PILOT,
    uses_ai: bool = True,
    start: dt.date | None = dt.date(2025, 3, 1),
    end: dt.date | None = None,
    challenge: Challenge | None = None,
    title: str = "",
) -> Project:
    """`tests.projects.factories.build_project` with the short texts of these tests."""
    return build_project(
        cities,
        startups,
        title=title,
        visibility=visibility,
        status=status,
        uses_ai=uses_ai,
        start=start,
        end=end,
        challenge=challenge,
        problem="Problema",
        solution="Solución",
        summary="Resumen",
    )


def make_challenge(cities, *, status: str = Challenge.Status.OPEN, title: str = "") -> Challenge:
    n = next(_numbers)
    challenge = Challenge.objects.create(
        title=title or f"Desafío {n}",
        slug=f"desafio-{n}",
        area="citizen_service",
        description="Descripción del problema",
        status=status,
    )
    challenge.municipalities.set(cities)
    return challenge


def make_member(city, *, joined: dt.date | None = None) -> Membership:
    return Membership.objects.create(
        municipality=city, chapter=city.chapter, status=Membership.Status.MEMBER, joined_on=joined
    )
