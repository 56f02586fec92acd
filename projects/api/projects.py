"""/api/v1/projects/: the published projects, with the public directory's filters.

Records are `projects.opendata` records (the CSV and JSON downloads' field list and rows:
plain `values()`, three queries a page). Only published projects: `projects.access.
public_projects()`; a draft's address is a 404 like any unknown one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from coalition.api import PageParams, current_enum, memo, page_schema, paginate, strict
from coalition.api import responses as api_responses
from coalition.api.schemas import TEXT_PATTERN
from municipalities.models import Country
from projects import opendata, selectors
from projects.access import public_projects
from projects.api.common import (
    DATE_OR_NULL,
    INSTANT,
    INSTANT_OR_NULL,
    TEXT,
    TEXT_OR_NULL,
    TEXTS,
    URL,
    Slug,
    choice,
    the_one,
    typed,
)
from projects.forms_filters import FIRST_YEAR
from projects.models import Area, Project
from projects.views_projects import directory_form

router = Router(tags=["projects"])

TYPES = {
    "slug": TEXT,
    "title": TEXT,
    "cities": TEXTS,
    "city_names": TEXTS,
    "countries": TEXTS,
    "startups": TEXTS,
    "area": choice(Area.values),
    "status": choice(Project.Status.values),
    "uses_ai": ("boolean", False),
    "ai_technique": TEXT_OR_NULL,
    "problem": TEXT,
    "solution": TEXT,
    "summary": TEXT,
    "start_date": DATE_OR_NULL,
    "end_date": DATE_OR_NULL,
    "budget": ("string", True, {"pattern": r"^\d+(\.\d+)?$"}),
    "budget_currency": TEXT_OR_NULL,
    "funding_source": TEXT_OR_NULL,
    "challenge": TEXT_OR_NULL,
    "published_at": INSTANT_OR_NULL,
    "updated_at": INSTANT,
    "url": URL,
}
ProjectRecord = typed("Project", opendata.FIELDS, TYPES)
ProjectPage = page_schema(ProjectRecord, "ProjectPage")


def _choices() -> dict[str, list[tuple[str, str]]]:
    return memo("projects.filter_choices", selectors.filter_choices)


def _last_year(schema: dict) -> None:
    schema["maximum"] = timezone.localdate().year + 2


class ProjectFilters(BaseModel):
    """The public project directory's filters (projects.forms_filters.ProjectFilterForm,
    which reads them after pydantic)."""

    q: str = Field(
        "",
        pattern=TEXT_PATTERN,
        max_length=100,
        description=_("Words to find in the title, summary, cities, startups."),
    )
    city: str = Field(
        "",
        description=_("Slug of a participating city (one with a published project)."),
        json_schema_extra=current_enum(
            "projects.cities", lambda: [slug for slug, _name in _choices()["cities"]]
        ),
    )
    country: Literal[("", *Country.values)] = Field(
        "", description=_("Country of a participating city (ISO 3166-1 alpha-2).")
    )
    area: Literal[("", *Area.values)] = Field("", description=_("Area of municipal work."))
    status: Literal[("", *Project.Status.values)] = Field("", description=_("Status."))
    startup: str = Field(
        "",
        description=_("Slug of a participating startup."),
        json_schema_extra=current_enum(
            "projects.startups", lambda: [slug for slug, _name in _choices()["startups"]]
        ),
    )
    year: Annotated[int, Field(ge=FIRST_YEAR, json_schema_extra=_last_year)] = Field(
        None, description=_("Active in that year (started by its end, not ended before it).")
    )


def project_records(projects) -> list[dict]:
    return opendata.rows(projects)


@router.get(
    "",
    url_name="api_project_list",
    operation_id="listProjects",
    summary=_("Published projects matching the filters, newest first, a page at a time."),
    **api_responses(ProjectPage, _("A page of projects."), 400),
)
def project_list(request: HttpRequest, filters: Query[ProjectFilters], paging: Query[PageParams]):
    form = strict(directory_form(request))
    projects = selectors.filter_projects(public_projects(), form.filters())
    return paginate(request, projects.order_by("-published_at", "-id"), paging, project_records)


@router.get(
    "{slug}/",
    url_name="api_project_detail",
    operation_id="getProject",
    summary=_("One published project."),
    **api_responses(ProjectRecord, _("The project."), 404),
)
def project_detail(request: HttpRequest, slug: Path[Slug]):
    return the_one(
        project_records(public_projects().filter(slug=slug)),
        gettext("There is no published project at this address."),
    )
