"""Reads of projects, each page at a fixed number of queries.

What the public may see is decided by `projects.access` (published only); the selectors here
start from `public_projects()` for public pages and from the user's roles for private lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from coalition.models import User
from coalition.pagination import counted_page
from coalition.permissions import roles_of
from municipalities.cache import per_data_version
from municipalities.models import Municipality, fold
from projects.access import public_projects
from projects.models import (
    Challenge,
    Project,
    ProjectCity,
    ProjectRevision,
    ProjectStartup,
    Startup,
)


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    city: str = ""  # municipality slug
    country: str = ""  # a participating city's country
    area: str = ""
    status: str = ""
    startup: str = ""  # startup slug
    year: int | None = None  # active in that year
    visibility: str = ""  # staff list only


def search_text_for(project: Project) -> str:
    """The folded words the directory's search looks in: title, summary, area, cities and
    startups (their names as the links hold them now)."""
    parts = [project.title, project.summary, str(project.get_area_display())]
    parts += [link.municipality.name for link in project.city_links.all()]
    parts += [link.startup.name for link in project.startup_links.all()]
    return fold(" ".join(parts))


def with_lists(projects: QuerySet[Project]) -> QuerySet[Project]:
    """What a list row shows: cities (with their chapter) and startups, prefetched."""
    return projects.select_related("challenge").prefetch_related(
        Prefetch(
            "city_links",
            queryset=ProjectCity.objects.select_related("municipality__chapter").order_by(
                "municipality__name"
            ),
        ),
        Prefetch(
            "startup_links",
            queryset=ProjectStartup.objects.select_related("startup").order_by("startup__name"),
        ),
    )


def active_in_year(year: int) -> Q:
    """Started by 31 December of `year` and not ended before 1 January of it."""
    return Q(start_date__lte=dt.date(year, 12, 31)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=dt.date(year, 1, 1))
    )


def filter_projects(projects: QuerySet[Project], filters: ProjectFilters) -> QuerySet[Project]:
    if filters.q:
        for word in fold(filters.q).split():
            projects = projects.filter(search_text__contains=word)
    if filters.city:
        projects = projects.filter(
            Exists(
                ProjectCity.objects.filter(project=OuterRef("pk"), municipality__slug=filters.city)
            )
        )
    if filters.country:
        projects = projects.filter(
            Exists(
                ProjectCity.objects.filter(
                    project=OuterRef("pk"), municipality__country=filters.country
                )
            )
        )
    if filters.startup:
        projects = projects.filter(
            Exists(
                ProjectStartup.objects.filter(project=OuterRef("pk"), startup__slug=filters.startup)
            )
        )
    if filters.area:
        projects = projects.filter(area=filters.area)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.year:
        projects = projects.filter(active_in_year(filters.year))
    if filters.visibility:
        projects = projects.filter(visibility=filters.visibility)
    return projects


# The columns a directory card shows (projects/partials/directory_results.html); the others
# (problem, solution, budget...) are not read for the list.
CARD_FIELDS = ("id", "slug", "title", "area", "status", "visibility", "summary")


def directory_page(filters: ProjectFilters, page_number, per_page: int) -> Page:
    """A page of published projects matching `filters`, newest first, as plain rows (dicts of
    CARD_FIELDS plus `cities`, their names, and `startups`, (name, role) pairs): what a card
    shows, without building model instances. Three queries (rows with their count, cities,
    startups) whatever the page size; the last two are left out for an empty page."""
    projects = filter_projects(public_projects(), filters).order_by("-published_at", "-id")
    page = counted_page(projects.values(*CARD_FIELDS), page_number, per_page)
    attach_card_lists(page.object_list)
    return page


def attach_card_lists(rows: list[dict], *, startups: bool = True) -> None:
    """Give each plain project row its `cities`, their names, and (`startups`) its
    `startups`, (name, role) pairs, both in name order: one query each, none for no rows."""
    by_id = {}
    for row in rows:
        row["cities"], row["startups"] = [], []
        by_id[row["id"]] = row
    if not by_id:
        return
    cities = (
        ProjectCity.objects.filter(project_id__in=by_id)
        .order_by("municipality__name")
        .values_list("project_id", "municipality__name")
    )
    for project_id, name in cities:
        by_id[project_id]["cities"].append(name)
    if not startups:
        return
    links = (
        ProjectStartup.objects.filter(project_id__in=by_id)
        .order_by("startup__name")
        .values_list("project_id", "startup__name", "role")
    )
    for project_id, name, role in links:
        by_id[project_id]["startups"].append((name, role))


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The cities and startups that have a published project, for the directory's filters
    (two queries: EXISTS rather than a DISTINCT over the links, which sorted every link)."""
    public = public_projects().values("pk")
    cities = (
        Municipality.objects.filter(
            Exists(ProjectCity.objects.filter(municipality=OuterRef("pk"), project__in=public))
        )
        .order_by("name", "slug")
        .values_list("slug", "name")
    )
    startups = (
        Startup.objects.filter(
            Exists(ProjectStartup.objects.filter(startup=OuterRef("pk"), project__in=public))
        )
        .order_by("name", "slug")
        .values_list("slug", "name")
    )
    return {"cities": list(cities), "startups": list(startups)}


