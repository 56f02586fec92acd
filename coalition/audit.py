"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


# --- Reading the log: each action as a sentence ----------------------------------------------
#
# Each app registers the sentences of its own actions from its AppConfig.ready(), so this base
# app never imports the apps above it. A sentence is a lazy translatable string with the
# placeholders %(actor)s (who) and %(target)s (the object's label at the time).

_SENTENCES: dict[str, Any] = {}

GENERIC_SENTENCE = _("%(actor)s made a change to %(target)s")
GENERIC_SENTENCE_NO_TARGET = _("%(actor)s made a change")


def register_actions(sentences: dict[str, Any]) -> None:
    """`{"application.submit": _("%(actor)s submitted the application of %(target)s")}`."""
    _SENTENCES.update(sentences)


def registered_actions() -> dict[str, Any]:
    return dict(_SENTENCES)


def actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return str(event.actor)
    if event.actor_email:
        return event.actor_email
    return str(pgettext_lazy("audit log actor", "The system"))


def describe(event: AuditEvent) -> str:
    """ "Camila Rojas submitted the application of Puente Alto — …", in the active language;
    an action nobody registered reads as a generic sentence, never as its code."""
    sentence = _SENTENCES.get(event.action)
    if sentence is None:
        sentence = GENERIC_SENTENCE if event.target_label else GENERIC_SENTENCE_NO_TARGET
    return str(sentence) % {"actor": actor_name(event), "target": event.target_label or "—"}


def state_label(event: AuditEvent, value: str) -> str:
    """The translated label of a state value, read from the `status` choices of the event's
    target model ("submitted" -> "Enviada"); the value itself when no choice matches."""
    if not value:
        return ""
    try:
        model = apps.get_model(event.target_type)
        choices = dict(model._meta.get_field("status").flatchoices)
    except (LookupError, ValueError, FieldDoesNotExist):
        return value
    return str(choices.get(value, value))
