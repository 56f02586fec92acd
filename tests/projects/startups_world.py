"""Builders shared by the tests of startups, challenges and the yearly commitment."""

from __future__ import annotations

import datetime as dt
import itertools

from municipalities.models import Membership
from projects.models import Challenge, Project, ProjectCity, ProjectStartup, Startup

_numbers = itertools.count(1)

# Valid tax ids (check digits verified by projects.taxids).
RUT_PERMISIA = "76.086.428-5"
CUIT_CIUDATA = "30-71234567-1"


def make_startup(name: str = "", *, country: str = "CL", tax_id: str = "", **extra) -> Startup:
    n = next(_numbers)
    name = name or f"Startup {n}"
    return Startup.objects.create(
        name=name, slug=f"startup-{n}", country=country, tax_id=tax_id, **extra
    )


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
    n = next(_numbers)
    project = Project.objects.create(
        title=title or f"Proyecto {n}",
        slug=f"proyecto-{n}",
        area="procedures",
        problem="Problema",
        solution="Solución",
        summary="Resumen",
        uses_ai=uses_ai,
        status=status,
        visibility=visibility,
        start_date=start,
        end_date=end,
        challenge=challenge,
    )
    for city in cities:
        ProjectCity.objects.create(project=project, municipality=city)
    for startup in startups:
        ProjectStartup.objects.create(project=project, startup=startup)
    return project


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
