"""Reads for coalition-level pages, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from coalition.models import AuditEvent, Chapter, GeneratedDocument, User
from coalition.permissions import roles_of


@dataclass(frozen=True)
class CoalitionSummary:
    # None: every chapter (a superuser's summary of the whole coalition).
    chapter: Chapter | None
    chapters: list[Chapter]
    user_count: int
    municipality_count: int
    approved_officer_count: int


def coalition_summary(*, chapter: Chapter | None = None) -> CoalitionSummary:
    """The figures of one chapter, or of every chapter; each chapter with its cities."""
    from municipalities.models import Municipality, Officer

    chapters = Chapter.objects.all()
    municipalities = Municipality.objects.all()
    officers = Officer.objects.filter(status=Officer.Status.APPROVED)
    users = User.objects.filter(is_active=True)
    if chapter is not None:
        chapters = chapters.filter(pk=chapter.pk)
        municipalities = municipalities.filter(chapter=chapter)
        officers = officers.filter(municipality__chapter=chapter)
        # The chapter's people: its staff and the officers of its cities.
        users = users.filter(
            Q(chapter_roles__chapter=chapter) | Q(pk__in=officers.values("user_id"))
        ).distinct()
    chapters = chapters.annotate(
        staff_count=Count("staff", distinct=True),
        call_count=Count("calls", distinct=True),
    ).prefetch_related(
        Prefetch(
            "municipalities",
            queryset=Municipality.objects.filter(is_listed=True).order_by("name"),
            to_attr="listed_cities",
        )
    )
    return CoalitionSummary(
        chapter=chapter,
        chapters=list(chapters.order_by("name")),
        user_count=users.count(),
        municipality_count=municipalities.count(),
        approved_officer_count=officers.count(),
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


def coalition_summaries_visible_to(user, *, limit: int = 10) -> list[GeneratedDocument]:
    """The latest summaries of the chapters the user runs; every one for a superuser."""
    documents = GeneratedDocument.objects.filter(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY
    ).select_related("requested_by", "chapter")
    roles = roles_of(user)
    if not roles.is_superuser:
        documents = documents.filter(chapter_id__in=roles.staff_chapter_ids)
    return list(documents[:limit])
