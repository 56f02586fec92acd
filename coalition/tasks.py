"""Thin Celery tasks: load by id, call a service or a helper."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from celery import shared_task
from django.conf import settings

from coalition import emails, outbox, services
from coalition.models import User
from coalition.storage import transient_storage_errors

logger = logging.getLogger(__name__)

# An e-mail waits for the mail server for about a day: 30 s, 1 min, 2 min ... then hourly
# (EMAIL_RETRY_WAIT_SECONDS is the first wait). The longest wait stays below the broker's
# visibility timeout (settings), or Redis would hand the waiting message to a second worker.
MAIL_RETRIES = 30
MAIL_LONGEST_WAIT = 60 * 60
# The server answered and refused this message: trying again would be refused again.
PERMANENT_SMTP_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def retry_mail_later(task, error: Exception) -> None:
    """Retry a delivery that failed on the connection (server down, timeout, refused
    connection, 4xx answer) with a growing wait. Run in process (no broker), the error
    propagates instead, and `coalition.outbox` keeps the task for later."""
    if task.request.is_eager or isinstance(error, PERMANENT_SMTP_ERRORS):
        raise error
    wait = min(settings.EMAIL_RETRY_WAIT_SECONDS * 2**task.request.retries, MAIL_LONGEST_WAIT)
    logger.warning("Mail server unavailable (%s); retrying in %s s", error, wait)
    raise task.retry(exc=error, countdown=wait, max_retries=MAIL_RETRIES)


@shared_task(bind=True)
def deliver_email(self, payload: dict[str, Any]) -> None:
    try:
        emails.deliver(**payload)
    except OSError as error:  # smtplib's errors are OSErrors too
        retry_mail_later(self, error)


@shared_task(bind=True)
def send_user_email(
    self,
    user_id: int,
    template: str,
    context: dict[str, Any],
    attachments: list[str] | None = None,
) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    message = emails.render_email(template=template, context=context, language=user.language)
    # Retried when the mail server fails on the connection (smtplib's errors are OSErrors)
    # or the storage the attachments are read from (a receipt) cannot be reached.
    try:
        emails.deliver(to=[user.email], attachments=attachments, **message)
    except transient_storage_errors() as error:
        retry_mail_later(self, error)


@shared_task
def render_coalition_summary(document_id: int) -> None:
    services.coalition_summary_render(document_id=document_id)


@shared_task
def purge_old_documents() -> int:
    return services.generated_documents_purge()


@shared_task
def dispatch_queued_tasks() -> int:
    return outbox.dispatch_due()
