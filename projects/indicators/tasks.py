"""Thin Celery tasks of the indicators."""

from celery import shared_task

from projects.indicators import reminders


@shared_task
def send_reporting_reminders() -> int:
    return reminders.reporting_reminders_send_due()
