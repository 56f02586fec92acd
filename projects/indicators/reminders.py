"""E-mails to the officers of a project's cities when a report is due, and when overdue.

Run hourly by Celery beat (`projects.indicators.tasks.send_reporting_reminders`). Each
(project, period, kind) is sent exactly once: the `ReportingReminderSent` row is created in
the same transaction that queues the e-mails (through the outbox), so a second tick or a
retried task finds it and skips. E-mails are rendered in each recipient's language.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coalition.emails import send_email_to_user
from coalition.models import User
from municipalities.models import Officer
from projects.indicators import schedule
from projects.indicators.models import ReportingReminderSent
from projects.models import Project

Kind = ReportingReminderSent.Kind


def project_officers(project: Project) -> list[User]:
    return list(
        User.objects.filter(
            officer_links__municipality__project_links__project=project,
            officer_links__status=Officer.Status.APPROVED,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def reporting_reminders_send_due(*, now=None) -> int:
    """Send the due and overdue e-mails not sent yet; returns how many projects got one."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    for kind, overdue in ((Kind.OVERDUE, True), (Kind.DUE, False)):
        pick = schedule.overdue_period if overdue else schedule.due_period
        for project in schedule.owing_projects(today, overdue=overdue).order_by("pk"):
            period = pick(today, project.reporting_period_months)
            if _send_once(project, period, kind):
                sent += 1
    return sent


def _send_once(project: Project, period: schedule.Period, kind: str) -> bool:
    if (
        kind == Kind.DUE
        and ReportingReminderSent.objects.filter(
            project=project, period_end=period.end, kind=Kind.OVERDUE
        ).exists()
    ):
        return False  # already told it is overdue: no "due" afterwards
    try:
        with transaction.atomic():
            ReportingReminderSent.objects.create(project=project, period_end=period.end, kind=kind)
            context = {
                "project": project.title,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "overdue_on": period.overdue_on.isoformat(),
                "path": reverse("project_indicators", kwargs={"slug": project.slug}),
            }
            template = "indicators_overdue" if kind == Kind.OVERDUE else "indicators_due"
            for officer in project_officers(project):
                send_email_to_user(user=officer, template=template, context=context)
    except IntegrityError:
        return False  # another tick sent it
    return True
