"""When a project must report its indicators, and which reports are due or overdue.

Reporting periods follow the calendar: a project reporting every 3 months reports for
January-March, April-June..., every 6 months for each half year, every 12 for each year. So
for a given day, the last period that has ended is the same for every project with the same
`reporting_period_months`: the overdue list and the reminders need one query per length,
whatever the number of projects.

A period is *reported* for an indicator when a measurement of it ends inside the period. A
project owes a report for the last ended period when one of its indicators (with a baseline
before the period's end) has none; the report is *overdue* `OVERDUE_AFTER_DAYS` after the
period's end. Only projects in pilot or in production report; drafts too (their officers
still measure), withdrawn ones do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from projects.indicators.models import Indicator, Measurement
from projects.models import Project

OVERDUE_AFTER_DAYS = 30
PERIOD_LENGTHS = (1, 3, 6, 12)
REPORTING_STATUSES = (Project.Status.PILOT, Project.Status.PRODUCTION)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def overdue_on(self) -> date:
        return self.end + timedelta(days=OVERDUE_AFTER_DAYS)


def period_containing(day: date, months: int) -> Period:
    index = (day.month - 1) // months * months
    start = date(day.year, index + 1, 1)
    end_index = start.year * 12 + index + months  # first month after the period
    following = date(end_index // 12, end_index % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


def last_ended_period(today: date, months: int) -> Period:
    """The latest period that ended before `today`."""
    current = period_containing(today, months)
    return period_containing(current.start - timedelta(days=1), months)


def missing_report(period: Period) -> Exists:
    """An indicator of the project, already started by the period's end, with no measurement
    ending inside the period."""
    reported = Measurement.objects.filter(
        indicator=OuterRef("pk"), period_end__gte=period.start, period_end__lte=period.end
    )
    return Exists(
        Indicator.objects.filter(project=OuterRef("pk"), baseline_date__lte=period.end).exclude(
            Exists(reported)
        )
    )


def due_period(today: date, months: int) -> Period:
    """The period whose report is due: the last one that has ended."""
    return last_ended_period(today, months)


def overdue_period(today: date, months: int) -> Period:
    """The period whose report is overdue if still missing: the last one that ended at least
    `OVERDUE_AFTER_DAYS` ago (for monthly reporting, the one before the due one)."""
    return last_ended_period(today - timedelta(days=OVERDUE_AFTER_DAYS - 1), months)


def reporting_projects() -> QuerySet[Project]:
    return Project.objects.filter(status__in=REPORTING_STATUSES).exclude(
        visibility=Project.Visibility.WITHDRAWN
    )


def owing_projects(today: date, *, overdue: bool = False) -> QuerySet[Project]:
    """Projects without a report for their due period (or, with `overdue`, for their overdue
    period): one query, whatever their number."""
    pick = overdue_period if overdue else due_period
    condition = Q()
    for months in PERIOD_LENGTHS:
        condition |= Q(reporting_period_months=months) & missing_report(pick(today, months))
    return reporting_projects().filter(condition)
