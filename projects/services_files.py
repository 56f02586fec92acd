"""Attachments of a project: PDFs checked like application documents (calls.pdfcheck), kept in
private storage and served only through a permission-checked view."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from coalition.audit import record_event
from coalition.models import User
from projects.access import project_chapter_id
from projects.models import Project, ProjectAttachment

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_PAGES = 200
MAX_ATTACHMENTS = 20


def project_upload_attachment(
    *, project: Project, actor: User, title: str, upload: UploadedFile
) -> ProjectAttachment:
    """Check the PDF (real PDF, size, pages, no active content) and attach it. A refused file
    changes nothing. The check runs before the transaction (it takes time)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from calls.pdfcheck import inspect_pdf

    if project.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A project keeps at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS}
        )
    facts = inspect_pdf(
        upload,
        max_bytes=ATTACHMENT_MAX_BYTES,
        max_pages=ATTACHMENT_MAX_PAGES,
        moment=timezone.now(),
    )
    upload.seek(0)
    attachment = ProjectAttachment(
        project=project,
        title=title.strip() or upload.name[:200],
        original_name=upload.name[:255],
        size=facts.size,
        pages=facts.pages,
        sha256=facts.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(f"attachment-{facts.sha256[:16]}.pdf", upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
            record_event(
                actor=actor,
                action="project.attachment_add",
                target=project,
                chapter=project_chapter_id(project),
                details={"title": attachment.title, "pages": facts.pages, "sha256": facts.sha256},
            )
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def project_remove_attachment(*, attachment: ProjectAttachment, actor: User) -> None:
    project = attachment.project
    name, storage = attachment.file.name, attachment.file.storage
    title = attachment.title
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record_event(
        actor=actor,
        action="project.attachment_remove",
        target=project,
        chapter=project_chapter_id(project),
        details={"title": title},
    )
