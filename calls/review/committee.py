"""Naming a call's committee: existing users, invitations by e-mail, withdrawals."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, CommitteeMember
from calls.review import conflicts
from calls.review.models import Invitation
from coalition import emails
from coalition.audit import record_event
from coalition.models import User
from municipalities.models import Membership, Municipality


def founding_cities(call: Call):
    """The cities an official may represent: the founders of the call's chapter."""
    return Municipality.objects.filter(
        memberships__chapter_id=call.chapter_id, memberships__founding_member=True
    ).order_by("name")


def check_seat(call: Call, kind: str, municipality: Municipality | None, affiliation: str) -> None:
    if kind == CommitteeMember.Kind.OFFICIAL:
        if municipality is None:
            raise ValidationError(_("An official represents a founding city: choose it."))
        founder = Membership.objects.filter(
            chapter_id=call.chapter_id, municipality=municipality, founding_member=True
        ).exists()
        if not founder:
            raise ValidationError(_("Officials represent a founding city of the chapter."))
    elif kind == CommitteeMember.Kind.EXPERT:
        if municipality is not None:
            raise ValidationError(_("An outside expert does not represent a city."))
    else:
        raise ValidationError(_("Choose whether the member is an official or an expert."))


def _only_chair(member: CommitteeMember) -> None:
    if member.is_chair:
        CommitteeMember.objects.filter(call_id=member.call_id, is_chair=True).exclude(
            pk=member.pk
        ).update(is_chair=False)


@transaction.atomic
def member_add(
    *,
    call: Call,
    user: User,
    actor: User,
    kind: str,
    municipality: Municipality | None = None,
    affiliation: str = "",
    is_chair: bool = False,
    action: str = "committee.member_add",
) -> CommitteeMember:
    """Seat an existing user on the committee (again, if they had withdrawn)."""
    check_seat(call, kind, municipality, affiliation)
    member = CommitteeMember.objects.select_for_update().filter(call=call, user=user).first()
    if member is not None and member.withdrawn_at is None:
        raise ValidationError(_("%(user)s is already on this committee.") % {"user": user})
    member = member or CommitteeMember(call=call, user=user)
    member.kind = kind
    member.municipality = municipality
    member.affiliation = affiliation.strip()
    member.is_chair = is_chair
    member.withdrawn_at = None
    member.save()
    _only_chair(member)
    flags = conflicts.detect_for_member(member)
    record_event(
        actor=actor,
        action=action,
        target=member,
        chapter=call.chapter_id,
        details={"kind": kind, "municipality": getattr(municipality, "pk", None), "flags": flags},
    )
    # Roles are cached per request on the user object (see coalition.permissions).
    for attribute in ("_coalition_roles", "_coalition_recorded_roles"):
        user.__dict__.pop(attribute, None)
    return member


@transaction.atomic
def member_invite(
    *,
    call: Call,
    email: str,
    actor: User,
    kind: str,
    full_name: str = "",
    municipality: Municipality | None = None,
    affiliation: str = "",
    is_chair: bool = False,
) -> Invitation:
    """Invite someone without an account; the e-mail leads to sign-up, then to acceptance."""
    check_seat(call, kind, municipality, affiliation)
    email = email.strip().lower()
    if Invitation.objects.filter(call=call, email__iexact=email, accepted_at__isnull=True).exists():
        raise ValidationError(_("%(email)s has already been invited.") % {"email": email})
    invitation = Invitation.objects.create(
        call=call,
        email=email,
        full_name=full_name.strip(),
        kind=kind,
        municipality=municipality,
        affiliation=affiliation.strip(),
        is_chair=is_chair,
        invited_by=actor,
    )
    record_event(
        actor=actor,
        action="committee.invite",
        target=invitation,
        chapter=call.chapter_id,
        details={"email": email, "kind": kind},
    )
    # Nobody knows the invitee's language yet: the chapter's is the best guess.
    message = emails.render_email(
        template="review_invitation",
        context={
            "call_title": call.title,
            "full_name": invitation.full_name,
            "accept_path": reverse("committee_invitation_accept", args=[invitation.token]),
            # Back to the invitation once the account exists.
            "signup_path": reverse("account_signup")
            + "?next="
            + reverse("committee_invitation_accept", args=[invitation.token]),
            "email": email,
        },
        language=call.chapter.default_language,
    )
    emails.enqueue_delivery(to=[email], **message)
    return invitation


