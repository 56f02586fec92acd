"""Who may do what on a call's committee. Views, templates and tests ask these functions.

- Staff of the call's chapter (and superusers) name the committee, decide detected conflicts
  and assign; they may open every application of their chapter.
- A member opens an application only when it is assigned to them, they declared no conflict
  and nothing excludes them (declared conflict, a detected flag not dismissed, their own city,
  a city they are an officer of). Before the declaration nothing of the application shows.
- Another member's assignment, review or declaration answers 404, so that ids reveal nothing.

Committee rights are read through `coalition.permissions.roles_of`, so a seat counts only when
the portal counts it (e.g. after two-factor set-up).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from calls.models import Application, Call, CommitteeMember, Document
from calls.review.models import Assignment, ConflictDeclaration, ConflictFlag, Review
from coalition.permissions import is_chapter_staff, is_officer_of, roles_of

# --- Seats ----------------------------------------------------------------------------------


def member_seat(user, call: Call | int) -> CommitteeMember | None:
    """The user's active (not withdrawn) seat on `call`'s committee, or None."""
    call_id = getattr(call, "pk", call)
    if not user.is_authenticated or call_id not in roles_of(user).committee_call_ids:
        return None
    return (
        CommitteeMember.objects.select_related("call__chapter")
        .filter(call_id=call_id, user=user, withdrawn_at__isnull=True)
        .first()
    )


def is_active_seat(user, member: CommitteeMember) -> bool:
    return (
        user.is_authenticated
        and member.user_id == user.pk
        and member.withdrawn_at is None
        and member.call_id in roles_of(user).committee_call_ids
    )


# --- Conflicts ------------------------------------------------------------------------------


def is_conflicted(member: CommitteeMember, application: Application) -> bool:
    """Whether `member` must never see `application`: a declared conflict, a detected one not
    dismissed by staff, their own city, or a city whose officer they are."""
    if member.municipality_id and member.municipality_id == application.municipality_id:
        return True
    if is_officer_of(member.user, application.municipality_id):
        return True
    if ConflictDeclaration.objects.filter(
        member=member, application=application, has_conflict=True
    ).exists():
        return True
    return ConflictFlag.objects.filter(
        member=member, application=application, status__in=ConflictFlag.EXCLUDING
    ).exists()


def has_declared(member: CommitteeMember, application: Application) -> bool:
    return ConflictDeclaration.objects.filter(member=member, application=application).exists()


def is_assigned(member: CommitteeMember, application: Application) -> bool:
    return Assignment.objects.filter(member=member, application=application).exists()


def has_submitted_review(member: CommitteeMember, application: Application) -> bool:
    return Review.objects.filter(
        assignment__member=member,
        assignment__application=application,
        status=Review.Status.SUBMITTED,
    ).exists()


# --- Reading an application -------------------------------------------------------------------


def member_may_open(member: CommitteeMember, application: Application) -> bool:
    """Assigned, declared no conflict, and nothing else excludes the member."""
    return (
        application.status == Application.Status.ELIGIBLE
        and is_assigned(member, application)
        and ConflictDeclaration.objects.filter(
            member=member, application=application, has_conflict=False
        ).exists()
        and not is_conflicted(member, application)
    )


def can_open_application(user, application: Application) -> bool:
    """Staff of the chapter always; a member only under `member_may_open`."""
    if not user.is_authenticated:
        return False
    if is_chapter_staff(user, application.call.chapter_id):
        return True
    seat = member_seat(user, application.call_id)
    return seat is not None and member_may_open(seat, application)


def can_see_others_reviews(member: CommitteeMember, application: Application) -> bool:
    """Others' scores stay hidden until the member's own review is submitted."""
    return member_may_open(member, application) and has_submitted_review(member, application)


def can_review(member: CommitteeMember, assignment: Assignment) -> bool:
    """Write or revise: until the committee closes."""
    return (
        assignment.member_id == member.pk
        and member.withdrawn_at is None
        and member.call.committee_closed_at is None
        and member_may_open(member, assignment.application)
    )


# --- Staff ------------------------------------------------------------------------------------


def can_manage_committee(user, call: Call) -> bool:
    return user.is_authenticated and is_chapter_staff(user, call.chapter_id)


# --- Fetch and check in one call ------------------------------------------------------------


def access_committee_call(user, slug: str) -> Call:
    """A call whose committee `user` runs (staff of its chapter); 404 for anyone else."""
    call = Call.objects.select_related("chapter").filter(slug=slug).first()
    if call is None or not can_manage_committee(user, call):
        raise Http404
    return call


def access_assignment(user, pk: int) -> Assignment:
    """The user's own assignment on an active seat; 404 for anyone else's (ids reveal
    nothing). Does not say whether the application may be opened: see `access_open_assignment`.
    """
    assignment = (
        Assignment.objects.select_related(
            "member__call__chapter", "application__municipality", "application__call__chapter"
        )
        .filter(pk=pk, member__user_id=getattr(user, "pk", None))
        .first()
    )
    if assignment is None or not is_active_seat(user, assignment.member):
        raise Http404
    if assignment.application.status != Application.Status.ELIGIBLE:
        raise Http404
    if is_conflicted_excluding_declaration(assignment):
        raise Http404
    return assignment


def is_conflicted_excluding_declaration(assignment: Assignment) -> bool:
    """Detected or structural conflicts (not the member's own declaration): the member may not
    even declare on such an application."""
    member, application = assignment.member, assignment.application
    if member.municipality_id and member.municipality_id == application.municipality_id:
        return True
    if is_officer_of(member.user, application.municipality_id):
        return True
    return ConflictFlag.objects.filter(
        member=member, application=application, status__in=ConflictFlag.EXCLUDING
    ).exists()


def access_open_assignment(user, pk: int) -> Assignment:
    """The user's assignment whose application they may read: declared no conflict and not
    conflicted. PermissionDenied when the declaration is still missing, 404 when conflicted."""
    assignment = access_assignment(user, pk)
    declaration = ConflictDeclaration.objects.filter(
        member=assignment.member, application=assignment.application
    ).first()
    if declaration is None:
        raise PermissionDenied
    if declaration.has_conflict:
        raise Http404
    return assignment


def access_member_document(user, assignment_pk: int, document_id: int) -> Document:
    assignment = access_open_assignment(user, assignment_pk)
    document = Document.objects.filter(
        pk=document_id, application_id=assignment.application_id
    ).first()
    if document is None:
        raise Http404
    return document


def access_flag(user, pk: int) -> ConflictFlag:
    """A detected conflict staff may decide: their chapter's calls only."""
    flag = (
        ConflictFlag.objects.select_related("member__call__chapter", "application__municipality")
        .filter(pk=pk)
        .first()
    )
    if flag is None or not can_manage_committee(user, flag.member.call):
        raise Http404
    return flag


def access_member_for_staff(user, pk: int) -> CommitteeMember:
    member = CommitteeMember.objects.select_related("call__chapter", "user").filter(pk=pk).first()
    if member is None or not can_manage_committee(user, member.call):
        raise Http404
    return member
