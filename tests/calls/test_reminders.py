"""Deadline reminders: 7, 3 and 1 days before closing, each once, to the officers of drafts
only, in each officer's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext

from calls import background, services, tasks
from calls.models import ReminderSent
from coalition.instants import zone_name
from municipalities.models import Officer
from tests.calls.helpers import fill_in, make_call
from tests.factories import MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db

SANTIAGO = ZoneInfo("America/Santiago")
CLOSES = datetime(2026, 12, 31, 23, 59, tzinfo=SANTIAGO)  # 2027-01-01 02:59 UTC


@pytest.fixture
def reminder_call(clock, chapter, staff_user):
    clock.set(CLOSES - timedelta(days=20))
    return make_call(
        chapter,
        staff_user,
        slug="recordatorios",
        title="Convocatoria CIAR 2027",
        opens_at=CLOSES - timedelta(days=30),
        closes_at=CLOSES,
    )


@pytest.fixture
def draft(reminder_call, municipality, officer, second_officer):
    officer.language = "es"
    officer.save(update_fields=["language"])
    second_officer.language = "en"
    second_officer.save(update_fields=["language"])
    return services.application_start(call=reminder_call, municipality=municipality, actor=officer)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the reminders at `now` and deliver the e-mail they queue; returns what was sent."""

    def run(now) -> list:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            background.reminders_send_due(now=now)
        return list(mail.outbox)

    return run


def recipients(messages) -> list[str]:
    return sorted(m.to[0] for m in messages)


def test_each_step_is_sent_once_however_often_it_runs(run, draft, officer, second_officer):
    both = sorted([officer.email, second_officer.email])
    assert run(CLOSES - timedelta(days=8)) == []

    seven = CLOSES - timedelta(days=7)
    assert recipients(run(seven)) == both
    assert run(seven) == []  # a second beat tick at the same time
    assert run(seven + timedelta(hours=1)) == []
    assert run(CLOSES - timedelta(days=3, seconds=1)) == []  # still the 7-day step

    three = CLOSES - timedelta(days=3)
    assert recipients(run(three)) == both
    assert run(three) == []
    assert run(three + timedelta(days=1)) == []

    one = CLOSES - timedelta(hours=23)
    assert recipients(run(one)) == both
    assert run(one) == []
    assert run(CLOSES - timedelta(minutes=5)) == []
    assert run(CLOSES + timedelta(minutes=5)) == []  # closed: nothing more

    steps = sorted(ReminderSent.objects.values_list("user__email", "days_before"))
    assert steps == sorted((email, days) for email in both for days in (7, 3, 1))


def test_a_retried_run_does_not_send_twice(run, draft, officer, second_officer):
    """The first run fails half-way (the second e-mail cannot be queued); the retry sends
    what is missing, and only that."""
    now = CLOSES - timedelta(days=7)
    real = background.send_email_to_user
    reached = []

    def flaky(*, user, **kwargs):
        reached.append(user.email)
        if len(reached) == 2:
            raise ConnectionError("broker unreachable")
        return real(user=user, **kwargs)

    with (
        mock.patch.object(background, "send_email_to_user", side_effect=flaky),
        pytest.raises(ConnectionError),
    ):
        run(now)
    first, failed = reached
    assert recipients(mail.outbox) == [first]
    assert list(ReminderSent.objects.values_list("user__email", flat=True)) == [first]

    assert recipients(run(now)) == [failed]
    assert run(now) == []
    assert ReminderSent.objects.filter(days_before=7).count() == 2


def test_the_beat_task_uses_the_current_time(clock, run, draft, officer, second_officer):
    clock.set(CLOSES - timedelta(days=1))
    mail.outbox.clear()
    assert tasks.send_deadline_reminders.apply().get() == 2
    assert tasks.send_deadline_reminders.apply().get() == 0
    assert ReminderSent.objects.get(user=officer).days_before == 1


