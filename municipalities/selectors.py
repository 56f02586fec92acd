"""Reads for member cities, each page at a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.models import Chapter, User
from coalition.pagination import counted_page
from coalition.permissions import (
    can_decide_officer,
    can_edit_municipality,
    roles_of,
)
from municipalities.cache import per_data_version
from municipalities.models import (
    STALE_AFTER,
    Membership,
    Municipality,
    Officer,
    ProfileRevision,
    Programme,
    fold,
)

# (key, label, lowest, highest) — highest excluded; None means open-ended.
POPULATION_BANDS = [
    ("small", _("Under 50,000"), None, 50_000),
    ("medium", _("50,000 to 199,999"), 50_000, 200_000),
    ("large", _("200,000 to 499,999"), 200_000, 500_000),
    ("xlarge", _("500,000 or more"), 500_000, None),
    ("unknown", _("Unknown"), None, None),
]

SORTS = {
    "name": (_("Name"), ["name"]),
    "-population": (_("Largest population"), [F("population").desc(nulls_last=True), "name"]),
    "population": (_("Smallest population"), [F("population").asc(nulls_last=True), "name"]),
    "region": (_("Region"), ["country", "region", "name"]),
    "-updated": (_("Recently updated"), ["-profile_updated_at", "name"]),
}


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    chapter: str = ""  # chapter slug
    status: str = ""  # Membership.Status value
    programme: str = ""  # programme slug
    population: str = ""  # POPULATION_BANDS key
    stale: bool = False
    # Only cities with a published collaborative AI project with a startup active this year
    # (the yearly commitment's rule, see projects.commitment).
    active_project: bool = False
    sort: str = "name"


def filtered_municipalities(filters: DirectoryFilters) -> QuerySet[Municipality]:
    """Listed municipalities matching `filters`, in the order asked for (nothing related)."""
    municipalities = Municipality.objects.filter(is_listed=True)
    if filters.q:
        for word in fold(filters.q).split():
            municipalities = municipalities.filter(search_text__contains=word)
    if filters.country:
        municipalities = municipalities.filter(country=filters.country)
    if filters.region:
        municipalities = municipalities.filter(region=filters.region)
    if filters.chapter or filters.status:
        memberships = Membership.objects.filter(municipality=OuterRef("pk"))
        if filters.chapter:
            memberships = memberships.filter(chapter__slug=filters.chapter)
        if filters.status:
            memberships = memberships.filter(status=filters.status)
        municipalities = municipalities.filter(Exists(memberships))
    if filters.programme:
        municipalities = municipalities.filter(
            Exists(
                Municipality.programmes.through.objects.filter(
                    municipality=OuterRef("pk"), programme__slug=filters.programme
                )
            )
        )
    if filters.population:
        municipalities = municipalities.filter(population_band_condition(filters.population))
    if filters.stale:
        municipalities = municipalities.filter(profile_updated_at__lt=timezone.now() - STALE_AFTER)
    if filters.active_project:
        from projects.commitment import has_active_project  # the app above; imported late

        year = timezone.localdate().year
        municipalities = municipalities.filter(has_active_project(year, published_only=True))
    return municipalities.order_by(*SORTS.get(filters.sort, SORTS["name"])[1])


def directory_queryset(filters: DirectoryFilters) -> QuerySet[Municipality]:
    """Listed municipalities matching `filters`, with what a directory row shows prefetched."""
    return (
        filtered_municipalities(filters)
        .select_related("chapter")
        .prefetch_related(
            "programmes",
            Prefetch("memberships", queryset=Membership.objects.select_related("chapter")),
        )
    )


DIRECTORY_COLUMNS = ("id", "name", "slug", "country", "region", "population")


def directory_page(filters: DirectoryFilters, number, per_page: int) -> Page:
    """One page of the directory as plain rows (dicts of `DIRECTORY_COLUMNS`), each with
    `memberships` [(status, chapter name, founding member)] and `programmes` [name].

    3 queries whatever the page size: rows (with their count), memberships, programmes. No model
    instance is built: a directory page only shows values."""
    matching = filtered_municipalities(filters).values(*DIRECTORY_COLUMNS)
    page = counted_page(matching, number, per_page)
    rows = {row["id"]: row for row in page.object_list}
    attach_memberships(rows, Membership.objects.filter(municipality_id__in=rows))
    attach_programmes(rows)
    page.object_list = list(rows.values())
    return page


def attach_memberships(rows: dict[int, dict], memberships: QuerySet[Membership]) -> None:
    """Give each row (by municipality id) its `memberships`, [(status, chapter name, founding
    member)] in chapter order, from one query over `memberships`."""
    for row in rows.values():
        row["memberships"] = []
    if not rows:
        return
    values = memberships.order_by("chapter__name", "pk").values_list(
        "municipality_id", "status", "chapter__name", "founding_member"
    )
    for municipality_id, *membership in values:
        if (row := rows.get(municipality_id)) is not None:
            row["memberships"].append(membership)


def attach_programmes(rows: dict[int, dict]) -> None:
    """Give each row its `programmes`, [name] in name order, from one query."""
    for row in rows.values():
        row["programmes"] = []
    if not rows:
        return
    links = (
        Municipality.programmes.through.objects.filter(municipality_id__in=rows)
        .order_by("programme__name", "programme_id")
        .values_list("municipality_id", "programme__name")
    )
    for municipality_id, name in links:
        rows[municipality_id]["programmes"].append(name)


def map_rows(filters: DirectoryFilters, *, located: bool) -> list[dict]:
    """The listed cities matching `filters`, in the order asked for, with (`located`) or
    without a location, as plain rows with their `memberships` [(status, chapter name, founding
    member)] in chapter order.

    One query: the cities joined (outer) to their memberships, a line per membership. The map
    data reads every listed city, so a second query for the memberships, a tuple per line
    instead of a dict per city and a per-city lookup were a third of its time."""
    has_location = Q(latitude__isnull=False, longitude__isnull=False)
    municipalities = filtered_municipalities(filters).filter(
        has_location if located else ~has_location
    )
    columns = ["id", "name", "slug", "region", "country"]
    if located:
        columns += ["latitude", "longitude"]
    lines = municipalities.order_by(
        *municipalities.query.order_by, "pk", "memberships__chapter__name", "memberships__pk"
    ).values_list(
        *columns,
        "memberships__status",
        "memberships__chapter__name",
        "memberships__founding_member",
    )
    rows: list[dict] = []
    row: dict = {"id": None}
    width = len(columns)
    for line in lines:
        if line[0] != row["id"]:
            row = dict(zip(columns, line[:width], strict=True))
            row["memberships"] = []
            rows.append(row)
        if line[width] is not None:  # a city without memberships has one line of NULLs
            row["memberships"].append(line[width:])
    return rows


def population_band_condition(key: str) -> Q:
    for band_key, _label, low, high in POPULATION_BANDS:
        if band_key == key:
            if key == "unknown":
                return Q(population__isnull=True)
            condition = Q(population__isnull=False)
            if low is not None:
                condition &= Q(population__gte=low)
            if high is not None:
                condition &= Q(population__lt=high)
            return condition
    return Q()


def listed_regions() -> list[tuple[str, str]]:
    """(country, region) pairs that have a listed municipality, for the region filter."""
    return list(
        Municipality.objects.filter(is_listed=True)
        .exclude(region="")
        .values_list("country", "region")
        .distinct()
        .order_by("country", "region")
    )


@dataclass(frozen=True)
class DirectoryChoices:
    """What the directory's filters offer: (slug, name) of chapters and programmes, and the
    (country, region) pairs of the listed cities."""

    chapters: list[tuple[str, str]]
    programmes: list[tuple[str, str]]
    regions: list[tuple[str, str]]


def directory_choices() -> DirectoryChoices:
    """The filters' choices, read once per version of the directory's data: three queries,
    the region list scanning every city, become one cache read on every directory page, map
    and API request."""
    return per_data_version(
        "directory-choices",
        lambda: DirectoryChoices(
            chapters=list(Chapter.objects.order_by("name").values_list("slug", "name")),
            programmes=list(Programme.objects.order_by("name").values_list("slug", "name")),
            regions=listed_regions(),
        ),
    )


def listed_municipality_ref(slug: str) -> Municipality:
    """Just what identifies a listed municipality and who may edit it, or 404."""
    municipality = (
        Municipality.objects.filter(is_listed=True, slug=slug)
        .only("pk", "name", "slug", "chapter_id")
        .first()
    )
    if municipality is None:
        raise Http404
    return municipality


def profile_for_public(slug: str) -> Municipality:
    """A listed municipality with everything its profile page shows, or 404."""
    try:
        return (
            Municipality.objects.filter(is_listed=True)
            .select_related("chapter")
            .prefetch_related(
                "programmes",
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("chapter", "cohort"),
                ),
            )
            .get(slug=slug)
        )
    except Municipality.DoesNotExist:
        raise Http404 from None


def access_municipality_for_edit(user: User, slug: str) -> Municipality:
    """Fetch a municipality its editor may change, or refuse: 404 if unknown, 403 if not
    theirs. Unlisted (proposed) municipalities are reachable by their chapter's staff."""
    municipality = (
        (Municipality.objects.select_related("chapter").prefetch_related("programmes"))
        .filter(slug=slug)
        .first()
    )
    if municipality is None:
        raise Http404
    if not can_edit_municipality(user, municipality):
        raise PermissionDenied
    return municipality


