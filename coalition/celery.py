"""The Celery app: `celery -A coalition worker` and `celery -A coalition beat`."""

import logging
import os
import time

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")

app = Celery("coalition")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@task_prerun.connect
def announce_and_hold(task_id=None, task=None, **_kwargs) -> None:
    """With TASK_START_DELAY_SECONDS set (only the worker tests do), log that a task started
    and hold it there: the test then kills the worker while the task is in hand."""
    from django.conf import settings

    delay = getattr(settings, "TASK_START_DELAY_SECONDS", 0)
    if delay:
        logger.warning(
            "Task %s[%s] started in process %s; holding it %s s",
            task.name,
            task_id,
            os.getpid(),
            delay,
        )
        time.sleep(delay)