def test_a_late_start_gets_only_the_closest_step(run, reminder_call, municipality, officer):
    """An application started two days before closing gets one reminder, not three."""
    now = CLOSES - timedelta(days=2)
    services.application_start(call=reminder_call, municipality=municipality, actor=officer)
    assert len(run(now)) == 1
    assert list(ReminderSent.objects.values_list("days_before", flat=True)) == [3]


def test_no_reminder_for_submitted_or_withdrawn_applications(
    run, clock, reminder_call, chapter, staff_user
):
    def city(name):
        municipality = MunicipalityFactory(chapter=chapter, name=name)
        officer = OfficerFactory(municipality=municipality).user
        application = services.application_start(
            call=reminder_call, municipality=municipality, actor=officer
        )
        return application, officer

    submitted, submitter = city("Enviada")
    fill_in(submitted, submitter)
    services.application_submit(application=submitted, actor=submitter)
    withdrawn, withdrawer = city("Retirada")
    services.application_withdraw(application=withdrawn, actor=withdrawer)
    draft, drafter = city("Borrador")
    # A pending officer of the draft's city is not an officer yet: no reminder either.
    OfficerFactory(municipality=draft.municipality, status=Officer.Status.PENDING)
    # Nor a deactivated account.
    gone = OfficerFactory(municipality=draft.municipality).user
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    sent = run(CLOSES - timedelta(days=7))
    assert recipients(sent) == [drafter.email]


def test_a_reopened_application_is_reminded(run, draft, officer, second_officer, staff_user):
    fill_in(draft, officer)
    services.application_submit(application=draft, actor=officer)
    assert run(CLOSES - timedelta(days=7)) == []
    services.application_reopen(application=draft, actor=staff_user, reason="Falta la firma")
    assert len(run(CLOSES - timedelta(days=3))) == 2


def test_draft_calls_send_no_reminders(run, clock, chapter, staff_user, municipality, officer):
    clock.set(CLOSES - timedelta(days=20))
    call = make_call(
        chapter,
        staff_user,
        slug="no-publicada",
        opens_at=CLOSES - timedelta(days=30),
        closes_at=CLOSES,
        publish=False,
    )
    from calls.models import Application

    Application.objects.create(call=call, municipality=municipality)
    assert run(CLOSES - timedelta(days=1)) == []


def expected_subject(language: str, days: int) -> str:
    with translation.override(language):
        return ngettext(
            "%(call)s closes in %(days)s day", "%(call)s closes in %(days)s days", days
        ) % {"call": "Convocatoria CIAR 2027", "days": days}


def test_reminders_are_written_in_each_officer_language(run, draft, officer, second_officer):
    sent = {m.to[0]: m for m in run(CLOSES - timedelta(days=7))}
    spanish, english = sent[officer.email], sent[second_officer.email]

    assert english.subject == "Convocatoria CIAR 2027 closes in 7 days"
    assert "Dec. 31, 2026, 11:59 p.m. (Santiago time)" in english.body
    assert "Peñalolén" in english.body
    assert f"/applications/{draft.pk}/" in english.body

    assert spanish.subject == expected_subject("es", 7)
    # The closing instant in Santiago's time, written the Spanish way.
    with translation.override("es"):
        zone = zone_name("America/Santiago")  # "hora de Santiago" once translated
    assert f"31 de diciembre de 2026 a las 23:59 ({zone})" in spanish.body
    [(html, _mimetype)] = spanish.alternatives
    assert '<html lang="es">' in html
    assert "diciembre" in html


def test_the_closing_instant_in_utc_is_what_is_compared(run, draft):
    """31 Dec 23:59 in Santiago is 1 Jan 02:59 UTC: the one-day step starts at 31 Dec 02:59
    UTC, not at a naive local midnight."""
    assert draft.call.closes_at == datetime(2027, 1, 1, 2, 59, tzinfo=UTC)
    just_before = datetime(2026, 12, 31, 2, 58, tzinfo=UTC)
    run(just_before)
    assert not ReminderSent.objects.filter(days_before=1).exists()
    run(just_before + timedelta(minutes=1))
    assert ReminderSent.objects.filter(days_before=1).count() == 2