def access_officer_for_decision(user: User, officer_id: int) -> Officer:
    officer = (
        Officer.objects.select_related("municipality__chapter", "user")
        .filter(pk=officer_id)
        .first()
    )
    if officer is None:
        raise Http404
    if not can_decide_officer(user, officer):
        raise PermissionDenied
    return officer


def access_own_officer_link(user: User, slug: str) -> Officer:
    officer = (
        Officer.objects.select_related("municipality")
        .filter(user=user, municipality__slug=slug, status=Officer.Status.APPROVED)
        .first()
    )
    if officer is None:
        raise Http404
    return officer


def profile_revisions(municipality: Municipality) -> QuerySet[ProfileRevision]:
    return municipality.revisions.select_related("author")


def current_officers(municipality: Municipality) -> list[Officer]:
    return list(municipality.officers.filter(status=Officer.Status.APPROVED).select_related("user"))


def pending_officer_requests(user: User) -> QuerySet[Officer]:
    """Requests waiting for a decision in the chapters `user` runs."""
    requests = Officer.objects.filter(status=Officer.Status.PENDING).select_related(
        "user", "municipality__chapter"
    )
    roles = roles_of(user)
    if not roles.is_superuser:
        requests = requests.filter(municipality__chapter_id__in=roles.staff_chapter_ids)
    return requests.order_by("requested_at")


def stale_municipalities(user: User) -> QuerySet[Municipality]:
    """Listed members of the user's chapters whose profile is over a year old."""
    municipalities = Municipality.objects.filter(
        is_listed=True, profile_updated_at__lt=timezone.now() - STALE_AFTER
    )
    roles = roles_of(user)
    if not roles.is_superuser:
        municipalities = municipalities.filter(chapter_id__in=roles.staff_chapter_ids)
    return municipalities.order_by("profile_updated_at")


def officer_links(user: User) -> QuerySet[Officer]:
    """All of a user's requests and links, for their dashboard."""
    return (
        Officer.objects.filter(user=user)
        .select_related("municipality")
        .order_by("municipality__name")
    )


def chapter_staff_users(chapter_id: int) -> list[User]:
    return list(User.objects.filter(chapter_roles__chapter_id=chapter_id, is_active=True))
