"""The yearly commitment: which member cities had a collaborative AI project with a startup
active in a year, the staff page (constant queries), and the reminder sent once a year from
the configured date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coalition.models import AuditEvent
from projects import commitment
from projects.commitment_reminders import commitment_reminders_send_due, reminder_day
from projects.models import CommitmentReminderSent, Project, ProjectStatusChange
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)
from tests.projects.startups_world import make_member, make_project, make_startup

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter():
    return ChapterFactory(name="CIAR Chile", slug="ciar", time_zone="America/Santiago")


@pytest.fixture
def city(chapter):
    city = MunicipalityFactory(name="La Serena", chapter=chapter)
    make_member(city)
    return city


@pytest.fixture
def startup():
    return make_startup("Permisia")


def state(city, year):
    rows = commitment.chapter_commitment(city.chapter_id, year)
    return next(row for row in rows if row.municipality.pk == city.pk)


@pytest.mark.parametrize(
    ("start", "end", "year", "meets"),
    [
        (dt.date(2025, 12, 31), None, 2025, True),  # started on the last day
        (dt.date(2025, 12, 31), None, 2026, True),  # and still running
        (dt.date(2026, 1, 1), None, 2025, False),  # starts the next year
        (dt.date(2024, 5, 1), dt.date(2025, 1, 1), 2025, True),  # ended on the first day
        (dt.date(2024, 5, 1), dt.date(2024, 12, 31), 2025, False),  # ended the year before
        (dt.date(2024, 5, 1), dt.date(2026, 6, 30), 2025, True),  # spans the whole year
    ],
)
def test_active_year_boundaries(city, startup, start, end, year, meets):
    make_project([city], [startup], start=start, end=end)
    assert (state(city, year).state == commitment.MEETS) is meets


def test_what_does_not_count(city, startup):
    make_project([city], [startup], uses_ai=False)
    make_project([city], [startup], visibility=Project.Visibility.WITHDRAWN)
    assert state(city, 2025).state == commitment.DOES_NOT_MEET


def test_idea_or_no_startup_is_at_risk_with_its_reason(city, startup):
    make_project([city], [startup], status=Project.Status.IDEA)
    row = state(city, 2025)
    assert row.state == commitment.AT_RISK
    assert [str(r) for r in row.reasons] == ["an AI project is still an idea"]
    make_project([city], [])
    assert len(state(city, 2025).reasons) == 2


def test_retired_before_the_year_does_not_count(city, startup):
    project = make_project(
        [city], [startup], status=Project.Status.RETIRED, start=dt.date(2024, 1, 1)
    )
    ProjectStatusChange.objects.create(
        project=project, status=Project.Status.RETIRED, changed_on=dt.date(2024, 11, 1)
    )
    assert state(city, 2024).state == commitment.MEETS
    assert state(city, 2025).state != commitment.MEETS


def test_drafts_count_for_staff_but_never_for_the_public_filter(city, startup):
    make_project([city], [startup], visibility=Project.Visibility.DRAFT)
    row = state(city, 2025)
    assert row.state == commitment.MEETS
    assert [str(r) for r in row.reasons] == ["only with projects not yet published"]
    from municipalities.models import Municipality

    public = Municipality.objects.filter(commitment.has_active_project(2025, published_only=True))
    assert not public.exists()


def test_a_shared_project_counts_for_each_city_and_only_members_are_listed(chapter, startup):
    first = MunicipalityFactory(chapter=chapter)
    second = MunicipalityFactory(chapter=chapter)
    outsider = MunicipalityFactory(chapter=chapter)  # not a member
    make_member(first)
    make_member(second)
    make_project([first, second, outsider], [startup])
    rows = commitment.chapter_commitment(chapter.pk, 2025)
    assert {row.municipality.pk for row in rows} == {first.pk, second.pk}
    assert {row.state for row in rows} == {commitment.MEETS}


# --- The staff page ------------------------------------------------------------------------


def test_staff_page_runs_a_constant_number_of_queries(client, chapter, startup):
    staff = ChapterStaffFactory(chapter=chapter).user
    enable_totp(staff)
    client.force_login(staff)

    def build(n):
        for i in range(n):
            city = MunicipalityFactory(chapter=chapter)
            make_member(city)
            if i % 3 == 0:
                make_project([city], [startup], start=dt.date(2025, 1, 1))
            elif i % 3 == 1:
                make_project([city], [startup], status=Project.Status.IDEA)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("staff_commitment"), {"year": 2025})
            assert response.status_code == 200
        return len(queries), response

    build(3)
    small, _response = count()
    build(9)
    large, response = count()
    assert small == large
    body = response.content.decode()
    assert "Meets the commitment" in body and "At risk" in body and "Does not meet" in body


def test_staff_page_shows_only_chapters_the_user_runs(client, chapter, city):
    other = ChapterFactory(name="CIIAR Argentina", slug="ciiar", country="AR")
    rosario = MunicipalityFactory(name="Rosario", chapter=other, country="AR")
    make_member(rosario)
    staff = ChapterStaffFactory(chapter=chapter).user
    enable_totp(staff)
    client.force_login(staff)
    body = client.get(reverse("staff_commitment"), {"chapter": "ciiar", "year": "x"}).content
    assert b"La Serena" in body and b"Rosario" not in body
    client.force_login(OfficerFactory(municipality=city).user)
    assert client.get(reverse("staff_commitment")).status_code == 403


# --- Reminders -----------------------------------------------------------------------------


def at_santiago(year, month, day, hour=12):
    # Santiago is UTC-3 in October (summer time): noon local is 15:00 UTC.
    return dt.datetime(year, month, day, hour + 3, tzinfo=dt.UTC)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the service and the e-mails it queues after commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return commitment_reminders_send_due(now=now)

    return run


@pytest.fixture
def officers(city):
    spanish = OfficerFactory(municipality=city, user__language="es").user
    english = OfficerFactory(municipality=city, user__language="en").user
    return spanish, english


def test_no_reminder_before_the_configured_date(settings, city, officers, send):
    settings.COMMITMENT_REMINDER_DATE = "10-01"
    assert send(at_santiago(2026, 9, 30, 20)) == 0
    assert mail.outbox == []
    assert not CommitmentReminderSent.objects.exists()


def test_reminder_once_a_year_in_each_officers_language(
    settings, city, officers, send, monkeypatch
):
    from coalition import emails

    settings.COMMITMENT_REMINDER_DATE = "10-01"
    rendered_languages = []
    real_render = emails.render_email

    def spy(*, template, context, language):
        rendered_languages.append(language)
        return real_render(template=template, context=context, language=language)

    monkeypatch.setattr(emails, "render_email", spy)
    # 1 October 00:30 in Santiago is still 30 September in UTC: the chapter's day counts.
    first_minute = dt.datetime(2026, 10, 1, 3, 30, tzinfo=dt.UTC)
    assert send(first_minute) == 1
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    _spanish, english = officers
    assert "La Serena" in by_recipient[english.email].subject
    assert "commitment" in by_recipient[english.email].subject
    # Each message is rendered in its recipient's language (the worker reads user.language).
    assert sorted(rendered_languages) == ["en", "es"]
    # Later ticks the same year send nothing more.
    assert send(at_santiago(2026, 10, 2)) == 0
    assert send(at_santiago(2026, 12, 31)) == 0
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="commitment.remind").count() == 1
    # Next year, again once.
    assert send(at_santiago(2027, 10, 1)) == 1
    assert len(mail.outbox) == 4


def test_no_reminder_for_a_city_that_meets_it_or_a_former_member(
    settings, city, officers, startup, chapter, send
):
    settings.COMMITMENT_REMINDER_DATE = "10-01"
    make_project([city], [startup], start=dt.date(2026, 2, 1), visibility="draft")
    former = MunicipalityFactory(chapter=chapter)
    OfficerFactory(municipality=former)
    assert send(at_santiago(2026, 10, 5)) == 0
    assert mail.outbox == []


def test_the_date_is_configurable(settings, city, officers, send):
    settings.COMMITMENT_REMINDER_DATE = "06-15"
    assert reminder_day(2026) == dt.date(2026, 6, 15)
    assert send(at_santiago(2026, 6, 14)) == 0
    assert send(at_santiago(2026, 6, 15)) == 1
    settings.COMMITMENT_REMINDER_DATE = "garbage"
    assert reminder_day(2026) == dt.date(2026, 10, 1)


def test_the_task_runs_the_service(settings, city, officers, monkeypatch):
    from projects import tasks

    monkeypatch.setattr(
        "projects.commitment_reminders.timezone.now", lambda: at_santiago(2026, 11, 1)
    )
    assert tasks.send_commitment_reminders() == 1
    assert tasks.send_commitment_reminders() == 0


def test_beat_schedule_has_the_task(settings):
    from django.conf import settings as live

    tasks = {entry["task"] for entry in live.CELERY_BEAT_SCHEDULE.values()}
    assert "projects.tasks.send_commitment_reminders" in tasks


def test_inactive_users_get_nothing(settings, city, send):
    user = UserFactory(is_active=False)
    OfficerFactory(municipality=city, user=user)
    assert send(at_santiago(2026, 10, 1)) == 1
    assert mail.outbox == []


# --- The directory's filter ----------------------------------------------------------------


def test_directory_filter_with_an_active_project(client, chapter, startup):
    from django.utils import timezone

    this_year = timezone.localdate().year
    active = MunicipalityFactory(name="Activa", chapter=chapter)
    draft_only = MunicipalityFactory(name="Solo borrador", chapter=chapter)
    idle = MunicipalityFactory(name="Sin proyecto", chapter=chapter)
    old = MunicipalityFactory(name="Antigua", chapter=chapter)
    make_project([active], [startup], start=dt.date(this_year, 1, 1))
    make_project([draft_only], [startup], start=dt.date(this_year, 1, 1), visibility="draft")
    make_project([old], [startup], start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    url = reverse("directory")
    body = client.get(url, {"active_project": "on"}).content.decode()
    assert "Activa" in body
    for name in ("Solo borrador", "Sin proyecto", "Antigua"):
        assert name not in body
    assert "Sin proyecto" in client.get(url).content.decode()
    # The cached directory notices a newly published project.
    project = make_project([idle], [startup], start=dt.date(this_year, 1, 1), visibility="draft")
    assert "Sin proyecto" not in client.get(url, {"active_project": "on"}).content.decode()
    project.visibility = "published"
    project.save()
    assert "Sin proyecto" in client.get(url, {"active_project": "on"}).content.decode()


def test_directory_filter_keeps_a_constant_number_of_queries(client, chapter, startup):
    from django.utils import timezone

    this_year = timezone.localdate().year

    def build(n):
        for _ in range(n):
            city = MunicipalityFactory(chapter=chapter)
            make_project([city], [startup], start=dt.date(this_year, 1, 1))

    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("directory"), {"active_project": "on"}).status_code == 200
        return len(queries)

    build(2)
    small = count()
    build(6)
    assert count() == small
