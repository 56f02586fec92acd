"""/api/v1/startups/ and /api/v1/challenges/: what the public lists show, with their filters.

Records follow `projects.opendata_startups` (STARTUP_FIELDS, CHALLENGE_FIELDS and their
columns): plain `values()` and one query per list-valued column, for the page's rows only.
Startups: those with a published project, not merged away (`public_startups`); challenges:
open or addressed, never drafts; the projects they list are published ones only.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from coalition.api import PageParams, current_enum, page_schema, paginate, strict
from coalition.api import responses as api_responses
from coalition.api.schemas import TEXT_PATTERN
from municipalities.models import Country
from projects import opendata_startups as opendata
from projects import selectors_startups as selectors
from projects.api.common import (
    INSTANT_OR_NULL,
    TEXT,
    TEXTS,
    URL,
    Slug,
    choice,
    jsonable,
    the_one,
    typed,
)
from projects.forms_challenges import ChallengeFilterForm
from projects.forms_startups import StartupFilterForm
from projects.models import Area, Challenge, StartupCountry

startups = Router(tags=["startups"])
challenges = Router(tags=["challenges"])

# --- Startups ------------------------------------------------------------------------------

STARTUP_TYPES = {
    "slug": TEXT,
    "name": TEXT,
    "country": choice(StartupCountry.values),
    "tax_id": TEXT,
    "website": TEXT,
    "description": TEXT,
    "sectors": TEXTS,
    "contact_name": TEXT,
    "contact_email": TEXT,
    "projects": TEXTS,
    "url": URL,
}
StartupRecord = typed("Startup", opendata.STARTUP_FIELDS, STARTUP_TYPES)
StartupPage = page_schema(StartupRecord, "StartupPage")


def startup_records(rows_query: QuerySet) -> list[dict]:
    """The open-data records of the given startups (`opendata_startups.startup_rows`)."""
    rows = opendata.startup_rows(rows_query)
    return [jsonable(record) for record in opendata.records(rows, opendata.STARTUP_FIELDS)]


class StartupFilters(BaseModel):
    """The public startup list's filters (forms_startups.StartupFilterForm)."""

    q: str = Field(
        "",
        pattern=TEXT_PATTERN,
        max_length=100,
        description=_("Words to find in the name or description."),
    )
    country: Literal[("", *StartupCountry.values)] = Field(
        "", description=_("Country (ISO 3166-1 alpha-2; XX for another).")
    )
    sector: str = Field(
        "",
        description=_("Slug of a sector."),
        json_schema_extra=current_enum(
            "projects.sectors", lambda: [tag.slug for tag in selectors.sector_tags()]
        ),
    )


@startups.get(
    "",
    url_name="api_startup_list",
    operation_id="listStartups",
    summary=_("Startups with a published project, by name, a page at a time."),
    **api_responses(StartupPage, _("A page of startups."), 400),
)
def startup_list(request: HttpRequest, filters: Query[StartupFilters], paging: Query[PageParams]):
    form = strict(StartupFilterForm(request.GET or None, sectors=selectors.sector_tags()))
    rows = selectors.startup_list(**form.filters())
    return paginate(request, rows, paging, startup_records)


@startups.get(
    "{slug}/",
    url_name="api_startup_detail",
    operation_id="getStartup",
    summary=_("One startup with a published project."),
    **api_responses(StartupRecord, _("The startup."), 404),
)
def startup_detail(request: HttpRequest, slug: Path[Slug]):
    return the_one(
        startup_records(selectors.public_startups().filter(slug=slug)),
        gettext("There is no startup with a published project at this address."),
    )


# --- Challenges ----------------------------------------------------------------------------

CHALLENGE_TYPES = {
    "slug": TEXT,
    "title": TEXT,
    "area": choice(Area.values),
    "status": choice(Challenge.PUBLIC_STATUSES),
    "description": TEXT,
    "affected": TEXT,
    "data_available": TEXT,
    "cities": TEXTS,
    "countries": TEXTS,
    "projects": TEXTS,
    "published_at": INSTANT_OR_NULL,
    "url": URL,
}
ChallengeRecord = typed("Challenge", opendata.CHALLENGE_FIELDS, CHALLENGE_TYPES)
ChallengePage = page_schema(ChallengeRecord, "ChallengePage")


def challenge_records(rows_query: QuerySet) -> list[dict]:
    """The open-data records of the given challenges (`opendata_startups.challenge_rows`)."""
    rows = opendata.challenge_rows(rows_query)
    return [jsonable(record) for record in opendata.records(rows, opendata.CHALLENGE_FIELDS)]


class ChallengeFilters(BaseModel):
    """The public challenge list's filters (forms_challenges.ChallengeFilterForm)."""

    q: str = Field(
        "",
        pattern=TEXT_PATTERN,
        max_length=100,
        description=_("Words to find in the title or problem."),
    )
    area: Literal[("", *Area.values)] = Field("", description=_("Area of municipal work."))
    status: Literal[("", *Challenge.PUBLIC_STATUSES)] = Field(
        "", description=_("Status: open or addressed.")
    )
    city: str = Field(
        "",
        description=_("Slug of a city that publishes a challenge."),
        json_schema_extra=current_enum(
            "projects.challenge_cities",
            lambda: [slug for slug, _name in selectors.challenge_cities()],
        ),
    )
    country: Literal[("", *Country.values)] = Field(
        "", description=_("Country of a publishing city (ISO 3166-1 alpha-2).")
    )


@challenges.get(
    "",
    url_name="api_challenge_list",
    operation_id="listChallenges",
    summary=_("Open and addressed challenges, newest first, a page at a time."),
    **api_responses(ChallengePage, _("A page of challenges."), 400),
)
def challenge_list(
    request: HttpRequest, filters: Query[ChallengeFilters], paging: Query[PageParams]
):
    form = strict(ChallengeFilterForm(request.GET or None, cities=selectors.challenge_cities()))
    rows = selectors.challenge_list(**form.filters())
    return paginate(request, rows, paging, challenge_records)


@challenges.get(
    "{slug}/",
    url_name="api_challenge_detail",
    operation_id="getChallenge",
    summary=_("One open or addressed challenge."),
    **api_responses(ChallengeRecord, _("The challenge."), 404),
)
def challenge_detail(request: HttpRequest, slug: Path[Slug]):
    public = Challenge.objects.filter(status__in=Challenge.PUBLIC_STATUSES)
    return the_one(
        challenge_records(public.filter(slug=slug)),
        gettext("There is no published challenge at this address."),
    )
