"""Due and overdue e-mails to the officers of a project's cities: each exactly once, in the
recipient's language; the staff's overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.indicators import reminders, schedule
from projects.indicators.models import ReportingReminderSent
from projects.models import Project
from tests.factories import OfficerFactory
from tests.indicators.conftest import days_indicator, measure

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T12:00"))


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the reminders on a given day, delivering the queued e-mails."""

    def run(day: str) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reporting_reminders_send_due(now=at(day))

    return run


def test_calendar_periods():
    assert schedule.period_containing(dt.date(2026, 5, 17), 3) == schedule.Period(
        dt.date(2026, 4, 1), dt.date(2026, 6, 30)
    )
    assert schedule.last_ended_period(dt.date(2026, 1, 1), 3) == schedule.Period(
        dt.date(2025, 10, 1), dt.date(2025, 12, 31)
    )
    assert schedule.last_ended_period(dt.date(2026, 8, 2), 12).end == dt.date(2025, 12, 31)
    assert schedule.last_ended_period(dt.date(2026, 3, 5), 1).end == dt.date(2026, 2, 28)
    assert schedule.period_containing(dt.date(2026, 11, 3), 6).start == dt.date(2026, 7, 1)
    # Monthly: on 5 March the due period is February, the overdue one January.
    assert schedule.overdue_period(dt.date(2026, 3, 5), 1).end == dt.date(2026, 1, 31)
    # Quarterly: overdue from the 30th day after the end of the quarter.
    assert schedule.overdue_period(dt.date(2026, 1, 30), 3).end == dt.date(2025, 12, 31)
    assert schedule.overdue_period(dt.date(2026, 1, 29), 3).end == dt.date(2025, 9, 30)


@pytest.fixture
def reporting(published, officer, la_serena):
    """La Serena's project reported up to the third quarter of 2026."""
    indicator = days_indicator(published, officer)
    measure(indicator, "2026-07-01", "2026-09-30", 26, officer)
    spanish = OfficerFactory(municipality=la_serena, user__language="es").user
    return indicator, officer, spanish


def test_due_then_overdue_each_exactly_once_in_each_language(reporting, send):
    indicator, english, spanish = reporting
    # Still inside the fourth quarter: nothing due.
    assert send("2026-12-20") == 0
    assert mail.outbox == []
    # 2 January 2027: the fourth quarter ended without a measurement.
    assert send("2027-01-02") == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([english.email, spanish.email])
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.email] == (
        "Time to report the indicators of “Triaje de permisos de obra”"
    )
    # Each in the recipient's language (the dates at least: the catalogue is filled later).
    spanish_body = next(m.body for m in mail.outbox if m.to[0] == spanish.email)
    assert "31 de diciembre de 2026" in spanish_body
    body = next(m.body for m in mail.outbox if m.to[0] == english.email)
    assert "Oct. 1, 2026" in body and "Dec. 31, 2026" in body
    assert reverse("project_indicators", args=[indicator.project.slug]) in body
    # Later ticks the same month: nothing more.
    for day in ("2027-01-02", "2027-01-10", "2027-01-29"):
        assert send(day) == 0
    assert len(mail.outbox) == 2
    # 30 days after the end of the quarter: overdue, once.
    assert send("2027-01-30") == 1
    assert send("2027-02-15") == 0
    assert len(mail.outbox) == 4
    assert any(m.subject.startswith("Overdue:") for m in mail.outbox)
    assert ReportingReminderSent.objects.count() == 2


def test_a_report_stops_the_reminders(reporting, send, officer):
    indicator, *_ = reporting
    measure(indicator, "2026-10-01", "2026-12-31", 22, officer)
    assert send("2027-01-02") == 0
    assert send("2027-02-02") == 0
    assert mail.outbox == []


def test_late_first_tick_sends_only_the_overdue_one(reporting, send):
    assert send("2027-02-10") == 1
    kinds = set(ReportingReminderSent.objects.values_list("kind", flat=True))
    assert kinds == {"overdue"}


def test_ideas_retired_and_withdrawn_projects_do_not_report(reporting, send, published):
    for status, visibility in (
        (Project.Status.IDEA, Project.Visibility.PUBLISHED),
        (Project.Status.RETIRED, Project.Visibility.PUBLISHED),
        (Project.Status.PRODUCTION, Project.Visibility.WITHDRAWN),
    ):
        Project.objects.filter(pk=published.pk).update(status=status, visibility=visibility)
        assert send("2027-01-02") == 0


def test_the_task_runs_the_service(reporting):
    from projects.indicators.tasks import send_reporting_reminders

    assert send_reporting_reminders.apply().get() in (0, 1)


def test_staff_overdue_list(client, reporting, staff, other_officer, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 2, 10))
    client.force_login(staff)
    response = client.get(reverse("staff_overdue_reports"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Triaje de permisos de obra" in text and "Overdue" in text
    # Officers are not staff.
    client.force_login(other_officer)
    assert client.get(reverse("staff_overdue_reports")).status_code == 403


def test_staff_of_another_chapter_do_not_see_it(client, reporting, monkeypatch):
    from tests.factories import ChapterStaffFactory, enable_totp

    outsider = ChapterStaffFactory(user__language="en").user
    enable_totp(outsider)
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 2, 10))
    client.force_login(outsider)
    response = client.get(reverse("staff_overdue_reports"))
    assert "Triaje de permisos de obra" not in response.content.decode()
