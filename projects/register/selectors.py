"""Reads of the AI register, each at a fixed number of queries.

The visibility rule: the public reads an entry's latest published version only while the
project is public (`projects.access.public_projects`), uses AI, and staff have not withdrawn
the entry. Editors and moderators of the project may also read its published versions while it
is not public (with a notice); nobody but them ever reads the unpublished draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from coalition.models import User
from coalition.pagination import counted_page
from municipalities.cache import per_data_version
from municipalities.models import Municipality
from projects.access import (
    access_project_for_edit,
    access_project_for_moderation,
    can_edit_project,
    can_moderate_project,
    public_projects,
)
from projects.models import Project, ProjectCity, ProjectStartup
from projects.register.models import RegisterEntry, RegisterEntryVersion


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    city: str = ""  # municipality slug
    country: str = ""
    status: str = ""  # EntryStatus of the latest version
    area: str = ""  # projects.models.Area of the project
    risk: str = ""  # RiskLevel of the latest version


def public_entries() -> QuerySet[RegisterEntry]:
    """Entries anyone may read: published at least once, project public and using AI, not
    withdrawn by staff."""
    return RegisterEntry.objects.filter(
        latest_version__isnull=False,
        withdrawn_at__isnull=True,
        project__in=public_projects(),
        project__uses_ai=True,
    )


def is_public(entry: RegisterEntry) -> bool:
    return public_entries().filter(pk=entry.pk).exists()


def filtered_entries(filters: RegisterFilters) -> QuerySet[RegisterEntry]:
    """The public entries the filters keep, in no particular order."""
    entries = public_entries()
    if filters.q:
        for word in filters.q.split()[:10]:
            entries = entries.filter(
                Q(project__title__icontains=word) | Q(latest_version__summary__icontains=word)
            )
    if filters.city or filters.country:
        cities = ProjectCity.objects.filter(project=OuterRef("project"))
        if filters.city:
            cities = cities.filter(municipality__slug=filters.city)
        if filters.country:
            cities = cities.filter(municipality__country=filters.country)
        entries = entries.filter(Exists(cities))
    if filters.status:
        entries = entries.filter(latest_version__status=filters.status)
    if filters.risk:
        entries = entries.filter(latest_version__risk_level=filters.risk)
    if filters.area:
        entries = entries.filter(project__area=filters.area)
    return entries


# Newest publication first; the list and the API page through the entries in this order.
REGISTER_ORDER = ("-latest_version__published_at", "-pk")


# What a row of the register shows, for the API's entries and the list page's plain rows.
ROW_COLUMNS = (
    "project__slug",
    "project__title",
    "project__area",
    "latest_version__number",
    "latest_version__summary",
    "latest_version__risk_level",
    "latest_version__status",
    "latest_version__published_at",
)


def register_queryset(filters: RegisterFilters) -> QuerySet[RegisterEntry]:
    return (
        filtered_entries(filters)
        .select_related("project", "latest_version")
        .only("pk", *ROW_COLUMNS)
        .prefetch_related(
            Prefetch(
                "project__city_links",
                # A row shows the cities' names, and its date in their chapter's time zone.
                queryset=ProjectCity.objects.select_related("municipality__chapter")
                .only(
                    "project",
                    "municipality",
                    "municipality__name",
                    "municipality__chapter",
                    "municipality__chapter__time_zone",
                )
                .order_by("municipality__name"),
            )
        )
        .order_by(*REGISTER_ORDER)
    )


def register_rows(filters: RegisterFilters) -> QuerySet[dict]:
    """What a row of the public list shows, as plain values: the page shows them and no
    more, so it builds no model instances (three for every row, and more for its cities)."""
    return filtered_entries(filters).order_by(*REGISTER_ORDER).values("project_id", *ROW_COLUMNS)


def register_page(filters: RegisterFilters, number, per_page: int) -> Page:
    """The page `number` of `register_rows`, counted by the query that reads it."""
    return counted_page(register_rows(filters), number, per_page)


def cities_of_entries(project_ids: list[int]) -> list[tuple[int, str, str | None]]:
    """(project id, city name, its chapter's time zone) of the cities of these projects, by
    name: what the rows of one page of the list show (no query for no project)."""
    if not project_ids:
        return []
    return list(
        ProjectCity.objects.filter(project_id__in=project_ids)
        .order_by("municipality__name", "municipality_id")
        .values_list("project_id", "municipality__name", "municipality__chapter__time_zone")
    )


def listed_cities() -> list[tuple[str, str]]:
    """(slug, name) of the cities that own a public entry, for the city filter."""
    # Written with plain `IN` subqueries on the ids: the same cities as a correlated EXISTS
    # through the entries, for a third less time building and planning the query.
    public_project_ids = public_entries().values("project_id")
    return list(
        Municipality.objects.filter(
            pk__in=ProjectCity.objects.filter(project_id__in=public_project_ids).values(
                "municipality_id"
            )
        )
        .order_by("name")
        .values_list("slug", "name")
    )


def cached_listed_cities() -> list[tuple[str, str]]:
    """`listed_cities`, read once per version of the directory's data: every save or delete
    of an entry (projects.register.apps), a project, its cities or a city bumps it. It reads
    the cities of every public entry, a third of the list page's time."""
    return per_data_version("register-cities", listed_cities)


def entry_for_reader(user: User, slug: str) -> tuple[RegisterEntry, bool]:
    """An entry with a published version the user may read, and whether it is public.

    404 when the project has no published entry, or when it is not public and the user is
    neither an editor nor a moderator of the project."""
    entry = (
        RegisterEntry.objects.filter(project__slug=slug, latest_version__isnull=False)
        .select_related("project", "latest_version")
        # The reader's pages show the published version, never the draft's columns.
        .only(
            "pk",
            "project",
            "latest_version",
            "withdrawn_at",
            "withdrawal_reason",
            "project__slug",
            "project__uses_ai",
            "project__visibility",
        )
        # The one rule, read from the one place, within the same query.
        .annotate(project_is_public=Exists(public_projects().filter(pk=OuterRef("project_id"))))
        .prefetch_related(
            Prefetch(
                "project__city_links",
                # Who may edit or moderate, and the time zone the page's dates are shown in.
                queryset=ProjectCity.objects.select_related("municipality__chapter").only(
                    "project",
                    "municipality",
                    "municipality__chapter",
                    "municipality__chapter__time_zone",
                ),
            )
        )
        .first()
    )
    if entry is None:
        raise Http404
    public = (
        entry.withdrawn_at is None
        and entry.project.uses_ai
        and entry.project.is_published
        and entry.project_is_public
    )
    if not public and not (
        can_edit_project(user, entry.project) or can_moderate_project(user, entry.project)
    ):
        raise Http404
    return entry, public


def versions_of(entry: RegisterEntry) -> QuerySet[RegisterEntryVersion]:
    """Newest first, without the snapshot (the history page lists, it does not show)."""
    return entry.versions.defer("snapshot").order_by("-number")


def version_of(entry: RegisterEntry, number: int) -> RegisterEntryVersion:
    if not 1 <= number <= 2**31 - 1:  # what the column holds; a bigger one is no version
        raise Http404
    version = entry.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def project_for_publication(project: Project) -> Project:
    """The project with what a snapshot reads (cities and startups) prefetched."""
    return (
        Project.objects.filter(pk=project.pk)
        .prefetch_related(
            Prefetch(
                "city_links",
                queryset=ProjectCity.objects.select_related(
                    "municipality", "municipality__chapter"
                ),
            ),
            Prefetch("startup_links", queryset=ProjectStartup.objects.select_related("startup")),
        )
        .get()
    )


def entry_for_edit(user: User, slug: str) -> tuple[Project, RegisterEntry | None]:
    """The project an officer of one of its cities edits the entry of (404/403 otherwise),
    and its entry if it has one. A project that does not use AI has no entry: 404."""
    project = access_project_for_edit(user, slug)
    if not project.uses_ai:
        raise Http404
    project = project_for_publication(project)
    entry = RegisterEntry.objects.filter(project=project).select_related("latest_version").first()
    if entry is not None:
        entry.project = project
    return project, entry


def entry_for_moderation(user: User, slug: str) -> RegisterEntry:
    project = access_project_for_moderation(user, slug)
    entry = RegisterEntry.objects.filter(project=project).select_related("latest_version").first()
    if entry is None or entry.latest_version is None:
        raise Http404
    entry.project = project_for_publication(project)
    return entry


def entry_for_project_block(project: Project) -> RegisterEntry | None:
    """The entry shown in the project page's register block (one query)."""
    return (
        RegisterEntry.objects.filter(project=project)
        .select_related("latest_version")
        .only(
            "pk",
            "project_id",
            "withdrawn_at",
            "draft_revision",
            "updated_at",
            "latest_version__number",
            "latest_version__summary",
            "latest_version__risk_level",
            "latest_version__status",
            "latest_version__published_at",
        )
        .first()
    )