def cached_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """`filter_choices`, read once per version of the directory's data: every save or delete
    of a project, its links, a city or a startup bumps that version (connected in
    projects.apps). Its query on cities scans them all: a third of the directory's time."""
    return per_data_version("project-filter-choices", filter_choices)


@dataclass(frozen=True)
class ProjectPage:
    """What a project's page shows: the project, and its lists as plain rows (dicts)."""

    project: Project
    cities: list[dict]  # municipality_id, name, slug, chapter_id, time_zone (of the chapter)
    startups: list[dict]  # name, slug, role
    status_changes: list[dict]  # status, changed_on
    links: list[dict]  # title, url
    attachments: list[dict]  # id, title, size, pages


def project_page(slug: str) -> ProjectPage | None:
    """One project with everything its page shows (six queries), whoever may see it: check
    with `projects.access` from the cities' and chapters' ids given here. The lists are plain
    values: prefetched model instances (cities with their chapter, startups) cost more to
    build than their queries take."""
    project = Project.objects.filter(slug=slug).select_related("challenge").first()
    if project is None:
        return None
    cities = ProjectCity.objects.filter(project=project).order_by("municipality__name")
    startups = ProjectStartup.objects.filter(project=project).order_by("startup__name")
    return ProjectPage(
        project=project,
        cities=list(
            cities.values(
                "municipality_id",
                name=F("municipality__name"),
                slug=F("municipality__slug"),
                chapter_id=F("municipality__chapter_id"),
                time_zone=F("municipality__chapter__time_zone"),
            )
        ),
        startups=list(startups.values("role", name=F("startup__name"), slug=F("startup__slug"))),
        # In their models' order (changed_on, then id; links and files by id).
        status_changes=list(project.status_changes.values("status", "changed_on")),
        links=list(project.links.values("title", "url")),
        attachments=list(project.attachments.values("id", "title", "size", "pages")),
    )


def project_revisions(project: Project) -> QuerySet[ProjectRevision]:
    return project.revisions.select_related("author").order_by("-created_at", "-id")


def editable_projects(user: User) -> QuerySet[Project]:
    """Projects of the cities the user represents (drafts included)."""
    ids = roles_of(user).officer_municipality_ids
    return with_lists(
        Project.objects.filter(
            Exists(ProjectCity.objects.filter(project=OuterRef("pk"), municipality_id__in=ids))
        )
    ).order_by("-updated_at", "-id")


def moderated_projects(user: User, filters: ProjectFilters) -> QuerySet[Project]:
    """Projects with a city in a chapter the user runs (all for a superuser)."""
    roles = roles_of(user)
    projects = Project.objects.all()
    if not roles.is_superuser:
        projects = projects.filter(
            Exists(
                ProjectCity.objects.filter(
                    project=OuterRef("pk"), municipality__chapter_id__in=roles.staff_chapter_ids
                )
            )
        )
    return with_lists(filter_projects(projects, filters)).order_by("-updated_at", "-id")


def city_published_projects(municipality_id: int) -> list[dict]:
    """A city's published projects, for its profile, as plain card rows with their cities'
    names (two queries)."""
    projects = public_projects().filter(
        Exists(ProjectCity.objects.filter(project=OuterRef("pk"), municipality_id=municipality_id))
    )
    rows = list(projects.order_by("-published_at", "-id").values(*CARD_FIELDS))
    attach_card_lists(rows, startups=False)
    return rows


def latest_projects(count: int) -> list[dict]:
    """The latest published projects, for the home page, as plain card rows with their
    cities' names (two queries)."""
    rows = list(public_projects().order_by("-published_at", "-id").values(*CARD_FIELDS)[:count])
    attach_card_lists(rows, startups=False)
    return rows


def selectable_challenges() -> QuerySet[Challenge]:
    """Challenges a project may say it addresses: published ones (open or addressed)."""
    return Challenge.objects.exclude(status=Challenge.Status.DRAFT).order_by("title")


def selectable_cities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_listed=True).order_by("name")


def selectable_startups() -> QuerySet[Startup]:
    return Startup.objects.filter(merged_into__isnull=True).order_by("name")
