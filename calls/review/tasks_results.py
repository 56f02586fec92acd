"""Thin Celery tasks of the committee's results: load by id, call a service.

Imported by `calls.review.tasks` so that the worker registers them.
"""

from celery import shared_task

from calls.review import exports, publication


@shared_task
def publish_due_results() -> int:
    """Beat: publish approved results whose announcement instant has come (exactly once)."""
    return publication.results_publish_due()


@shared_task
def render_committee_export(export_id: int) -> None:
    exports.export_render(export_id=export_id)
