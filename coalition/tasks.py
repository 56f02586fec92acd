"""Thin Celery tasks: load by id, call a service or a helper."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coalition import emails, services
from coalition.models import User


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def deliver_email(payload: dict[str, Any]) -> None:
    emails.deliver(**payload)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_user_email(
    user_id: int, template: str, context: dict[str, Any], attachments: list[str] | None = None
) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    message = emails.render_email(template=template, context=context, language=user.language)
    emails.deliver(to=[user.email], attachments=attachments, **message)


@shared_task
def render_coalition_summary(document_id: int) -> None:
    services.coalition_summary_render(document_id=document_id)


@shared_task
def purge_old_documents() -> int:
    return services.generated_documents_purge()
