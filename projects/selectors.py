"""Reads of projects, each page at a fixed number of queries.

What the public may see is decided by `projects.access` (published only); the selectors here
start from `public_projects()` for public pages and from the user's roles for private lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coalition.models import User
from coalition.permissions import roles_of
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


# The columns a directory card shows (projects/partials/project_card.html); the others
# (problem, solution, budget...) are not read for the list.
CARD_FIELDS = ("id", "slug", "title", "area", "status", "visibility", "summary", "published_at")


def with_card_lists(projects: QuerySet[Project]) -> QuerySet[Project]:
    """What a directory card shows and nothing more: its columns, the names of its cities
    and its startups (with their role), in two prefetches."""
    return projects.only(*CARD_FIELDS).prefetch_related(
        Prefetch(
            "city_links",
            queryset=ProjectCity.objects.select_related("municipality")
            .only("project", "municipality", "municipality__name")
            .order_by("municipality__name"),
        ),
        Prefetch(
            "startup_links",
            queryset=ProjectStartup.objects.select_related("startup")
            .only("project", "role", "startup", "startup__name")
            .order_by("startup__name"),
        ),
    )


def directory_queryset(filters: ProjectFilters) -> QuerySet[Project]:
    """Published projects matching `filters`, newest first, with what a card shows."""
    projects = filter_projects(public_projects(), filters)
    return with_card_lists(projects).order_by("-published_at", "-id")


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


def project_for_page(slug: str) -> Project | None:
    """One project with everything its page shows (a fixed number of queries), whoever may
    see it (check with `projects.access.can_view_project`: its cities are prefetched)."""
    return (
        with_lists(Project.objects.filter(slug=slug))
        .prefetch_related("status_changes", "links", "attachments")
        .first()
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


def city_published_projects(municipality_id: int) -> list[Project]:
    """A city's published projects, for its profile (two queries)."""
    projects = public_projects().filter(
        Exists(ProjectCity.objects.filter(project=OuterRef("pk"), municipality_id=municipality_id))
    )
    return list(with_lists(projects).order_by("-published_at", "-id"))


def selectable_challenges() -> QuerySet[Challenge]:
    """Challenges a project may say it addresses: published ones (open or addressed)."""
    return Challenge.objects.exclude(status=Challenge.Status.DRAFT).order_by("title")


def selectable_cities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_listed=True).order_by("name")


def selectable_startups() -> QuerySet[Startup]:
    return Startup.objects.filter(merged_into__isnull=True).order_by("name")
