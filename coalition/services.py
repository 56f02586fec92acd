"""Writes at the coalition level. Views and tasks call these; nothing else saves the models."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import Chapter, GeneratedDocument, User
from coalition.outbox import enqueue
from coalition.pdf import render_pdf
from coalition.permissions import can_request_coalition_summary
from coalition.selectors import coalition_summary


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def coalition_summary_request(
    *, requested_by: User, language: str, chapter: Chapter | None
) -> GeneratedDocument:
    """Ask for a new summary PDF of `chapter` (None: every chapter, for a superuser); a
    Celery task renders it after commit."""
    from coalition import tasks

    if not can_request_coalition_summary(requested_by, chapter):
        raise PermissionDenied
    document = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY,
        requested_by=requested_by,
        chapter=chapter,
        language=language,
    )
    record_event(
        actor=requested_by,
        action="coalition_summary.request",
        target=document,
        chapter=chapter,
        to_state=document.status,
    )
    enqueue(tasks.render_coalition_summary, document.pk)
    return document


def coalition_summary_render(*, document_id: int) -> GeneratedDocument:
    """Render the summary PDF of a pending document. Safe to run twice."""
    document = GeneratedDocument.objects.select_related("chapter").get(pk=document_id)
    if document.status == GeneratedDocument.Status.READY:
        return document
    try:
        with translation.override(document.language):
            pdf = render_pdf(
                "pdf/coalition_summary.html",
                {
                    "summary": coalition_summary(chapter=document.chapter),
                    "generated_at": timezone.now(),
                },
            )
        page_count = len(PdfReader(ContentFile(pdf)).pages)
    except Exception:
        # Mark it failed so that the page stops waiting and staff can ask again.
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=GeneratedDocument.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == GeneratedDocument.Status.READY:
            return document
        document.file.save(f"coalition-summary-{document.pk}.pdf", ContentFile(pdf), save=False)
        document.page_count = page_count
        document.status = GeneratedDocument.Status.READY
        document.finished_at = timezone.now()
        document.save()
        record_event(
            actor=None,
            action="coalition_summary.render",
            target=document,
            chapter=document.chapter_id,
            from_state=GeneratedDocument.Status.PENDING,
            to_state=document.status,
            details={"pages": page_count},
        )
        if document.requested_by_id:
            send_email_to_user(
                user=document.requested_by,
                template="coalition_summary_ready",
                context={"document_id": document.pk, "pages": page_count},
            )
    return document


def generated_documents_purge(*, older_than_days: int = 30) -> int:
    """Delete generated PDFs past their useful life; they can always be rendered again."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    old = list(GeneratedDocument.objects.filter(requested_at__lt=cutoff))
    for document in old:
        document.file.delete(save=False)
        document.delete()
    return len(old)
