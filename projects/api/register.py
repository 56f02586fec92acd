"""/api/v1/register/: the public AI register, an entry per project, with the register page's
filters.

Records are the register's open data (`projects.register.opendata`: the Eurocities
Algorithmic Transparency Standard's columns, then ours), read with one `values()` query over
the public entries (`projects.register.selectors.public_entries`: published at least once,
project public and using AI, not withdrawn): only the latest published version, never the
draft. The entry's address is its project's slug, as on the register page.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from coalition.api import PageParams, current_enum, not_found, page_schema, paginate, strict
from coalition.api import responses as api_responses
from coalition.api.schemas import TEXT_PATTERN
from municipalities.models import Country
from projects.api.common import (
    DATE_OR_NULL,
    TEXT,
    TEXT_OR_NULL,
    TEXTS,
    URL_OR_NULL,
    Slug,
    choice,
    jsonable,
    the_one,
    typed,
)
from projects.models import Area
from projects.register import opendata
from projects.register.forms import RegisterFilterForm
from projects.register.models import EntryStatus, RegisterEntryVersion, RiskLevel
from projects.register.selectors import (
    RegisterFilters,
    cached_listed_cities,
    public_entries,
    register_queryset,
)

router = Router(tags=["register"])

TYPES = {
    "standard_version": TEXT,
    "uuid": ("string", False, {"format": "uuid"}),
    "lang": TEXT,
    "publication_date": DATE_OR_NULL,
    "last_change_date": DATE_OR_NULL,
    "revision_date": DATE_OR_NULL,
    "name": TEXT_OR_NULL,
    "organization": TEXTS,
    "department": TEXT_OR_NULL,
    "country": TEXTS,
    "contact_email": TEXT_OR_NULL,
    "contact_name": TEXT_OR_NULL,
    "description_short": TEXT_OR_NULL,
    "website": URL_OR_NULL,
    "status": choice(opendata.STATUSES.values(), nullable=True),
    "domain": choice(sorted(set(opendata.DOMAINS.values())), nullable=True),
    "area": TEXTS,
    "goal": TEXT_OR_NULL,
    "risks": TEXT_OR_NULL,
    "risk_category": choice(opendata.RISK_CATEGORIES.values(), nullable=True),
    "lawful_basis": TEXT_OR_NULL,
    "documentation": URL_OR_NULL,
    "source_data": TEXT_OR_NULL,
    "algorithm_type": choice(opendata.ALGORITHM_TYPES.values(), nullable=True),
    "methods_and_models": TEXT_OR_NULL,
    "performance": TEXT_OR_NULL,
    "alternatives_considered": TEXT_OR_NULL,
    "AIA_description": TEXTS,
    "AIA_url": TEXTS,
    "monitoring": TEXT_OR_NULL,
    "human_intervention": TEXT_OR_NULL,
    "objection_procedure": TEXT_OR_NULL,
    "project_slug": TEXT,
    "version": ("integer", False, {"minimum": 1}),
    "portal_area": choice(Area.values),
    "risk_mitigations": TEXT_OR_NULL,
    "expected_benefit": TEXT_OR_NULL,
    "supplier": TEXTS,
    "supplier_role": TEXTS,
    "procurement": TEXT_OR_NULL,
    "personal_data": ("boolean", True),
    "personal_data_description": TEXT_OR_NULL,
    "data_retention": TEXT_OR_NULL,
    "development_started_on": DATE_OR_NULL,
    "in_use_since": DATE_OR_NULL,
    "retired_on": DATE_OR_NULL,
    "change_note": TEXT_OR_NULL,
}


class _Column:
    """A register column as a field for `typed`: its name, and what it maps as description."""

    def __init__(self, column):
        self.name = column.name
        self.description = column.ours


RegisterRecord = typed("RegisterEntry", [_Column(column) for column in opendata.COLUMNS], TYPES)
RegisterPage = page_schema(RegisterRecord, "RegisterEntryPage")


class RegisterVersion(BaseModel):
    """One published version of an entry, as its public history lists it."""

    number: int = Field(ge=1, description=_("Version number, from 1."))
    published_at: str = Field(json_schema_extra={"format": "date-time"})
    change_note: str = Field(description=_("What changed, in the publisher's words."))
    status: Literal[tuple(EntryStatus.values)]
    risk_level: Literal[tuple(RiskLevel.values)]
    summary: str
    changes: dict[str, dict[str, Any]] = Field(
        description=_(
            "The fields that differ from the previous version, each with its old and new "
            "value ({} for version 1)."
        )
    )


RegisterVersionPage = page_schema(RegisterVersion, "RegisterVersionPage")


def register_records(entries: QuerySet) -> list[dict]:
    rows = entries.prefetch_related(None).values(*opendata.VALUES)
    return [jsonable(opendata.record(row)) for row in rows]


class RegisterQuery(BaseModel):
    """The register page's filters (projects.register.forms.RegisterFilterForm)."""

    q: str = Field(
        "",
        pattern=TEXT_PATTERN,
        max_length=100,
        description=_("Words to find in the title or summary."),
    )
    city: str = Field(
        "",
        description=_("Slug of a city that owns a public entry."),
        json_schema_extra=current_enum(
            "register.cities", lambda: [slug for slug, _name in cached_listed_cities()]
        ),
    )
    country: Literal[("", *Country.values)] = Field(
        "", description=_("Country of an owning city (ISO 3166-1 alpha-2).")
    )
    status: Literal[("", *EntryStatus.values)] = Field(
        "", description=_("Status of the latest version.")
    )
    area: Literal[("", *Area.values)] = Field("", description=_("Area of the project."))
    risk: Literal[("", *RiskLevel.values)] = Field(
        "", description=_("Risk level of the latest version.")
    )


@router.get(
    "",
    url_name="api_register_list",
    operation_id="listRegisterEntries",
    summary=_("Public register entries (latest published version), newest first."),
    **api_responses(RegisterPage, _("A page of register entries."), 400),
)
def register_list(request: HttpRequest, filters: Query[RegisterQuery], paging: Query[PageParams]):
    form = strict(RegisterFilterForm(request.GET or None, cities=cached_listed_cities()))
    filtered: RegisterFilters = form.filters()
    return paginate(request, register_queryset(filtered), paging, register_records)


@router.get(
    "{slug}/",
    url_name="api_register_detail",
    operation_id="getRegisterEntry",
    summary=_("The public register entry of a project (its latest published version)."),
    **api_responses(RegisterRecord, _("The register entry."), 404),
)
def register_detail(request: HttpRequest, slug: Path[Slug]):
    return the_one(
        register_records(public_entries().filter(project__slug=slug)),
        gettext("There is no public register entry at this address."),
    )


def version_records(versions: QuerySet[RegisterEntryVersion]) -> list[dict]:
    rows = versions.values(
        "number", "published_at", "change_note", "status", "risk_level", "summary", "changes"
    )
    return [jsonable(row) for row in rows]


@router.get(
    "{slug}/versions/",
    url_name="api_register_versions",
    operation_id="listRegisterEntryVersions",
    summary=_("The public history of a register entry: its published versions, newest first."),
    **api_responses(RegisterVersionPage, _("A page of versions."), 400, 404),
)
def register_versions(
    request: HttpRequest,
    slug: Path[Slug],
    paging: Query[PageParams],
):
    entry_id = public_entries().filter(project__slug=slug).values_list("pk", flat=True).first()
    if entry_id is None:
        raise not_found(gettext("There is no public register entry at this address."))
    versions = RegisterEntryVersion.objects.filter(entry_id=entry_id).order_by("-number")
    return paginate(request, versions, paging, version_records)
