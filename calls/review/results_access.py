"""Who may read the ranking, discussions and exports of a call, and who decides.

- Staff of the call's chapter (and superusers) see every row, decide and publish.
- The chair sees every row they are not conflicted with, except applications assigned to
  them whose review they have not submitted yet.
- A member sees an application's row, thread and score sheet once they have submitted their
  own review of it, never before (others' scores must not anchor theirs).
- A conflicted member never sees that application by any URL; an officer of the applicant
  city never sees it here either, whatever else they are.

These checks sit beside `calls.review.permissions` (the committee's own gates) and read the
same records; they answer with sets of ids so that a page asks once, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from calls.models import Application, Call, CommitteeMember
from calls.review.models import ConflictDeclaration, ConflictFlag, Review
from calls.review.permissions import member_seat
from coalition.permissions import is_chapter_staff, roles_of


@dataclass(frozen=True)
class ResultsReader:
    """A reader of a call's results pages and the applications they may see in them."""

    user_id: int
    is_staff: bool
    is_chair: bool
    # None: every eligible application of the call (staff).
    application_ids: frozenset[int] | None

    def sees(self, application_id: int) -> bool:
        return self.application_ids is None or application_id in self.application_ids


def conflicted_application_ids(seat: CommitteeMember) -> set[int]:
    """Applications the member must never see: declared, detected (unless dismissed), their
    own city, and any city they are an officer of."""
    declared = ConflictDeclaration.objects.filter(member=seat, has_conflict=True).values_list(
        "application_id", flat=True
    )
    flagged = ConflictFlag.objects.filter(
        member=seat, status__in=ConflictFlag.EXCLUDING
    ).values_list("application_id", flat=True)
    cities = set(roles_of(seat.user).officer_municipality_ids)
    if seat.municipality_id:
        cities.add(seat.municipality_id)
    own = Application.objects.filter(call_id=seat.call_id, municipality_id__in=cities)
    return set(declared) | set(flagged) | set(own.values_list("id", flat=True))


def officer_application_ids(user, call: Call) -> set[int]:
    cities = roles_of(user).officer_municipality_ids
    if not cities:
        return set()
    return set(
        Application.objects.filter(call=call, municipality_id__in=cities).values_list(
            "id", flat=True
        )
    )


def results_reader(user, call: Call) -> ResultsReader | None:
    """What `user` may see of `call`'s results; None when nothing at all."""
    if not user.is_authenticated:
        return None
    if is_chapter_staff(user, call.chapter_id):
        hidden = officer_application_ids(user, call)
        if not hidden:
            return ResultsReader(user.pk, True, False, None)
        eligible = Application.objects.filter(call=call, status=Application.Status.ELIGIBLE)
        ids = set(eligible.values_list("id", flat=True)) - hidden
        return ResultsReader(user.pk, True, False, frozenset(ids))
    seat = member_seat(user, call)
    if seat is None:
        return None
    conflicted = conflicted_application_ids(seat)
    reviewed = set(
        Review.objects.filter(assignment__member=seat, status=Review.Status.SUBMITTED).values_list(
            "assignment__application_id", flat=True
        )
    )
    if seat.is_chair:
        # Every row, except those the chair must still review: nobody sees others' scores of
        # an application before submitting their own review of it.
        pending = set(seat.assignments.values_list("application_id", flat=True)) - reviewed
        eligible = Application.objects.filter(call=call, status=Application.Status.ELIGIBLE)
        ids = set(eligible.values_list("id", flat=True)) - conflicted - pending
        return ResultsReader(user.pk, False, True, frozenset(ids))
    ids = reviewed - conflicted
    if not ids:
        return None
    return ResultsReader(user.pk, False, False, frozenset(ids))


def require_reader(user, call: Call) -> ResultsReader:
    reader = results_reader(user, call)
    if reader is None:
        raise PermissionDenied
    return reader


def require_application_reader(user, application: Application) -> ResultsReader:
    """The reader of one application's results; a 404 for anyone who may not see it, so
    that ids reveal nothing."""
    reader = results_reader(user, application.call)
    if reader is None or not reader.sees(application.pk):
        raise Http404
    return reader


def can_decide(user, call: Call) -> bool:
    """Staff of the call's chapter record decisions and propose or approve publication."""
    return user.is_authenticated and is_chapter_staff(user, call.chapter_id)


def can_decide_application(user, application: Application) -> bool:
    reader = results_reader(user, application.call)
    return (
        reader is not None
        and reader.is_staff
        and reader.sees(application.pk)
        and application.status == Application.Status.ELIGIBLE
    )
