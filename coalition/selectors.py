"""Reads for coalition-level pages, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from coalition.models import AuditEvent, Chapter, GeneratedDocument, User
from coalition.permissions import roles_of


@dataclass(frozen=True)
class CoalitionSummary:
    chapters: list[Chapter]
    user_count: int
    municipality_count: int
    approved_officer_count: int


def coalition_summary() -> CoalitionSummary:
    from municipalities.models import Municipality, Officer

    chapters = list(
        Chapter.objects.annotate(
            staff_count=Count("staff", distinct=True),
            call_count=Count("calls", distinct=True),
        ).order_by("name")
    )
    return CoalitionSummary(
        chapters=chapters,
        user_count=User.objects.filter(is_active=True).count(),
        municipality_count=Municipality.objects.count(),
        approved_officer_count=Officer.objects.filter(status=Officer.Status.APPROVED).count(),
    )


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Events of the chapters the user runs, plus coalition-wide ones; all for superusers."""
    events = AuditEvent.objects.select_related("chapter", "actor")
    roles = roles_of(user)
    if roles.is_superuser:
        return events
    return events.filter(chapter_id__in=roles.staff_chapter_ids) | events.filter(
        chapter__isnull=True, actor=user
    )


def recent_generated_documents(*, kind: str, limit: int = 10) -> list[GeneratedDocument]:
    return list(GeneratedDocument.objects.filter(kind=kind).select_related("requested_by")[:limit])
