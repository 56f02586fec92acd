"""E-mail: rendered in the recipient's language, plain text and HTML, sent by Celery."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from coalition.outbox import enqueue


def send_email_to_user(
    *, user, template: str, context: dict[str, Any], attachments: list[str] | None = None
) -> None:
    """Queue `emails/<template>_{subject.txt,body.txt,body.html}` for `user`.

    The message is rendered by the worker in the user's preferred language, once the current
    transaction has committed (through the outbox: a broker outage delays it, loses nothing).
    `context` must be JSON-serialisable; `attachments` are names of PDF files in the (private)
    default storage.
    """
    from coalition import tasks

    enqueue(tasks.send_user_email, user.pk, template, context, list(attachments or []))


def render_email(*, template: str, context: dict[str, Any], language: str) -> dict[str, Any]:
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        return {
            "subject": " ".join(subject.split()),
            "body": render_to_string(f"emails/{template}_body.txt", context),
            "html": render_to_string(f"emails/{template}_body.html", context),
        }


def deliver(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str | None,
    from_email: str | None = None,
    attachments: list[str] | None = None,
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    for name in attachments or []:
        with default_storage.open(name, "rb") as stored:
            message.attach(PurePosixPath(name).name, stored.read(), "application/pdf")
    message.send()


def enqueue_delivery(
    *, to: list[str], subject: str, body: str, html: str | None, from_email: str | None = None
) -> None:
    """Send an already rendered message through Celery once the transaction commits."""
    from coalition import tasks

    payload = {"to": to, "subject": subject, "body": body, "html": html, "from_email": from_email}
    enqueue(tasks.deliver_email, payload)
