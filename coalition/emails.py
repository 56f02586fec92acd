"""E-mail: rendered in the recipient's language, plain text and HTML, sent by Celery."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_email_to_user(*, user, template: str, context: dict[str, Any]) -> None:
    """Queue `emails/<template>_{subject.txt,body.txt,body.html}` for `user`.

    The message is rendered by the worker in the user's preferred language, once the current
    transaction has committed. `context` must be JSON-serialisable.
    """
    from coalition import tasks

    user_id = user.pk
    transaction.on_commit(lambda: tasks.send_user_email.delay(user_id, template, context))


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
    *, to: list[str], subject: str, body: str, html: str | None, from_email: str | None = None
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def enqueue_delivery(
    *, to: list[str], subject: str, body: str, html: str | None, from_email: str | None = None
) -> None:
    """Send an already rendered message through Celery once the transaction commits."""
    from coalition import tasks

    payload = {"to": to, "subject": subject, "body": body, "html": html, "from_email": from_email}
    transaction.on_commit(lambda: tasks.deliver_email.delay(payload))
