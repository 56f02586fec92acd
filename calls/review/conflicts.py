"""Conflicts of interest: what members declare and what the portal detects.

Detection is deliberately narrow so that staff are not buried in false flags: only officials
are checked, against their own city (BLOCKED, final) and cities of the same region or province
(POTENTIAL, for staff to confirm or dismiss with a reason). Detection is idempotent and never
overrides a flag staff already decided.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application, Call, CommitteeMember
from calls.review.models import Assignment, ConflictDeclaration, ConflictFlag, Review
from coalition.audit import record_event
from coalition.models import User
from municipalities.models import Municipality

# --- Detection ------------------------------------------------------------------------------


def detected_status(official_city: Municipality, applicant_city: Municipality) -> tuple | None:
    """(reason, status) of the flag an official of `official_city` gets for an application
    of `applicant_city`, or None when nothing suggests a conflict."""
    if official_city.pk == applicant_city.pk:
        return ConflictFlag.Reason.OWN_MUNICIPALITY, ConflictFlag.Status.BLOCKED
    if official_city.country != applicant_city.country:
        return None
    same_region = bool(official_city.region) and official_city.region == applicant_city.region
    same_province = (
        bool(official_city.province) and official_city.province == applicant_city.province
    )
    if same_region or same_province:
        return ConflictFlag.Reason.SAME_REGION, ConflictFlag.Status.POTENTIAL
    return None


def _detect(members: list[CommitteeMember], applications: list[Application]) -> int:
    officials = [m for m in members if m.kind == CommitteeMember.Kind.OFFICIAL and m.municipality]
    if not officials or not applications:
        return 0
    existing = set(
        ConflictFlag.objects.filter(member__in=officials, application__in=applications).values_list(
            "member_id", "application_id"
        )
    )
    new = []
    for member in officials:
        for application in applications:
            if (member.pk, application.pk) in existing:
                continue
            found = detected_status(member.municipality, application.municipality)
            if found:
                reason, status = found
                new.append(
                    ConflictFlag(
                        member=member, application=application, reason=reason, status=status
                    )
                )
    ConflictFlag.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def eligible_applications(call: Call | int):
    return Application.objects.select_related("municipality").filter(
        call_id=getattr(call, "pk", call), status=Application.Status.ELIGIBLE
    )


def active_members(call: Call | int):
    return CommitteeMember.objects.select_related("municipality", "user").filter(
        call_id=getattr(call, "pk", call), withdrawn_at__isnull=True
    )


def detect_for_member(member: CommitteeMember) -> int:
    """Flags of a member just added, against every eligible application of the call."""
    return _detect([member], list(eligible_applications(member.call_id)))


def detect_for_application(application: Application) -> int:
    """Flags of an application that just became eligible, against every active member."""
    if application.status != Application.Status.ELIGIBLE:
        return 0
    return _detect(list(active_members(application.call_id)), [application])


def detect_for_call(call: Call) -> int:
    """Every missing flag of the call (assignment runs this first, so nothing slips by)."""
    return _detect(list(active_members(call)), list(eligible_applications(call)))


def drop_open_assignment(member: CommitteeMember, application: Application) -> bool:
    """An assignment the member can no longer do: removed unless already submitted (a submitted
    review stays in the record, and the ranking leaves it out as conflicted)."""
    assignment = Assignment.objects.filter(member=member, application=application).first()
    if assignment is None:
        return False
    if Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists():
        return False
    assignment.delete()
    return True


@transaction.atomic
def flag_decide(*, flag: ConflictFlag, actor: User, confirm: bool, reason: str) -> ConflictFlag:
    """Staff confirm (the member stays away) or dismiss (the member may review) a potential
    conflict, always with a reason."""
    flag = ConflictFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != ConflictFlag.Status.POTENTIAL:
        raise ValidationError(_("This conflict has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for your decision."))
    old = flag.status
    flag.status = ConflictFlag.Status.CONFIRMED if confirm else ConflictFlag.Status.DISMISSED
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.decision_reason = reason.strip()
    flag.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    dropped = confirm and drop_open_assignment(flag.member, flag.application)
    record_event(
        actor=actor,
        action="committee.conflict_decide",
        target=flag,
        chapter=flag.member.call.chapter_id,
        from_state=old,
        to_state=flag.status,
        details={"reason": flag.decision_reason, "assignment_removed": bool(dropped)},
    )
    return flag


# --- Declarations ---------------------------------------------------------------------------


@transaction.atomic
def declare(
    *,
    member: CommitteeMember,
    application: Application,
    actor: User,
    has_conflict: bool,
    kind: str = "",
    note: str = "",
) -> ConflictDeclaration:
    """The member's declaration before they open an assigned application.

    "No conflict" may later become a conflict (the member learns something reading the file);
    a declared conflict is final, so nobody declares one, looks, and takes it back.
    """
    # Locking the assignment serialises two declarations sent at once.
    if not Assignment.objects.select_for_update().filter(member=member, application=application):
        raise ValidationError(_("This application is not assigned to you."))
    if has_conflict and kind not in ConflictDeclaration.Kind.values:
        raise ValidationError(_("Choose the kind of conflict."))
    if not has_conflict:
        kind, note = "", note
    existing = (
        ConflictDeclaration.objects.select_for_update()
        .filter(member=member, application=application)
        .first()
    )
    if existing is not None and existing.has_conflict:
        raise ValidationError(_("You already declared a conflict with this application."))
    if existing is not None and not has_conflict:
        return existing
    declaration = existing or ConflictDeclaration(member=member, application=application)
    declaration.has_conflict = has_conflict
    declaration.kind = kind
    declaration.note = note.strip()
    declaration.save()
    record_event(
        actor=actor,
        action="committee.conflict_declare",
        target=declaration,
        chapter=member.call.chapter_id,
        to_state="conflict" if has_conflict else "no_conflict",
        details={"application": application.pk, "kind": kind},
    )
    return declaration
