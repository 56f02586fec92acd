"""Thin Celery tasks of the committee: load by id, call a service."""

from celery import shared_task

from calls.review import assignment
from calls.review.tasks_results import (  # noqa: F401  (registered with the worker from here)
    publish_due_results,
    render_committee_export,
)


@shared_task
def send_review_reminders() -> int:
    """Beat: reminders 3 and 1 days before the review deadline, each at most once."""
    return assignment.reminders_send_due()
