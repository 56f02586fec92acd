"""Thin Celery tasks of projects."""

from celery import shared_task

from projects.commitment_reminders import commitment_reminders_send_due


@shared_task
def send_commitment_reminders() -> int:
    return commitment_reminders_send_due()
