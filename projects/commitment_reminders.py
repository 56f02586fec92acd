"""From a configurable day of the year (setting COMMITMENT_REMINDER_DATE, "MM-DD", default
"10-01" for 1 October, read in each chapter's time zone), the officers of member cities that
do not yet meet the yearly commitment get one reminder e-mail, in their own language.

Exactly once per city and year: the CommitmentReminderSent row is created in the same
transaction as the e-mails are queued (through the outbox), and its unique constraint makes a
second beat tick or a retried task skip the city.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import Chapter, User
from projects.commitment import cities_without_commitment
from projects.models import CommitmentReminderSent


def reminder_day(year: int) -> dt.date:
    """The first day of `year` on which reminders go out (COMMITMENT_REMINDER_DATE)."""
    text = getattr(settings, "COMMITMENT_REMINDER_DATE", "10-01") or "10-01"
    try:
        month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, 10, 1)


def _officers(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            officer_links__municipality_id=municipality_id,
            officer_links__status="approved",
            is_active=True,
        ).order_by("pk")
    )


def commitment_reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Remind the officers of each chapter's member cities without a counting project this
    year, once the chapter's local date reaches the reminder day. Returns the cities reminded."""
    now = now or timezone.now()
    reminded = 0
    for chapter in Chapter.objects.order_by("pk"):
        today = now.astimezone(ZoneInfo(chapter.time_zone)).date()
        if today < reminder_day(today.year):
            continue
        year = today.year
        due = (
            cities_without_commitment(chapter.pk, year)
            .exclude(pk__in=CommitmentReminderSent.objects.filter(year=year).values("municipality"))
            .order_by("pk")
        )
        for city in due:
            try:
                with transaction.atomic():
                    CommitmentReminderSent.objects.create(municipality=city, year=year)
                    for officer in _officers(city.pk):
                        send_email_to_user(
                            user=officer,
                            template="commitment_reminder",
                            context={"municipality": city.name, "year": year},
                        )
                    record_event(
                        actor=None,
                        action="commitment.remind",
                        target=city,
                        chapter=chapter.pk,
                        details={"year": year},
                    )
            except IntegrityError:  # another tick got there first
                continue
            reminded += 1
    return reminded
