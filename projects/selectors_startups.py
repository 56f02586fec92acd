"""Reads of startups and challenges, and who may see or change them; each page at a fixed
number of queries.

The rules:
- a startup's page is public while it has at least one published project (and was not merged
  away; a merged record redirects to the one kept). Without one, only staff, the officer who
  registered it and the officers of the cities of its (draft) projects see it: a startup an
  officer typed while drafting a project is not public before the project is.
- officers edit the startups they registered; staff edit any.
- a challenge is public once it is open or addressed; a draft is seen only by the officers of
  its cities and the staff of their chapters, who are also the ones who may change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from coalition.links import slug_url_maker
from coalition.pagination import count_of, counted_page
from coalition.permissions import roles_of
from municipalities.models import Municipality
from projects.access import public_projects
from projects.models import (
    Area,
    Challenge,
    Project,
    ProjectCity,
    ProjectStartup,
    SectorTag,
    Startup,
    StartupCountry,
)

PAGE_SIZE = 20


# --- Startups ------------------------------------------------------------------------------


def _published_link(startup_ref="pk") -> Exists:
    return Exists(
        ProjectStartup.objects.filter(
            startup=OuterRef(startup_ref), project__visibility=Project.Visibility.PUBLISHED
        )
    )


def public_startups() -> QuerySet[Startup]:
    """Startups with at least one published project, not merged away."""
    return Startup.objects.filter(_published_link(), merged_into__isnull=True)


def startup_list(*, q: str = "", country: str = "", sector: str = "") -> QuerySet[Startup]:
    """The public startups matching the filters, by name: the list page reads a page of them
    as plain rows (`startup_page`), the API as records."""
    startups = public_startups()
    if q:
        for word in q.split()[:8]:
            startups = startups.filter(
                Q(name__icontains=word) | Q(description__icontains=word) | Q(tax_id=word.upper())
            )
    if country:
        startups = startups.filter(country=country)
    if sector:
        startups = startups.filter(
            Exists(
                SectorTag.startups.through.objects.filter(
                    startup_id=OuterRef("pk"), sectortag__slug=sector
                )
            )
        )
    return startups.order_by("name", "pk")


def startup_page(filters: dict, page_number) -> Page:
    """A page (PAGE_SIZE) of `startup_list(**filters)` as plain rows, what a line of the list
    prints: url, name, country_label, `sectors`, their names in order, and published_count
    (its published projects). Three queries (the rows with their count, their sectors, their
    projects counted together), the last two left out for an empty page. (Counted in the row
    query, as a correlated subquery, PostgreSQL read every published project once per row.)"""
    page = counted_page(
        startup_list(**filters).values("id", "slug", "name", "country"), page_number, PAGE_SIZE
    )
    countries = dict(StartupCountry.choices)
    url = slug_url_maker("startup_detail")
    by_id = {}
    for row in page.object_list:
        row["url"] = url(row["slug"])
        row["country_label"] = countries.get(row["country"], row["country"])
        row["sectors"] = []
        row["published_count"] = 0
        by_id[row["id"]] = row
    if by_id:
        for startup_id, name in (
            SectorTag.startups.through.objects.filter(startup_id__in=by_id)
            .order_by("startup_id", "sectortag__name")
            .values_list("startup_id", "sectortag__name")
        ):
            by_id[startup_id]["sectors"].append(name)
        for startup_id, count in (
            ProjectStartup.objects.filter(
                startup_id__in=by_id, project__visibility=Project.Visibility.PUBLISHED
            )
            .values("startup_id")
            .annotate(count=Count("pk"))
            .values_list("startup_id", "count")
        ):
            by_id[startup_id]["published_count"] = count
    return page


def sector_tags() -> list[SectorTag]:
    return list(SectorTag.objects.order_by("name"))


def can_edit_startup(user, startup: Startup) -> bool:
    roles = roles_of(user)
    if roles.is_superuser or roles.staff_chapter_ids:
        return True
    return bool(
        roles.officer_municipality_ids
        and startup.created_by_id is not None
        and startup.created_by_id == user.pk
    )


def _officer_of_its_projects(user, startup: Startup) -> bool:
    cities = roles_of(user).officer_municipality_ids
    if not cities:
        return False
    return ProjectCity.objects.filter(
        municipality_id__in=cities, project__startup_links__startup=startup
    ).exists()


def can_view_startup(user, startup: Startup, *, has_published: bool) -> bool:
    if has_published or can_edit_startup(user, startup):
        return True
    return _officer_of_its_projects(user, startup)


def startup_for_view(user, slug: str) -> Startup:
    """The startup behind `slug` (with `has_published` set), or 404. A merged record is
    returned as is: the view redirects to `merged_into`."""
    startup = (
        Startup.objects.filter(slug=slug)
        .annotate(has_published=_published_link())
        .select_related("merged_into")
        .prefetch_related("sectors")
        .first()
    )
    if startup is None:
        raise Http404
    if startup.merged_into_id is not None:
        return startup
    if not can_view_startup(user, startup, has_published=startup.has_published):
        raise Http404
    return startup


def startup_for_edit(user, slug: str) -> Startup:
    startup = startup_for_view(user, slug)
    if startup.merged_into_id is not None:
        raise Http404
    if not can_edit_startup(user, startup):
        raise PermissionDenied
    return startup


def _published_project_page(page_number, **lookups) -> Page:
    """A page (PAGE_SIZE) of the published projects matching `lookups`, by title, as plain
    rows: id, url, title, status_label, summary and `cities` [{url, name}] by name. Two
    queries (the rows with their count, their cities), the second left out for an empty page:
    a startup or challenge with hundreds of projects costs what one with twenty does."""
    rows = public_projects().filter(**lookups).order_by("title", "pk")
    page = counted_page(
        rows.values("id", "slug", "title", "status", "summary"), page_number, PAGE_SIZE
    )
    labels = dict(Project.Status.choices)
    project_url, city_url = slug_url_maker("project_detail"), slug_url_maker("municipality_profile")
    by_id = {}
    for row in page.object_list:
        row["url"] = project_url(row["slug"])
        row["status_label"] = labels.get(row["status"], row["status"])
        row["cities"] = []
        by_id[row["id"]] = row
    if by_id:
        for project_id, slug, name in (
            ProjectCity.objects.filter(project_id__in=by_id)
            .order_by("project_id", "municipality__name")
            .values_list("project_id", "municipality__slug", "municipality__name")
        ):
            by_id[project_id]["cities"].append({"url": city_url(slug), "name": name})
    return page


def startup_projects(startup: Startup, page_number) -> Page:
    """A page of its published projects (`_published_project_page`), each with the
    `role_label` of this startup in it (three queries; a startup takes one role in a
    project)."""
    page = _published_project_page(page_number, startup_links__startup=startup)
    ids = [row["id"] for row in page.object_list]
    labels = dict(ProjectStartup.Role.choices)
    roles = dict(
        ProjectStartup.objects.filter(startup=startup, project_id__in=ids).values_list(
            "project_id", "role"
        )
        if ids
        else ()
    )
    for row in page.object_list:
        role = roles.get(row["id"], "")
        row["role_label"] = labels.get(role, role)
    return page


def merge_candidates() -> list[Startup]:
    return list(Startup.objects.filter(merged_into__isnull=True).order_by("name", "pk"))


# --- Challenges ----------------------------------------------------------------------------


def with_cities(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    return challenges.prefetch_related(
        Prefetch(
            "municipalities",
            queryset=Municipality.objects.select_related("chapter").order_by("name"),
        )
    )


def challenge_list(
    *, area: str = "", status: str = "", city: str = "", country: str = "", q: str = ""
) -> QuerySet[Challenge]:
    """The public challenges matching the filters, newest first: the list page reads a page of
    them as plain rows (`challenge_page`), the API as records."""
    challenges = Challenge.objects.filter(status__in=Challenge.PUBLIC_STATUSES)
    if status in Challenge.PUBLIC_STATUSES:
        challenges = challenges.filter(status=status)
    if area:
        challenges = challenges.filter(area=area)
    through = Challenge.municipalities.through.objects
    if city:
        challenges = challenges.filter(
            Exists(through.filter(challenge_id=OuterRef("pk"), municipality__slug=city))
        )
    if country:
        challenges = challenges.filter(
            Exists(through.filter(challenge_id=OuterRef("pk"), municipality__country=country))
        )
    if q:
        for word in q.split()[:8]:
            challenges = challenges.filter(
                Q(title__icontains=word) | Q(description__icontains=word)
            )
    return challenges.order_by("-published_at", "-pk")


def challenge_page(filters: dict, page_number) -> Page:
    """A page (PAGE_SIZE) of `challenge_list(**filters)` as plain rows, what a card prints:
    url, title, status, status_label, area_label, description, project_count (its published
    projects) and `cities`, their names in order. Two queries (the rows with their count and
    their projects' counts, then their cities), the second left out for an empty page."""
    published = Project.objects.filter(
        challenge=OuterRef("pk"), visibility=Project.Visibility.PUBLISHED
    )
    rows = challenge_list(**filters).annotate(project_count=Subquery(count_of(published)))
    page = counted_page(
        rows.values("id", "slug", "title", "status", "area", "description", "project_count"),
        page_number,
        PAGE_SIZE,
    )
    statuses, areas = dict(Challenge.Status.choices), dict(Area.choices)
    url = slug_url_maker("challenge_detail")
    by_id = {}
    for row in page.object_list:
        row["url"] = url(row["slug"])
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["area_label"] = areas.get(row["area"], row["area"])
        row["cities"] = []
        by_id[row["id"]] = row
    if by_id:
        for challenge_id, name in (
            Challenge.municipalities.through.objects.filter(challenge_id__in=by_id)
            .order_by("challenge_id", "municipality__name")
            .values_list("challenge_id", "municipality__name")
        ):
            by_id[challenge_id]["cities"].append(name)
    return page


def challenge_cities() -> list[tuple[str, str]]:
    """The cities that have a public challenge, for the filter: (slug, name) pairs, plain
    values (an option each, no model instance), found with EXISTS rather than a DISTINCT
    over every city of every challenge."""
    through = Challenge.municipalities.through.objects
    published = through.filter(
        municipality=OuterRef("pk"), challenge__status__in=Challenge.PUBLIC_STATUSES
    )
    return list(
        Municipality.objects.filter(Exists(published))
        .order_by("name", "slug")
        .values_list("slug", "name")
    )


def _city_ids(challenge: Challenge) -> set[int]:
    return {city.pk for city in challenge.municipalities.all()}


def _chapter_ids(challenge: Challenge) -> set[int]:
    return {city.chapter_id for city in challenge.municipalities.all()}


def can_edit_challenge(user, challenge: Challenge) -> bool:
    """Officers of its cities, and staff of their chapters (moderation)."""
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    return bool(
        _city_ids(challenge) & roles.officer_municipality_ids
        or _chapter_ids(challenge) & roles.staff_chapter_ids
    )


def can_moderate_challenge(user, challenge: Challenge) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or bool(_chapter_ids(challenge) & roles.staff_chapter_ids)


def can_view_challenge(user, challenge: Challenge) -> bool:
    return challenge.status in Challenge.PUBLIC_STATUSES or can_edit_challenge(user, challenge)


def _fetch_challenge(slug: str) -> Challenge:
    challenge = with_cities(Challenge.objects.filter(slug=slug)).first()
    if challenge is None:
        raise Http404
    return challenge


def challenge_for_view(user, slug: str) -> Challenge:
    challenge = _fetch_challenge(slug)
    if not can_view_challenge(user, challenge):
        raise Http404
    return challenge


def challenge_for_edit(user, slug: str) -> Challenge:
    challenge = _fetch_challenge(slug)
    if can_edit_challenge(user, challenge):
        return challenge
    if can_view_challenge(user, challenge):
        raise PermissionDenied
    raise Http404


def challenge_projects(challenge: Challenge, page_number) -> Page:
    """A page of the published projects that address it (`_published_project_page`), each
    with its `startups` [{url, name}] by name (three queries)."""
    page = _published_project_page(page_number, challenge=challenge)
    startups: dict[int, list[dict]] = {row["id"]: [] for row in page.object_list}
    startup_url = slug_url_maker("startup_detail")
    if startups:
        for project_id, slug, name in (
            ProjectStartup.objects.filter(project_id__in=startups)
            .order_by("project_id", "startup__name")
            .values_list("project_id", "startup__slug", "startup__name")
        ):
            startups[project_id].append({"url": startup_url(slug), "name": name})
    for row in page.object_list:
        row["startups"] = startups[row["id"]]
    return page


def challenge_author_cities(user) -> QuerySet[Municipality]:
    """The cities a user may name on a challenge: their own (as officer) and, for staff,
    every city of the chapters they run."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Municipality.objects.order_by("name")
    return Municipality.objects.filter(
        Q(pk__in=roles.officer_municipality_ids) | Q(chapter_id__in=roles.staff_chapter_ids)
    ).order_by("name")
