"""Builders of projects for the tests of the projects part (and anyone who needs one)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from projects.models import (
    Project,
    ProjectCity,
    ProjectStartup,
    ProjectStatusChange,
    Startup,
)
from projects.register import services as register_services
from projects.register.models import RegisterEntry
from projects.register.selectors import entry_for_edit
from projects.services import refresh_search_text

_numbers = itertools.count(1)


def build_startup(name: str = "", *, country: str = "CL", tax_id: str = "", **extra) -> Startup:
    n = next(_numbers)
    return Startup.objects.create(
        name=name or f"Startup {n}", slug=f"startup-p{n}", country=country, tax_id=tax_id, **extra
    )


def build_project(
    cities,
    startups=(),
    *,
    title: str = "",
    slug: str = "",
    visibility: str = Project.Visibility.PUBLISHED,
    status: str = Project.Status.PILOT,
    area: str = "procedures",
    problem: str = "Los vecinos esperan semanas.",
    solution: str = "Un asistente que clasifica las solicitudes.",
    uses_ai: bool = True,
    start: dt.date | None = dt.date(2025, 3, 1),
    end: dt.date | None = None,
    summary: str = "Resumen público",
    **extra,
) -> Project:
    """A project made with the ORM (the flows have their own tests), its search text kept."""
    n = next(_numbers)
    project = Project.objects.create(
        title=title or f"Proyecto {n}",
        slug=slug or f"proyecto-p{n}",
        area=area,
        problem=problem,
        solution=solution,
        ai_technique="Clasificación de texto" if uses_ai else "",
        uses_ai=uses_ai,
        status=status,
        visibility=visibility,
        published_at=timezone.now() if visibility != Project.Visibility.DRAFT else None,
        start_date=start,
        end_date=end,
        summary=summary,
        **extra,
    )
    for city in cities:
        ProjectCity.objects.create(project=project, municipality=city)
    for startup in startups:
        ProjectStartup.objects.create(project=project, startup=startup, role="provider")
    ProjectStatusChange.objects.create(
        project=project, status=status, changed_on=start or dt.date(2025, 1, 1)
    )
    refresh_search_text(project)
    project.refresh_from_db()
    return project


def save_register_entry(project: Project, officer, data: dict) -> RegisterEntry:
    """Save `data` into the draft of `project`'s AI register entry as `officer`, as the edit
    form does (a new entry if it has none)."""
    project, entry = entry_for_edit(officer, project.slug)
    entry, _changed = register_services.register_entry_save(
        project=project,
        actor=officer,
        data=data,
        draft_revision=entry.draft_revision if entry else None,
    )
    return entry


def publish_register_entry(
    project: Project, officer, data: dict, *, change_note: str = ""
) -> RegisterEntry:
    """Save `data` into the entry's draft, then publish it as a new version."""
    entry = save_register_entry(project, officer, data)
    register_services.register_entry_publish(entry=entry, actor=officer, change_note=change_note)
    return entry
