"""Writes for member cities. Views call these; nothing else saves these models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import Chapter, User
from municipalities.models import Municipality, Officer, ProfileRevision
from municipalities.selectors import chapter_staff_users

# Paths under /members/ that a municipality's slug must not take.
RESERVED_SLUGS = {"map", "represent"}


def display_value(value: Any) -> str:
    """How a field value is kept in a revision: plain text, empty for nothing."""
    if value is None:
        return ""
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@transaction.atomic
def municipality_update_profile(
    *, municipality: Municipality, actor: User, data: dict[str, Any]
) -> ProfileRevision | None:
    """Apply edited profile fields, keeping a revision of what changed.

    `data` maps field names to cleaned values (a form's cleaned_data). Returns None when
    nothing changed, so a save without edits leaves no empty revision.
    """
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    changes: dict[str, dict[str, str]] = {}
    programmes = data.pop("programmes", None)
    for field, new in data.items():
        old = getattr(municipality, field)
        if field == "logo":
            if new is None:  # no new upload: keep the current logo
                continue
            if new is False:  # "clear" ticked
                new = ""
        if display_value(old) != display_value(new) or (field == "logo" and new):
            changes[field] = {"old": display_value(old), "new": display_value(new)}
            setattr(municipality, field, new)
    if programmes is not None:
        old_names = sorted(p.name for p in municipality.programmes.all())
        new_names = sorted(p.name for p in programmes)
        if old_names != new_names:
            changes["programmes"] = {"old": ", ".join(old_names), "new": ", ".join(new_names)}
            municipality.programmes.set(programmes)
    if not changes:
        return None
    municipality.profile_updated_at = timezone.now()
    municipality.full_clean(exclude=["search_text"])
    municipality.save()
    if "logo" in changes:
        changes["logo"]["new"] = municipality.logo.name or ""
    revision = ProfileRevision.objects.create(
        municipality=municipality, author=actor, changes=changes
    )
    record_event(
        actor=actor,
        action="municipality.profile_edit",
        target=municipality,
        chapter=municipality.chapter_id,
        details={"fields": sorted(changes)},
    )
    return revision


@transaction.atomic
def officer_request(
    *, user: User, municipality: Municipality, position: str, message: str = ""
) -> Officer:
    """Ask to represent `municipality`. A refused or former officer may ask again."""
    officer = Officer.objects.select_for_update().filter(user=user, municipality=municipality)
    officer = officer.first()
    if officer is not None and officer.status in (Officer.Status.PENDING, Officer.Status.APPROVED):
        raise ValidationError(
            _("You have already asked to represent %(name)s.") % {"name": municipality.name}
        )
    previous = officer.status if officer else ""
    if officer is None:
        officer = Officer(user=user, municipality=municipality)
    officer.status = Officer.Status.PENDING
    officer.position = position
    officer.message = message
    officer.decided_at = None
    officer.decided_by = None
    officer.refusal_reason = ""
    officer.save()
    record_event(
        actor=user,
        action="officer.request",
        target=officer,
        chapter=municipality.chapter_id,
        from_state=previous,
        to_state=officer.status,
    )
    for staff in chapter_staff_users(municipality.chapter_id):
        send_email_to_user(
            user=staff,
            template="officer_requested",
            context={"requester": str(user), "municipality": municipality.name},
        )
    return officer


@transaction.atomic
def municipality_propose(
    *,
    user: User,
    name: str,
    chapter: Chapter,
    region: str,
    official_website: str,
    position: str,
    message: str = "",
) -> Officer:
    """Propose a municipality the portal does not list yet, and ask to represent it.

    It stays unlisted until the chapter's staff approve the request.
    """
    base = slugify(name) or "municipio"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Municipality.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    municipality = Municipality.objects.create(
        name=name,
        slug=slug,
        chapter=chapter,
        country=chapter.country,
        region=region,
        official_website=official_website,
        is_listed=False,
    )
    record_event(
        actor=user,
        action="municipality.propose",
        target=municipality,
        chapter=chapter,
        to_state="unlisted",
    )
    return officer_request(user=user, municipality=municipality, position=position, message=message)


# A role always needs a second person: whoever asked for it never grants it to themselves.
OWN_REQUEST_MESSAGE = gettext_lazy(
    "You cannot decide your own request to represent a municipality: another staff member "
    "of the chapter or a superuser decides it."
)


def _decide(officer: Officer, *, actor: User, status: str, reason: str = "") -> Officer:
    locked = Officer.objects.select_for_update().select_related("municipality").get(pk=officer.pk)
    if locked.user_id == actor.pk:
        raise ValidationError(OWN_REQUEST_MESSAGE, code="own_request")
    if locked.status != Officer.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    previous = locked.status
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.refusal_reason = reason
    locked.save()
    record_event(
        actor=actor,
        action=f"officer.{'approve' if status == Officer.Status.APPROVED else 'refuse'}",
        target=locked,
        chapter=locked.municipality.chapter_id,
        from_state=previous,
        to_state=status,
        details={"reason": reason} if reason else None,
    )
    return locked


@transaction.atomic
def officer_approve(*, officer: Officer, actor: User) -> Officer:
    officer = _decide(officer, actor=actor, status=Officer.Status.APPROVED)
    municipality = officer.municipality
    if not municipality.is_listed:
        municipality.is_listed = True
        municipality.save(update_fields=["is_listed"])
        record_event(
            actor=actor,
            action="municipality.list",
            target=municipality,
            chapter=municipality.chapter_id,
            from_state="unlisted",
            to_state="listed",
        )
    send_email_to_user(
        user=officer.user,
        template="officer_approved",
        context={"municipality": municipality.name, "slug": municipality.slug},
    )
    return officer


@transaction.atomic
def officer_refuse(*, officer: Officer, actor: User, reason: str) -> Officer:
    if not reason.strip():
        raise ValidationError(_("Give the reason for the refusal."))
    officer = _decide(officer, actor=actor, status=Officer.Status.REFUSED, reason=reason.strip())
    send_email_to_user(
        user=officer.user,
        template="officer_refused",
        context={"municipality": officer.municipality.name, "reason": officer.refusal_reason},
    )
    return officer


@transaction.atomic
def officer_leave(*, officer: Officer, actor: User) -> Officer:
    locked = Officer.objects.select_for_update().select_related("municipality").get(pk=officer.pk)
    if locked.status != Officer.Status.APPROVED:
        raise ValidationError(_("You do not represent this municipality."))
    locked.status = Officer.Status.LEFT
    locked.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="officer.leave",
        target=locked,
        chapter=locked.municipality.chapter_id,
        from_state=Officer.Status.APPROVED,
        to_state=Officer.Status.LEFT,
    )
    return locked
