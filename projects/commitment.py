"""The yearly commitment: each member city takes part, every year, in at least one
collaborative AI project with a govtech startup.

A project *counts* for a city and a year when all of these hold:
- the city participates in it (ProjectCity);
- it uses AI and has at least one startup;
- its status is past "idea" (pilot, in production, evaluated, or retired — but not retired
  before 1 January of the year, by its recorded status change);
- it was active in the year: started on or before 31 December and not ended before 1 January;
- it is published or still a draft (a project withdrawn by staff never counts). Drafts count
  because officers often register the work before they publish it; the staff page marks a
  city whose only counting projects are drafts.

For the staff, each member city is in one of three states for the year:
- MEETS: at least one project counts;
- AT RISK: none counts yet, but the city has an AI project in the year that lacks one thing
  (still an idea, no startup yet, or no start date), so it could still count;
- DOES NOT MEET: neither.

Everything is computed in SQL as annotations of one queryset of municipalities, so the page
runs the same number of queries for 3 cities as for 300.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from municipalities.models import Membership, Municipality
from projects.models import Project, ProjectCity, ProjectStartup, ProjectStatusChange

MEETS = "meets"
AT_RISK = "at_risk"
DOES_NOT_MEET = "does_not_meet"
STATE_LABELS = {
    MEETS: _("Meets the commitment"),
    AT_RISK: _("At risk"),
    DOES_NOT_MEET: _("Does not meet the commitment"),
}
COUNTING_VISIBILITIES = (Project.Visibility.DRAFT, Project.Visibility.PUBLISHED)


def _first_day(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _last_day(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _has_startup(project_ref: str) -> Exists:
    return Exists(ProjectStartup.objects.filter(project_id=OuterRef(project_ref)))


def _in_year_links(year: int, *, city_ref: str = "pk", visibilities=COUNTING_VISIBILITIES):
    """Participations of the city (OuterRef `city_ref`) in AI projects not over before the
    year: the base that both the counting and the at-risk tests narrow."""
    retired_before = Exists(
        ProjectStatusChange.objects.filter(
            project_id=OuterRef("project_id"),
            status=Project.Status.RETIRED,
            changed_on__lt=_first_day(year),
        )
    )
    return ProjectCity.objects.filter(
        Q(project__end_date__isnull=True) | Q(project__end_date__gte=_first_day(year)),
        ~retired_before,
        municipality_id=OuterRef(city_ref),
        project__uses_ai=True,
        project__visibility__in=visibilities,
    )


def counting_links(year: int, *, city_ref: str = "pk", visibilities=COUNTING_VISIBILITIES):
    """Participations that meet the commitment for the year (see the module's docstring)."""
    return _in_year_links(year, city_ref=city_ref, visibilities=visibilities).filter(
        _has_startup("project_id"),
        ~Q(project__status=Project.Status.IDEA),
        project__start_date__lte=_last_day(year),
    )


def has_active_project(year: int, *, city_ref: str = "pk", published_only: bool = True) -> Exists:
    """An Exists() for a Municipality queryset: the city meets the commitment in `year`.
    Public pages (the directory's filter) pass published_only=True: a draft is never a hint."""
    visibilities = (Project.Visibility.PUBLISHED,) if published_only else COUNTING_VISIBILITIES
    return Exists(counting_links(year, city_ref=city_ref, visibilities=visibilities))


def member_cities(chapter_id: int, year: int) -> QuerySet[Municipality]:
    """The chapter's members in `year`: a current membership that began by the year's end."""
    memberships = Membership.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=_last_day(year)),
        municipality_id=OuterRef("pk"),
        chapter_id=chapter_id,
        status=Membership.Status.MEMBER,
    )
    return Municipality.objects.filter(Exists(memberships))


def with_commitment(cities: QuerySet[Municipality], year: int) -> QuerySet[Municipality]:
    """Annotate each city with what the staff page shows, all in the one query."""
    base = _in_year_links(year)
    counting = counting_links(year)
    published = counting.filter(project__visibility=Project.Visibility.PUBLISHED)
    return cities.annotate(
        meets=Exists(counting),
        meets_published=Exists(published),
        pending_idea=Exists(base.filter(project__status=Project.Status.IDEA)),
        pending_startup=Exists(base.filter(~_has_startup("project_id"))),
        pending_start=Exists(base.filter(project__start_date__isnull=True)),
    )


@dataclass(frozen=True)
class CityCommitment:
    municipality: Municipality
    state: str
    reasons: list

    @property
    def label(self):
        return STATE_LABELS[self.state]


def state_of(city: Municipality) -> CityCommitment:
    """Read the annotations of `with_commitment` as a state with the reasons behind it."""
    if city.meets:
        reasons = [] if city.meets_published else [_("only with projects not yet published")]
        return CityCommitment(city, MEETS, reasons)
    reasons = []
    if city.pending_idea:
        reasons.append(_("an AI project is still an idea"))
    if city.pending_startup:
        reasons.append(_("an AI project has no startup yet"))
    if city.pending_start:
        reasons.append(_("an AI project has no start date"))
    if reasons:
        return CityCommitment(city, AT_RISK, reasons)
    return CityCommitment(city, DOES_NOT_MEET, [_("no AI project with a startup this year")])


def chapter_commitment(chapter_id: int, year: int) -> list[CityCommitment]:
    """Every member city of the chapter with its state for the year (one query)."""
    cities = with_commitment(member_cities(chapter_id, year), year).order_by("name", "pk")
    return [state_of(city) for city in cities]


def cities_without_commitment(chapter_id: int, year: int) -> QuerySet[Municipality]:
    """Member cities of the chapter with no counting project (drafts count) in `year`."""
    return member_cities(chapter_id, year).exclude(has_active_project(year, published_only=False))
