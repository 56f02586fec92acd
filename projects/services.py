"""Writes for projects. Views call these; nothing else saves a project.

Every change by a person is kept as a `ProjectRevision` (old and new display values) and
audited. Edits name the version they started from (optimistic versioning): a save from a
stale page is refused with a message, and the form keeps what was typed.
Attachments live in `projects.services_files`; moderation (withdraw, restore) in
`projects.services_moderation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coalition.audit import record_event
from coalition.models import User
from coalition.permissions import roles_of
from municipalities.models import Municipality
from municipalities.services import display_value
from projects.access import project_chapter_id
from projects.models import (
    Challenge,
    Project,
    ProjectCity,
    ProjectLink,
    ProjectRevision,
    ProjectStartup,
    ProjectStatusChange,
    Startup,
)
from projects.selectors import search_text_for

# The fields of the project form, in the order the history shows them.
PROJECT_FIELDS = [
    "title",
    "area",
    "challenge",
    "problem",
    "solution",
    "uses_ai",
    "ai_technique",
    "start_date",
    "end_date",
    "budget",
    "budget_currency",
    "funding_source",
    "summary",
    "reporting_period_months",
]
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=5)
# Paths under /projects/ that a project slug must not take.
RESERVED_SLUGS = frozenset({"new"})
# Revision keys that are not model fields.
CITIES, STARTUPS, LINKS = "cities", "startups", "links"

StartupRole = tuple[Startup, str]
Link = tuple[str, str]


def project_slug(title: str) -> str:
    base = (slugify(title) or "proyecto")[:200].strip("-") or "proyecto"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Project.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def stale_version_message() -> str:
    return _(
        "Someone else (or you, in another tab) saved this project after you opened it. "
        "Your changes are still in the form below, not saved: open the project again in "
        "another tab to see the other changes, then save yours again."
    )


def _value(field: str, value: Any) -> str:
    if field == "challenge":
        return value.title if isinstance(value, Challenge) else ""
    return display_value(value)


def _cities_text(cities: Iterable[Municipality]) -> str:
    return ", ".join(sorted(city.name for city in cities))


def _startups_text(pairs: Iterable[StartupRole]) -> str:
    # "Name|role" lines: the history turns each role into its label in the reader's language.
    return "\n".join(sorted(f"{startup.name}|{role}" for startup, role in pairs))


def _links_text(links: Iterable[Link]) -> str:
    return "\n".join(f"{title} <{url}>" for title, url in links)


def _current_startups(project: Project) -> list[StartupRole]:
    return [(link.startup, link.role) for link in project.startup_links.select_related("startup")]


def _check_own_city(actor: User, cities: Sequence[Municipality]) -> None:
    if not cities:
        raise ValidationError({CITIES: _("Choose at least one participating city.")})
    own = roles_of(actor).officer_municipality_ids
    if not any(city.pk in own for city in cities):
        raise ValidationError(
            {CITIES: _("Keep at least one of the cities you represent among the participants.")}
        )


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


def _set_startups(project: Project, pairs: Sequence[StartupRole]) -> None:
    seen: set[int] = set()
    project.startup_links.all().delete()
    for startup, role in pairs:
        if startup.pk in seen:
            continue
        seen.add(startup.pk)
        ProjectStartup.objects.create(project=project, startup=startup, role=role)


def _set_cities(project: Project, cities: Sequence[Municipality]) -> None:
    wanted = {city.pk for city in cities}
    project.city_links.exclude(municipality_id__in=wanted).delete()
    present = set(project.city_links.values_list("municipality_id", flat=True))
    for city in cities:
        if city.pk not in present:
            ProjectCity.objects.create(project=project, municipality=city)
            present.add(city.pk)


def _set_links(project: Project, links: Sequence[Link]) -> None:
    project.links.all().delete()
    for title, url in links:
        ProjectLink.objects.create(project=project, title=title, url=url)


def refresh_search_text(project: Project) -> None:
    project = Project.objects.prefetch_related(
        "city_links__municipality", "startup_links__startup"
    ).get(pk=project.pk)
    Project.objects.filter(pk=project.pk).update(search_text=search_text_for(project))


def refresh_search_texts_of_startup(startup: Startup) -> None:
    """After a startup is renamed or merged: the directory's search text of its projects
    (for startups.services to call; a few queries per project, projects are few per startup)."""
    for project in Project.objects.filter(startup_links__startup=startup).distinct():
        refresh_search_text(project)


@transaction.atomic
def project_create(
    *,
    actor: User,
    data: dict[str, Any],
    cities: Sequence[Municipality],
    startups: Sequence[StartupRole] = (),
    links: Sequence[Link] = (),
    status_date: dt.date | None = None,
    status: str = Project.Status.IDEA,
) -> Project:
    """Register a draft project of the actor's city (and the other cities they chose).

    A second submission of the same form (a double click, a resent POST) within a few
    minutes returns the project the first one created instead of a duplicate."""
    _check_own_city(actor, cities)
    recent = Project.objects.filter(
        created_by=actor,
        title=data.get("title", ""),
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if recent is not None:
        return recent
    _check_dates(data.get("start_date"), data.get("end_date"))
    fields = {name: data[name] for name in PROJECT_FIELDS if name in data}
    project = Project(
        slug=project_slug(data.get("title", "")),
        created_by=actor,
        status=status,
        **fields,
    )
    project.save()
    _set_cities(project, cities)
    _set_startups(project, startups)
    _set_links(project, links)
    ProjectStatusChange.objects.create(
        project=project,
        status=status,
        changed_on=status_date or timezone.localdate(),
        recorded_by=actor,
    )
    refresh_search_text(project)
    changes = {
        name: {"old": "", "new": _value(name, value)}
        for name, value in fields.items()
        if _value(name, value)
    }
    changes[CITIES] = {"old": "", "new": _cities_text(cities)}
    if startups:
        changes[STARTUPS] = {"old": "", "new": _startups_text(startups)}
    if links:
        changes[LINKS] = {"old": "", "new": _links_text(links)}
    ProjectRevision.objects.create(project=project, author=actor, changes=changes)
    record_event(
        actor=actor,
        action="project.create",
        target=project,
        chapter=cities[0].chapter_id,
        details={"cities": sorted(city.pk for city in cities)},
    )
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User,
    version: int,
    data: dict[str, Any],
    cities: Sequence[Municipality] | None = None,
    startups: Sequence[StartupRole] | None = None,
    links: Sequence[Link] | None = None,
) -> ProjectRevision | None:
    """Apply an edit made from `version`; None when nothing changed (no empty revision).

    Raises a ValidationError (code "stale") when someone saved the project meanwhile.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.version != version:
        raise ValidationError(stale_version_message(), code="stale")
    changes: dict[str, dict[str, str]] = {}
    for name in PROJECT_FIELDS:
        if name not in data:
            continue
        old, new = getattr(locked, name), data[name]
        if _value(name, old) != _value(name, new):
            changes[name] = {"old": _value(name, old), "new": _value(name, new)}
            setattr(locked, name, new)
    _check_dates(locked.start_date, locked.end_date)
    if cities is not None:
        _check_own_city(actor, cities)
        old_cities = [
            link.municipality for link in locked.city_links.select_related("municipality")
        ]
        if _cities_text(old_cities) != _cities_text(cities):
            changes[CITIES] = {"old": _cities_text(old_cities), "new": _cities_text(cities)}
            _set_cities(locked, cities)
    if startups is not None:
        old_startups = _current_startups(locked)
        if _startups_text(old_startups) != _startups_text(startups):
            changes[STARTUPS] = {
                "old": _startups_text(old_startups),
                "new": _startups_text(startups),
            }
            _set_startups(locked, startups)
    if links is not None:
        old_links = [(link.title, link.url) for link in locked.links.all()]
        if _links_text(old_links) != _links_text(links):
            changes[LINKS] = {"old": _links_text(old_links), "new": _links_text(links)}
            _set_links(locked, links)
    if not changes:
        return None
    locked.version += 1
    locked.save()
    refresh_search_text(locked)
    revision = ProjectRevision.objects.create(project=locked, author=actor, changes=changes)
    locked = Project.objects.prefetch_related("city_links__municipality").get(pk=locked.pk)
    record_event(
        actor=actor,
        action="project.edit",
        target=locked,
        chapter=project_chapter_id(locked),
        details={"fields": sorted(changes)},
    )
    project.version = locked.version
    return revision


