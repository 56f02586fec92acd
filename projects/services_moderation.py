"""Staff moderation of projects: withdraw (with a reason, officers told by e-mail), restore."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import User
from municipalities.models import Officer
from projects.access import project_chapter_id
from projects.models import Project


def _locked(project: Project) -> Project:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return Project.objects.prefetch_related("city_links__municipality").get(pk=project.pk)


def project_officers(project: Project) -> list[User]:
    officers = Officer.objects.filter(
        status=Officer.Status.APPROVED,
        municipality__project_links__project=project,
        user__is_active=True,
    ).select_related("user")
    return list({officer.user_id: officer.user for officer in officers}.values())


@transaction.atomic
def project_withdraw(*, project: Project, actor: User, reason: str) -> Project:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    locked = _locked(project)
    if locked.visibility != Project.Visibility.PUBLISHED:
        raise ValidationError(_("Only a published project can be withdrawn."))
    locked.visibility = Project.Visibility.WITHDRAWN
    locked.withdrawal_reason = reason
    locked.save(update_fields=["visibility", "withdrawal_reason", "updated_at"])
    record_event(
        actor=actor,
        action="project.withdraw",
        target=locked,
        chapter=project_chapter_id(locked),
        details={"reason": reason, "visibility": Project.Visibility.WITHDRAWN},
    )
    for officer in project_officers(locked):
        send_email_to_user(
            user=officer,
            template="project_withdrawn",
            context={"title": locked.title, "slug": locked.slug, "reason": reason},
        )
    return locked


@transaction.atomic
def project_restore(*, project: Project, actor: User) -> Project:
    locked = _locked(project)
    if locked.visibility != Project.Visibility.WITHDRAWN:
        raise ValidationError(_("Only a withdrawn project can be restored."))
    locked.visibility = Project.Visibility.PUBLISHED
    locked.withdrawal_reason = ""
    locked.save(update_fields=["visibility", "withdrawal_reason", "updated_at"])
    record_event(
        actor=actor,
        action="project.restore",
        target=locked,
        chapter=project_chapter_id(locked),
        details={"visibility": Project.Visibility.PUBLISHED},
    )
    return locked
