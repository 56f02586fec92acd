"""Thin Celery tasks for calls: load by id, call a service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from calls import background
from coalition.storage import transient_storage_errors

# A lost database connection or a storage hiccup (the disk, or the object storage's server)
# must not lose a receipt or a dossier: retry with a growing wait (10 s, 20 s ... 10 min).
# Both services check what exists first, so a retry never sends or renders twice.
TRANSIENT = (OperationalError, InterfaceError, *transient_storage_errors())
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_submission_receipt(application_id: int) -> None:
    background.application_send_receipt(application_id=application_id)


@shared_task(**RETRY)
def render_dossier(application_id: int) -> None:
    background.application_render_dossier(application_id=application_id)


@shared_task
def send_deadline_reminders() -> int:
    return background.reminders_send_due()
