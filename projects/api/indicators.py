"""/api/v1/indicators/: the impact indicators of published projects, each with its baseline,
targets and measurements.

The names are those of the measurements' open data (`projects.indicators.selectors.
OPEN_DATA_FIELDS`: project, project_title, indicator_id, indicator, unit, measure, direction,
baseline_value, baseline_date; period_start, period_end, value, method, evidence_link,
reported_at), values written as the downloads write them (decimals without trailing zeros).
A page costs three queries: the indicators, their targets, their measurements.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router
from pydantic import BaseModel, Field

from coalition.api import PageParams, model_from_schema, page_schema, paginate
from coalition.api import responses as api_responses
from coalition.csvexport import plain_decimal
from municipalities.models import Country
from projects.access import public_projects
from projects.api.common import the_one
from projects.indicators.models import INDICATOR_FIELDS, Indicator, Measurement, Target
from projects.models import ProjectCity

router = Router(tags=["indicators"])

NUMBER = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}  # a decimal, written exactly
DATE = {"type": "string", "format": "date"}

TARGET_SCHEMA = {
    "title": "IndicatorTarget",
    "type": "object",
    "properties": {
        "period_start": DATE,
        "period_end": DATE,
        "value": {**NUMBER, "description": _("Target value for the period.")},
    },
}
MEASUREMENT_SCHEMA = {
    "title": "IndicatorMeasurement",
    "type": "object",
    "properties": {
        "period_start": DATE,
        "period_end": DATE,
        "value": {**NUMBER, "description": _("Measured value for the period.")},
        "method": {"type": "string", "description": _("Method or source.")},
        "evidence_link": {"type": ["string", "null"], "format": "uri"},
        "evidence_url": {
            "type": ["string", "null"],
            "format": "uri",
            "description": _("Address of the evidence file (PDF), if one was uploaded."),
        },
        "reported_at": {"type": "string", "format": "date-time"},
    },
}
INDICATOR_SCHEMA = {
    "title": "Indicator",
    "type": "object",
    "properties": {
        "indicator_id": {"type": "integer", "description": _("Identifier of the indicator.")},
        "project": {"type": "string", "description": _("Slug of the project.")},
        "project_title": {"type": "string"},
        "indicator": {"type": "string", "description": _("Name of the indicator.")},
        "description": {"type": "string"},
        "unit": {"type": "string"},
        "measure": {"type": "string", "enum": list(Indicator.Measure.values)},
        "direction": {
            "type": "string",
            "enum": list(Indicator.Direction.values),
            "description": _("increase: higher is better; decrease: lower is better."),
        },
        "baseline_value": NUMBER,
        "baseline_date": DATE,
        "targets": {"type": "array", "items": TARGET_SCHEMA},
        "measurements": {"type": "array", "items": MEASUREMENT_SCHEMA},
    },
}
IndicatorRecord = model_from_schema("Indicator", INDICATOR_SCHEMA)
IndicatorPage = page_schema(IndicatorRecord, "IndicatorPage")

# A primary key: a number the database can hold (a larger one is a 404, not an overflow).
IndicatorId = Annotated[int, Field(ge=1, le=2**63 - 1)]

COLUMNS = ("id", "project__slug", "project__title", *INDICATOR_FIELDS)


def _number(value) -> str:
    return plain_decimal(value)


def public_indicators() -> QuerySet[Indicator]:
    """Indicators of published projects only."""
    return Indicator.objects.filter(project__in=public_projects())


def indicator_records(indicators: QuerySet[Indicator]) -> list[dict]:
    rows = list(indicators.values(*COLUMNS))
    ids = [row["id"] for row in rows]
    project_slugs = {row["id"]: row["project__slug"] for row in rows}
    targets: dict[int, list[dict]] = defaultdict(list)
    measurements: dict[int, list[dict]] = defaultdict(list)
    if ids:
        for target in (
            Target.objects.filter(indicator_id__in=ids)
            .order_by("period_end", "id")
            .values("indicator_id", "period_start", "period_end", "value")
        ):
            targets[target["indicator_id"]].append(
                {
                    "period_start": target["period_start"].isoformat(),
                    "period_end": target["period_end"].isoformat(),
                    "value": _number(target["value"]),
                }
            )
        evidence = settings.SITE_URL + reverse("measurement_evidence", args=["SLUG", 0]).replace(
            "/0/", "/ID/"
        )
        for m in (
            Measurement.objects.filter(indicator_id__in=ids)
            .order_by("period_end", "id")
            .values(
                "id",
                "indicator_id",
                "period_start",
                "period_end",
                "value",
                "method",
                "evidence",
                "evidence_link",
                "reported_at",
            )
        ):
            url = None
            if m["evidence"]:
                url = evidence.replace("SLUG", project_slugs[m["indicator_id"]]).replace(
                    "ID", str(m["id"])
                )
            measurements[m["indicator_id"]].append(
                {
                    "period_start": m["period_start"].isoformat(),
                    "period_end": m["period_end"].isoformat(),
                    "value": _number(m["value"]),
                    "method": m["method"],
                    "evidence_link": m["evidence_link"] or None,
                    "evidence_url": url,
                    # As the measurements' open data writes it.
                    "reported_at": m["reported_at"].isoformat(timespec="seconds"),
                }
            )
    return [
        {
            "indicator_id": row["id"],
            "project": row["project__slug"],
            "project_title": row["project__title"],
            "indicator": row["name"],
            "description": row["description"],
            "unit": row["unit"],
            "measure": row["measure"],
            "direction": row["direction"],
            "baseline_value": _number(row["baseline_value"]),
            "baseline_date": row["baseline_date"].isoformat(),
            "targets": targets[row["id"]],
            "measurements": measurements[row["id"]],
        }
        for row in rows
    ]


class IndicatorFilters(BaseModel):
    project: str = Field(
        "", max_length=220, description=_("Slug of a published project: its indicators.")
    )
    country: Literal[("", *Country.values)] = Field(
        "", description=_("Country of a participating city (ISO 3166-1 alpha-2).")
    )
    measure: Literal[("", *Indicator.Measure.values)] = Field("", description=_("Measure."))


@router.get(
    "",
    url_name="api_indicator_list",
    operation_id="listIndicators",
    summary=_("Indicators of published projects with their targets and measurements."),
    **api_responses(IndicatorPage, _("A page of indicators."), 400),
)
def indicator_list(
    request: HttpRequest, filters: Query[IndicatorFilters], paging: Query[PageParams]
):
    indicators = public_indicators()
    if filters.project:
        indicators = indicators.filter(project__slug=filters.project)
    if filters.country:
        indicators = indicators.filter(
            project__in=ProjectCity.objects.filter(municipality__country=filters.country).values(
                "project_id"
            )
        )
    if filters.measure:
        indicators = indicators.filter(measure=filters.measure)
    indicators = indicators.order_by("project__slug", "id")
    return paginate(request, indicators, paging, indicator_records)


@router.get(
    "{indicator_id}/",
    url_name="api_indicator_detail",
    operation_id="getIndicator",
    summary=_("One indicator of a published project."),
    **api_responses(IndicatorRecord, _("The indicator."), 404),
)
def indicator_detail(request: HttpRequest, indicator_id: Path[IndicatorId]):
    return the_one(
        indicator_records(public_indicators().filter(pk=indicator_id)),
        gettext("There is no indicator of a published project here."),
    )