@transaction.atomic
def name_member(*, call: Call, email: str, actor: User, **seat) -> CommitteeMember | Invitation:
    """Seat the user with this e-mail address if they have an account, else invite them."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is not None:
        seat.pop("full_name", None)
        return member_add(call=call, user=user, actor=actor, **seat)
    return member_invite(call=call, email=email, actor=actor, **seat)


def invitation_check(invitation: Invitation, user: User) -> None:
    from allauth.account.models import EmailAddress

    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation is for %(email)s: sign in with that address.")
            % {"email": invitation.email}
        )
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True):
        raise ValidationError(_("Confirm your e-mail address first."))


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> CommitteeMember:
    """The invited person, signed in with the invited address, takes their seat."""
    invitation = Invitation.objects.select_for_update().select_related("call").get(pk=invitation.pk)
    invitation_check(invitation, user)
    member = member_add(
        call=invitation.call,
        user=user,
        actor=user,
        kind=invitation.kind,
        municipality=invitation.municipality,
        affiliation=invitation.affiliation,
        is_chair=invitation.is_chair,
        action="committee.invitation_accept",
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if invitation.full_name and not user.full_name:
        user.full_name = invitation.full_name
        user.save(update_fields=["full_name"])
    return member


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> None:
    record_event(
        actor=actor,
        action="committee.invitation_cancel",
        target=invitation,
        chapter=invitation.call.chapter_id,
        details={"email": invitation.email},
    )
    invitation.delete()


@transaction.atomic
def member_withdraw(*, member: CommitteeMember, actor: User) -> tuple[CommitteeMember, int]:
    """The member leaves: submitted reviews stay, open assignments go to other members.

    Returns the member and how many of their applications found a new reviewer.
    """
    from calls.review import assignment

    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    if member.withdrawn_at is not None:
        raise ValidationError(_("This member has already withdrawn."))
    member.withdrawn_at = timezone.now()
    member.is_chair = False
    member.save(update_fields=["withdrawn_at", "is_chair"])
    record_event(
        actor=actor,
        action="committee.member_withdraw",
        target=member,
        chapter=member.call.chapter_id,
    )
    moved = assignment.reassign_withdrawn(member=member, actor=actor)
    return member, moved


@transaction.atomic
def settings_save(*, call: Call, actor: User, fields: dict) -> Call:
    """Review deadline, reviewers per application, load cap, disagreement threshold."""
    allowed = ("review_deadline", "reviewers_per_application", "review_load_cap")
    old = {name: str(getattr(call, name)) for name in allowed}
    for name in allowed:
        if name in fields:
            setattr(call, name, fields[name])
    if call.review_deadline and call.closes_at and call.review_deadline <= call.closes_at:
        raise ValidationError(_("The review deadline comes after the call closes."))
    call.save(update_fields=list(allowed))
    record_event(
        actor=actor,
        action="committee.settings",
        target=call,
        chapter=call.chapter_id,
        details={"old": old, "new": {name: str(getattr(call, name)) for name in allowed}},
    )
    return call


@transaction.atomic
def committee_close(*, call: Call, actor: User, close: bool = True) -> Call:
    """Close the committee (submitted reviews can no longer be revised, drafts no longer
    written) or open it again."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if close == (call.committee_closed_at is not None):
        return call
    call.committee_closed_at = timezone.now() if close else None
    call.save(update_fields=["committee_closed_at"])
    record_event(
        actor=actor,
        action="committee.close" if close else "committee.reopen",
        target=call,
        chapter=call.chapter_id,
    )
    return call
