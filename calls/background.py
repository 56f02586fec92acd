"""What the worker does for calls: the receipt of a submission, the dossier, and the deadline
reminders. Each is safe to run twice (a retried or duplicated task changes nothing)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from calls.models import Application, Call, ReminderSent
from calls.selectors import application_officers
from calls.services import content_hash, email_officers
from coalition.emails import send_email_to_user

REMINDER_DAYS = (7, 3, 1)


def application_send_receipt(*, application_id: int) -> None:
    """Render the PDF receipt of a submission and e-mail it to the city's officers."""
    from calls.dossier import build_receipt

    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("call__chapter", "municipality")
            .get(pk=application_id)
        )
        # A receipt on file means this submission was already confirmed: a retried or
        # duplicated task sends nothing twice.
        if application.submitted_at is None or application.receipt:
            return
        pdf = build_receipt(application)
        application.receipt.save(f"receipt-{application.pk}.pdf", ContentFile(pdf), save=False)
        Application.objects.filter(pk=application.pk).update(receipt=application.receipt.name)
    email_officers(
        application,
        template="application_submitted",
        attachments=[application.receipt.name],
        content_hash=application.content_hash,
    )


def application_render_dossier(*, application_id: int) -> Application:
    """Render the dossier unless the one on file already matches the application."""
    from calls.dossier import build_dossier

    application = Application.objects.select_related("call__chapter", "municipality").get(
        pk=application_id
    )
    source = content_hash(application)
    if application.dossier and application.dossier_source_hash == source:
        return application
    pdf = build_dossier(application)
    old = application.dossier.name if application.dossier else ""
    application.dossier.save(f"dossier-{application.pk}.pdf", ContentFile(pdf), save=False)
    Application.objects.filter(pk=application.pk).update(
        dossier=application.dossier.name, dossier_source_hash=source
    )
    if old and old != application.dossier.name:
        application.dossier.storage.delete(old)
    application.dossier_source_hash = source
    return application


def reminders_send_due(*, now=None) -> int:
    """E-mail officers of unsubmitted drafts 7, 3 and 1 days before their call closes.

    Each (application, officer, step) is sent at most once: the row in ReminderSent is
    created first, inside the same transaction as the e-mail is queued, so a retried task or
    a second beat tick finds it and skips.
    """
    now = now or timezone.now()
    sent = 0
    drafts = (
        Application.objects.filter(
            status__in=Application.EDITABLE,
            call__status=Call.Status.PUBLISHED,
            call__opens_at__lte=now,
            call__closes_at__gt=now,
            call__closes_at__lte=now + timedelta(days=max(REMINDER_DAYS)),
        )
        .select_related("call__chapter", "municipality")
        .order_by("pk")
    )
    for application in drafts:
        remaining = application.call.closes_at - now
        due = [d for d in REMINDER_DAYS if remaining <= timedelta(days=d)]
        if not due:
            continue
        step = min(due)  # only the closest step: no burst of three on a late start
        for officer in application_officers(application):
            with transaction.atomic():
                _reminder, created = ReminderSent.objects.get_or_create(
                    application=application, user=officer, days_before=step
                )
                if not created:
                    continue
                send_email_to_user(
                    user=officer,
                    template="application_reminder",
                    context={
                        "call": application.call.title,
                        "municipality": application.municipality.name,
                        # The real number of days left: a late start gets "2 days", not the
                        # step's "3 days".
                        "days": max(1, remaining.days),
                        "closes_at": application.call.closes_at.isoformat(),
                        "time_zone": application.call.chapter.time_zone,
                        "application_id": application.pk,
                    },
                )
                sent += 1
    return sent
