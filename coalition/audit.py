"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from coalition.models import AuditEvent, Chapter


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    chapter: Chapter | int | None = None,
    from_state: str = "",
    to_state: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. Services call this inside their transaction.

    `action` is a stable dotted name such as "application.submit"; `details` must be JSON.
    `chapter` may be given as an id, which spares the caller a query.
    """
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_email=actor.email if is_person else "",
        chapter_id=chapter.pk if isinstance(chapter, Chapter) else chapter,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        from_state=from_state,
        to_state=to_state,
        details=details or {},
    )
