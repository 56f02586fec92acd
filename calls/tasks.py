"""Thin Celery tasks for calls: load by id, call a service."""

from celery import shared_task

from calls import services


@shared_task
def send_submission_receipt(application_id: int) -> None:
    services.application_send_receipt(application_id=application_id)


@shared_task
def render_dossier(application_id: int) -> None:
    services.application_render_dossier(application_id=application_id)


@shared_task
def send_deadline_reminders() -> int:
    return services.reminders_send_due()
