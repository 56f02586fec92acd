"""Writes for calls and applications. Views and tasks call these; nothing else saves them.

Every function is atomic, checks the rules that hold whatever the browser sends (deadline,
state, version), records its audit event and enqueues its tasks after commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import (
    Application,
    Call,
    Document,
)
from calls.selectors import application_officers, missing_items
from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import User
from coalition.outbox import enqueue
from coalition.storage import delete_after_commit, transient_storage_errors
from municipalities.models import Municipality

logger = logging.getLogger(__name__)


FORM_FIELDS = [
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "innovation_unit",
    "innovation_team",
    "digital_plan",
    "initiatives",
    "motivation",
]


class DeadlinePassed(ValidationError):
    pass


class EditConflict(ValidationError):
    """Someone else saved the application since this editor loaded it."""


def ensure_open(call: Call, now=None) -> None:
    if not call.is_open(now):
        raise DeadlinePassed(_("This call is closed: nothing can be changed or submitted."))


def ensure_editable(application: Application) -> None:
    if not application.is_editable:
        raise ValidationError(
            _("This application has been %(status)s and can no longer be edited.")
            % {"status": application.get_status_display().lower()}
        )


def lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("call", "municipality")
        .get(pk=application.pk)
    )


def change_status(
    application: Application,
    *,
    actor: User,
    to: str,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Move a locked application to status `to`, save it and record the audit event."""
    previous = application.status
    application.status = to
    application.version += 1
    application.save()
    record_event(
        actor=actor,
        action=action,
        target=application,
        chapter=application.call.chapter_id,
        from_state=previous,
        to_state=to,
        details=details,
    )


def email_officers(
    application: Application,
    *,
    template: str,
    attachments: list[str] | None = None,
    **context: Any,
) -> None:
    """E-mail every approved officer of the applying city, each in their own language."""
    context = {
        "call": application.call.title,
        "municipality": application.municipality.name,
        "application_id": application.pk,
        **context,
    }
    for officer in application_officers(application):
        send_email_to_user(
            user=officer, template=template, context=context, attachments=attachments
        )