@transaction.atomic
def project_change_status(
    *, project: Project, actor: User, status: str, changed_on: dt.date
) -> ProjectStatusChange:
    """Move the project to `status` as of `changed_on` (kept for the public timeline)."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if status not in Project.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("The date of the change cannot be in the future.")})
    last = locked.status_changes.order_by("-changed_on", "-id").first()
    if last is not None and changed_on < last.changed_on:
        raise ValidationError(
            {
                "changed_on": _("The last change is dated %(date)s; give that date or a later one.")
                % {"date": last.changed_on.isoformat()}
            }
        )
    if status == locked.status:
        raise ValidationError({"status": _("The project already has this status.")})
    previous = locked.status
    change = ProjectStatusChange.objects.create(
        project=locked, status=status, changed_on=changed_on, recorded_by=actor
    )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    ProjectRevision.objects.create(
        project=locked,
        author=actor,
        changes={"status": {"old": previous, "new": f"{status}|{changed_on.isoformat()}"}},
    )
    locked = Project.objects.prefetch_related("city_links__municipality").get(pk=locked.pk)
    record_event(
        actor=actor,
        action="project.status",
        target=locked,
        chapter=project_chapter_id(locked),
        from_state=previous,
        to_state=status,
        details={"changed_on": changed_on.isoformat()},
    )
    return change


def project_publication_problems(
    project: Project, *, has_cities: bool | None = None
) -> list[tuple[str, str]]:
    """(field, message) for each thing missing before the project may be published;
    `has_cities` when the caller has read its cities already (else one query)."""
    problems = []
    if not project.summary.strip():
        problems.append(("summary", _("Write the public summary.")))
    if not (project.city_links.exists() if has_cities is None else has_cities):
        problems.append((CITIES, _("Choose at least one participating city.")))
    if not project.problem.strip():
        problems.append(("problem", _("Describe the problem.")))
    if not project.solution.strip():
        problems.append(("solution", _("Describe the solution.")))
    if project.uses_ai and not project.ai_technique.strip():
        problems.append(("ai_technique", _("Describe the AI technique in plain words.")))
    return problems


@transaction.atomic
def project_publish(*, project: Project, actor: User) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.visibility == Project.Visibility.PUBLISHED:
        return locked
    if locked.visibility == Project.Visibility.WITHDRAWN:
        raise ValidationError(
            _("The coalition staff withdrew this project; only they can restore it.")
        )
    problems = project_publication_problems(locked)
    if problems:
        raise ValidationError([message for _field, message in problems])
    previous = locked.visibility
    locked.visibility = Project.Visibility.PUBLISHED
    locked.published_at = locked.published_at or timezone.now()
    locked.save(update_fields=["visibility", "published_at", "updated_at"])
    locked = Project.objects.prefetch_related("city_links__municipality").get(pk=locked.pk)
    record_event(
        actor=actor,
        action="project.publish",
        target=locked,
        chapter=project_chapter_id(locked),
        details={"visibility": locked.visibility, "previous": previous},
    )
    return locked
