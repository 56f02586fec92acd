"""The committee's discussion of one application, and staff marking it discussed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Application
from calls.review.models import Discussed, DiscussionPost
from calls.review.results_access import results_reader
from coalition.audit import record_event
from coalition.models import User


def can_join_discussion(user, application: Application) -> bool:
    reader = results_reader(user, application.call)
    return reader is not None and reader.sees(application.pk)


def thread(application: Application) -> list[DiscussionPost]:
    return list(DiscussionPost.objects.filter(application=application).select_related("author"))


@transaction.atomic
def discussion_post(*, application: Application, author: User, body: str) -> DiscussionPost:
    if not can_join_discussion(author, application):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    post = DiscussionPost.objects.create(application=application, author=author, body=body)
    record_event(
        actor=author,
        action="discussion.post",
        # The application, so that the log reads "wrote in the discussion of <city — call>".
        target=application,
        chapter=application.call.chapter_id,
        details={"post": post.pk},
    )
    return post


@transaction.atomic
def discussion_mark(*, application: Application, actor: User, discussed: bool = True) -> bool:
    """Staff mark the application as discussed (or not). Returns whether it is discussed."""
    reader = results_reader(actor, application.call)
    if reader is None or not reader.is_staff or not reader.sees(application.pk):
        raise PermissionDenied
    existing = Discussed.objects.filter(application=application).first()
    if discussed and existing is None:
        Discussed.objects.create(application=application, marked_by=actor)
    elif not discussed and existing is not None:
        existing.delete()
    else:
        return discussed
    record_event(
        actor=actor,
        action="discussion.mark" if discussed else "discussion.unmark",
        target=application,
        chapter=application.call.chapter_id,
        from_state="" if discussed else "discussed",
        to_state="discussed" if discussed else "",
    )
    return discussed