@transaction.atomic
def application_start(*, call: Call, municipality: Municipality, actor: User) -> Application:
    """Start (or return) the municipality's application, prefilled from its profile."""
    ensure_open(call)
    if municipality.chapter_id != call.chapter_id:
        raise ValidationError(
            _("This call is for the municipalities of %(chapter)s.") % {"chapter": call.chapter}
        )
    existing = Application.objects.filter(call=call, municipality=municipality).first()
    if existing:
        return existing
    application = Application(
        call=call,
        municipality=municipality,
        created_by=actor,
        contact_name=actor.full_name,
        contact_email=actor.email,
        innovation_unit=municipality.innovation_unit_name,
        innovation_team=(
            _("%(count)s people, led by %(head)s")
            % {
                "count": municipality.innovation_team_size,
                "head": municipality.innovation_unit_head,
            }
            if municipality.innovation_team_size and municipality.innovation_unit_head
            else ""
        ),
        digital_plan=municipality.digital_plan_url,
        initiatives=municipality.ai_initiatives,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Another officer of the same city started it a moment ago.
        return Application.objects.get(call=call, municipality=municipality)
    record_event(
        actor=actor,
        action="application.start",
        target=application,
        chapter=call.chapter_id,
        to_state=application.status,
    )
    return application


@transaction.atomic
def application_save_draft(
    *, application: Application, actor: User, version: int, data: dict[str, Any]
) -> Application:
    """Save form fields, declarations and answers. `version` is what the editor loaded;
    if someone saved since, nothing is written and EditConflict says who."""
    application = lock(application)
    ensure_open(application.call)
    ensure_editable(application)
    if version != application.version:
        raise EditConflict(
            _(
                "Someone else saved this application at %(time)s. Reload the page to see "
                "their changes; yours have not been saved."
            )
            % {"time": timezone.localtime(application.updated_at).strftime("%H:%M:%S")}
        )
    for field in FORM_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    if "declarations" in data:
        application.declarations = data["declarations"]
    if "answers" in data:
        application.answers = data["answers"]
    application.version += 1
    application.save()
    return application


def application_upload_document(
    *,
    application: Application,
    actor: User,
    kind: str,
    upload: UploadedFile,
    replaces: int | None = None,
) -> Document:
    """Check an uploaded PDF and attach it. A refused file changes nothing: the previous
    valid document of that kind stays.

    `replaces` is the id of the letter or report the uploader saw in the slot (0 for an empty
    slot; None skips the check): when someone else filled the slot meanwhile, the upload is
    refused with a message instead of silently throwing their file away.
    """
    from calls.pdfcheck import inspect_pdf
    from calls.signatures import trust_roots_for

    # Checking and storing the file take time: both happen before the transaction, so that
    # the application's row (and on SQLite the whole database) is locked only for the writes.
    ensure_open(application.call)
    ensure_editable(application)
    call = application.call
    facts = inspect_pdf(
        upload,
        max_bytes=call.max_upload_bytes,
        max_pages=call.report_page_limit if kind == Document.Kind.REPORT else None,
        trust_roots=trust_roots_for(call.chapter.slug),
        moment=timezone.now(),
    )
    upload.seek(0)
    document = Document(
        application=application,
        kind=kind,
        original_name=upload.name[:255],
        size=facts.size,
        pages=facts.pages,
        sha256=facts.sha256,
        signature=facts.signature,
        signer_name=facts.signer_name,
        signed_at=facts.signed_at,
        uploaded_by=actor,
    )
    try:
        document.file.save(f"{kind}-{facts.sha256[:16]}.pdf", upload, save=False)
    except transient_storage_errors() as error:
        logger.error("Upload to application %s not stored: %s", application.pk, error)
        raise ValidationError(
            _("The file could not be stored just now; please upload it again in a minute.")
        ) from error
    try:
        with transaction.atomic():
            attach_document(document, replaces=replaces)
    except IntegrityError as error:
        # The unique constraint caught a concurrent upload the lock did not serialise.
        document.file.storage.delete(document.file.name)
        raise ValidationError(slot_taken_message()) from error
    except BaseException:
        # A refused or failed attachment leaves no orphan file behind.
        document.file.storage.delete(document.file.name)
        raise
    return document


def slot_taken_message() -> str:
    return _(
        "Someone uploaded another file here while you were choosing yours: check it, and "
        "upload yours again if it should replace it."
    )


def attach_document(document: Document, *, replaces: int | None) -> None:
    """Inside a transaction: lock the application, check it is still open and the slot is as
    the uploader saw it, replace the previous letter or report, save and audit."""
    application = lock(document.application)
    ensure_open(application.call)
    ensure_editable(application)
    call = application.call
    kind = document.kind
    if kind == Document.Kind.ANNEX:
        if application.documents.filter(kind=kind).count() >= call.max_annexes:
            raise ValidationError(
                _("This call accepts at most %(count)s annexes.") % {"count": call.max_annexes}
            )
    else:
        previous_documents = list(application.documents.filter(kind=kind))
        current = previous_documents[0].pk if previous_documents else 0
        if replaces is not None and replaces != current:
            raise ValidationError(slot_taken_message())
        for previous in previous_documents:
            # The old file goes only once the new one is committed: a rollback keeps it.
            delete_after_commit(previous.file.storage, [previous.file.name])
            previous.delete()
    document.application = application
    document.save()
    # Documents are not part of the typed form: an upload leaves `version` alone, so an
    # officer typing while a colleague (or their own other tab) uploads is not refused.
    application.save(update_fields=["updated_at"])
    record_event(
        actor=document.uploaded_by,
        action="application.upload",
        target=application,
        chapter=call.chapter_id,
        details={"kind": kind, "pages": document.pages, "sha256": document.sha256},
    )


@transaction.atomic
def application_remove_annex(*, document: Document, actor: User) -> None:
    application = lock(document.application)
    ensure_open(application.call)
    ensure_editable(application)
    if document.kind != Document.Kind.ANNEX:
        raise ValidationError(_("Only annexes can be removed; replace the other documents."))
    document.file.delete(save=False)
    document.delete()
    application.save(update_fields=["updated_at"])


def content_hash(application: Application) -> str:
    """SHA-256 of what was submitted: form, declarations, answers and document hashes."""
    payload = {
        "form": {field: getattr(application, field) for field in FORM_FIELDS},
        "declarations": application.declarations,
        "answers": application.answers,
        "documents": sorted((d.kind, d.sha256) for d in application.documents.all()),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    """Submit: read-only from now on, timed and hashed; officers get an e-mail and a PDF
    receipt. Submitting an already submitted application changes nothing."""
    from calls import tasks

    application = lock(application)
    if application.status == Application.Status.SUBMITTED:
        return application
    ensure_open(application.call)
    ensure_editable(application)
    missing = missing_items(application)
    if missing:
        raise ValidationError(
            [_("Before submitting, complete: %(item)s") % {"item": item.label} for item in missing]
        )
    # A resubmission (after a reopening) gets a new receipt: the old one shows the old hash.
    stale_receipt = application.receipt.name if application.receipt else ""
    application.receipt = ""
    application.submitted_at = timezone.now()
    application.content_hash = content_hash(application)
    application.reopen_reason = ""
    change_status(
        application,
        actor=actor,
        to=Application.Status.SUBMITTED,
        action="application.submit",
        details={"content_hash": application.content_hash},
    )
    if stale_receipt:
        delete_after_commit(application.receipt.storage, [stale_receipt])
    application_id = application.pk
    # Through the outbox: with the broker down the submission still answers, and the
    # receipt follows once it is back.
    enqueue(tasks.send_submission_receipt, application_id)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User) -> Application:
    application = lock(application)
    if application.status == Application.Status.WITHDRAWN:
        return application
    ensure_open(application.call)
    if application.status not in (*Application.EDITABLE, Application.Status.SUBMITTED):
        raise ValidationError(_("This application can no longer be withdrawn."))
    change_status(
        application, actor=actor, to=Application.Status.WITHDRAWN, action="application.withdraw"
    )
    return application


@transaction.atomic
def application_screen(
    *, application: Application, actor: User, eligible: bool, reason: str
) -> Application:
    """Staff decide whether a submitted application meets the call's requirements."""
    application = lock(application)
    if application.status not in Application.SUBMITTED_STATES:
        raise ValidationError(_("Only submitted applications can be screened."))
    if not eligible and not reason.strip():
        raise ValidationError(_("Give the reason why the application is ineligible."))
    application.screening_reason = reason.strip()
    change_status(
        application,
        actor=actor,
        to=Application.Status.ELIGIBLE if eligible else Application.Status.INELIGIBLE,
        action="application.screen",
        details={"reason": application.screening_reason},
    )
    return application


@transaction.atomic
def application_reopen(*, application: Application, actor: User, reason: str) -> Application:
    """Staff send a submitted application back to its officers for correction."""
    application = lock(application)
    if application.status not in Application.SUBMITTED_STATES:
        raise ValidationError(_("Only submitted applications can be reopened."))
    if not reason.strip():
        raise ValidationError(_("Tell the officers what to correct."))
    application.reopen_reason = reason.strip()
    change_status(
        application,
        actor=actor,
        to=Application.Status.REOPENED,
        action="application.reopen",
        details={"reason": application.reopen_reason},
    )
    email_officers(application, template="application_reopened", reason=application.reopen_reason)
    return application
