"""Queue Celery tasks after commit without losing them and without failing the request.

`transaction.on_commit(task.delay)` raised into the request when Redis was down (a 500 after
the submission had been committed), and the task was lost. Instead, `enqueue` records the
task in a row of the same transaction (an outbox) and, once committed, hands it to the broker
and deletes the row. If the broker refuses, the error is logged, the request answers normally,
and `dispatch_due` (run every minute by Celery beat) sends the row once the broker is back.
A task may then run twice in rare cases (sent, but the row not yet deleted): the tasks are
idempotent (receipts and dossiers check what exists) or harmless to repeat (an e-mail).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coalition.celery import app
from coalition.models import QueuedTask

logger = logging.getLogger(__name__)

# The sweep leaves younger rows to the request that wrote them (it may be sending them now).
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_BATCH = 200


def enqueue(task: Any, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits. `args` must be JSON."""
    row = QueuedTask.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: send(row.pk, task.name, list(args)))


def send(row_id: int, name: str, args: list[Any]) -> bool:
    """Hand one task to the broker; delete its row if it was taken. Never raises."""
    try:
        app.tasks[name].apply_async(args=args)
    except Exception as error:
        # Broker down (or, with tasks run in process, the task itself failed): keep the row.
        logger.warning("Could not queue %s; it stays in the outbox: %s", name, error)
        QueuedTask.objects.filter(pk=row_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    QueuedTask.objects.filter(pk=row_id).delete()
    return True


def dispatch_due(*, older_than: timedelta = SWEEP_AFTER) -> int:
    """Send the queued tasks older than `older_than`; return how many the broker took."""
    cutoff = timezone.now() - older_than
    sent = 0
    pending = QueuedTask.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True)
    for row_id in list(pending[:SWEEP_BATCH]):
        with transaction.atomic():
            # Two sweeps at once (two beat ticks, two workers) do not send a row twice.
            row = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=row_id).first()
            if row is None:
                continue
            if not send(row.pk, row.task, row.args):
                break  # the broker is still down: the next tick tries again
            sent += 1
    return sent
