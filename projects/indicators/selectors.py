"""Reads of indicators at a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from coalition.permissions import roles_of
from projects.access import public_projects
from projects.indicators import schedule
from projects.indicators.chart import Chart, build_chart, summary_sentence
from projects.indicators.formatting import format_percent, format_value
from projects.indicators.models import Indicator, Measurement, Target
from projects.indicators.progress import Status, indicator_progress
from projects.models import Project, ProjectCity


def project_indicators(project: Project) -> list[Indicator]:
    """The project's indicators with targets and measurements (three queries)."""
    return list(
        Indicator.objects.filter(project=project)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("period_end", "id")),
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("reported_by").order_by(
                    "period_end", "id"
                ),
            ),
        )
        .order_by("id")
    )


@dataclass(frozen=True)
class IndicatorView:
    indicator: Indicator
    chart: Chart


def indicator_views(project: Project) -> list[IndicatorView]:
    views = []
    for indicator in project_indicators(project):
        for measurement in indicator.measurements.all():
            measurement.display_value = format_value(indicator, measurement.value)
        views.append(IndicatorView(indicator, build_chart(indicator)))
    return views


@dataclass(frozen=True)
class ProgressSummary:
    """Of an indicator's chart, what the project page's block shows (the shared
    indicators/_indicator_head.html reads `status` and `summary_percent` as of a Chart)."""

    summary: str
    status: Status

    @property
    def summary_percent(self) -> str:
        return format_percent(self.status.percent)


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    chart: ProgressSummary


class _Point(NamedTuple):
    """A target or a measurement as the progress and the sentence read it."""

    pk: int
    period_end: date
    value: Decimal


def indicator_summaries(project: Project) -> list[IndicatorSummary]:
    """The project's indicators with their progress and summary sentence, for the project
    page's block (three queries, one without indicators). Targets and measurements are read
    as plain (id, end, value) rows, and no chart is drawn: the block shows neither."""
    indicators = list(Indicator.objects.filter(project=project).order_by("id"))
    points: dict[int, tuple[list[_Point], list[_Point]]] = {
        indicator.pk: ([], []) for indicator in indicators
    }
    if points:
        for side, model in enumerate((Target, Measurement)):
            rows = model.objects.filter(indicator_id__in=points).values_list(
                "indicator_id", "id", "period_end", "value"
            )
            for indicator_id, pk, period_end, value in rows:
                points[indicator_id][side].append(_Point(pk, period_end, value))
    summaries = []
    for indicator in indicators:
        targets, measurements = points[indicator.pk]
        status = indicator_progress(indicator, targets, measurements)
        summary = summary_sentence(indicator, targets, measurements, status)
        summaries.append(IndicatorSummary(indicator, ProgressSummary(summary, status)))
    return summaries


def project_time_zone(project: Project) -> str:
    """The time zone of the project's first city's chapter (one query)."""
    from coalition.models import Chapter

    zone = (
        Chapter.objects.filter(municipalities__project_links__project=project)
        .order_by("municipalities__project_links__pk")
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone or "America/Santiago"


def measurement_rows(project: Project) -> QuerySet[Measurement]:
    """Every measurement of the project, for the CSV export."""
    return (
        Measurement.objects.filter(indicator__project=project)
        .select_related("indicator")
        .order_by("indicator_id", "period_end", "id")
    )


# --- Open data -------------------------------------------------------------------------------

OPEN_DATA_FIELDS = {
    "project": "indicator__project__slug",
    "project_title": "indicator__project__title",
    "indicator_id": "indicator_id",
    "indicator": "indicator__name",
    "unit": "indicator__unit",
    "measure": "indicator__measure",
    "direction": "indicator__direction",
    "baseline_value": "indicator__baseline_value",
    "baseline_date": "indicator__baseline_date",
    "period_start": "period_start",
    "period_end": "period_end",
    "value": "value",
    "method": "method",
    "evidence_link": "evidence_link",
    "reported_at": "reported_at",
}


def open_measurements() -> QuerySet:
    """Measurements of published projects as plain values (one query, streamed)."""
    return (
        Measurement.objects.filter(indicator__project__in=public_projects())
        .order_by("indicator__project__slug", "indicator_id", "period_end", "id")
        .values_list(*OPEN_DATA_FIELDS.values())
    )


# --- Staff: overdue reports ------------------------------------------------------------------


@dataclass(frozen=True)
class OwingProject:
    project: Project
    period: schedule.Period
    overdue: bool
    cities: list[str]


def staff_owing_projects(user, today: date) -> list[OwingProject]:
    """Projects of the chapters the user runs that owe a report (four queries)."""
    roles = roles_of(user)

    def ids(overdue: bool) -> set[int]:
        projects = schedule.owing_projects(today, overdue=overdue)
        if not roles.is_superuser:
            projects = projects.filter(
                city_links__municipality__chapter_id__in=roles.staff_chapter_ids
            )
        return set(projects.values_list("pk", flat=True))

    overdue_ids = ids(True)
    due_ids = ids(False)
    projects = (
        Project.objects.filter(pk__in=overdue_ids | due_ids)
        .prefetch_related(
            Prefetch(
                "city_links",
                queryset=ProjectCity.objects.select_related("municipality").order_by(
                    "municipality__name"
                ),
            )
        )
        .order_by("title", "pk")
    )
    rows = []
    for project in projects:
        months = project.reporting_period_months
        is_overdue = project.pk in overdue_ids
        period = (schedule.overdue_period if is_overdue else schedule.due_period)(today, months)
        rows.append(
            OwingProject(
                project=project,
                period=period,
                overdue=is_overdue,
                cities=[link.municipality.name for link in project.city_links.all()],
            )
        )
    rows.sort(key=lambda row: (not row.overdue, row.period.end, row.project.title))
    return rows
