"""Conflict detection when an application becomes eligible.

`calls` screens applications and knows nothing of the committee above it; the committee app
listens instead, so that a member added before screening is still flagged at once.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from calls.models import Application


@receiver(post_save, sender=Application, dispatch_uid="review_detect_conflicts")
def detect_conflicts_when_eligible(sender, instance: Application, raw=False, **kwargs) -> None:
    if raw or instance.status != Application.Status.ELIGIBLE:
        return
    from calls.review import conflicts

    conflicts.detect_for_application(instance)
