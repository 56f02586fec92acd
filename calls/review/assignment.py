"""Who reviews what: by hand, in bulk, or by an automatic plan staff see before confirming.

The automatic plan gives every eligible application at least `call.reviewers_per_application`
reviewers, never puts a member over `call.review_load_cap`, respects declared and detected
conflicts, mixes experts and officials, and is deterministic (same data, same plan): the
most constrained applications are served first, and ties go to the lighter load, then the
lower id.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application, Call, CommitteeMember
from calls.review import conflicts
from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    ConflictFlag,
    Review,
    ReviewReminderSent,
)
from coalition.audit import record_event
from coalition.emails import send_email_to_user
from coalition.models import User
from municipalities.models import Officer

REMINDER_DAYS = (3, 1)


# --- What the plan reads --------------------------------------------------------------------


@dataclass
class CommitteeState:
    """Everything about a call's committee the plan needs, read in a fixed number of queries."""

    call: Call
    members: list[CommitteeMember]
    applications: list[Application]
    excluded: set[tuple[int, int]]  # (member id, application id) never to be paired
    assigned: dict[int, set[int]]  # application id -> member ids (active members only)
    load: dict[int, int]  # member id -> assignments

    def counts(self, application_id: int) -> int:
        """Reviewers that count for coverage: active and not conflicted."""
        return sum(
            1 for m in self.assigned[application_id] if (m, application_id) not in self.excluded
        )


def excluded_pairs(members: list[CommitteeMember], applications: list[Application]) -> set:
    """(member, application) pairs a member must never review."""
    member_ids = [m.pk for m in members]
    app_ids = [a.pk for a in applications]
    pairs = set(
        ConflictDeclaration.objects.filter(
            member_id__in=member_ids, application_id__in=app_ids, has_conflict=True
        ).values_list("member_id", "application_id")
    )
    pairs |= set(
        ConflictFlag.objects.filter(
            member_id__in=member_ids,
            application_id__in=app_ids,
            status__in=ConflictFlag.EXCLUDING,
        ).values_list("member_id", "application_id")
    )
    officer_cities = defaultdict(set)
    for user_id, city_id in Officer.objects.filter(
        user_id__in=[m.user_id for m in members], status=Officer.Status.APPROVED
    ).values_list("user_id", "municipality_id"):
        officer_cities[user_id].add(city_id)
    for member in members:
        cities = officer_cities[member.user_id] | {member.municipality_id}
        for application in applications:
            if application.municipality_id in cities:
                pairs.add((member.pk, application.pk))
    return pairs


def committee_state(call: Call) -> CommitteeState:
    conflicts.detect_for_call(call)
    members = list(conflicts.active_members(call).order_by("pk"))
    applications = list(conflicts.eligible_applications(call).order_by("pk"))
    assigned: dict[int, set[int]] = {a.pk: set() for a in applications}
    load = {m.pk: 0 for m in members}
    rows = Assignment.objects.filter(
        member__call=call, member__withdrawn_at__isnull=True
    ).values_list("member_id", "application_id")
    for member_id, application_id in rows:
        load[member_id] = load.get(member_id, 0) + 1
        if application_id in assigned:
            assigned[application_id].add(member_id)
    return CommitteeState(
        call, members, applications, excluded_pairs(members, applications), assigned, load
    )


# --- The automatic plan ---------------------------------------------------------------------


@dataclass
class Plan:
    new: dict[int, list[int]] = field(default_factory=dict)  # application id -> member ids
    load_after: dict[int, int] = field(default_factory=dict)
    short: dict[int, int] = field(default_factory=dict)  # application id -> reviewers missing

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return sorted((m, a) for a, members in self.new.items() for m in members)

    @property
    def fingerprint(self) -> str:
        """What staff saw: confirming a different plan is refused."""
        text = ";".join(f"{m}:{a}" for m, a in self.pairs)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def candidates(state: CommitteeState, application: Application) -> list[CommitteeMember]:
    return [
        m
        for m in state.members
        if (m.pk, application.pk) not in state.excluded
        and m.pk not in state.assigned[application.pk]
    ]


def present_kinds(state: CommitteeState, application: Application) -> set[str]:
    kinds = {m.pk: m.kind for m in state.members}
    return {
        kinds[m]
        for m in state.assigned[application.pk]
        if m in kinds and (m, application.pk) not in state.excluded
    }


def pick(
    state: CommitteeState, application: Application, load: dict[int, int], missing: int
) -> list[int]:
    """Up to `missing` new reviewers for `application`: a kind it lacks first (experts and
    officials mixed), then the lightest load, then the lowest id. Updates `load`."""
    cap = state.call.review_load_cap
    both_kinds = len({m.kind for m in state.members}) > 1
    present = present_kinds(state, application)
    pool = [m for m in candidates(state, application) if load[m.pk] < cap]
    chosen: list[int] = []
    while missing > 0 and pool:
        best = min(
            pool,
            key=lambda m: (0 if both_kinds and m.kind not in present else 1, load[m.pk], m.pk),
        )
        pool.remove(best)
        chosen.append(best.pk)
        present.add(best.kind)
        load[best.pk] += 1
        missing -= 1
    return chosen


def plan(state: CommitteeState) -> Plan:
    wanted = state.call.reviewers_per_application
    load = dict(state.load)
    result = Plan()
    # Most constrained first: fewest possible reviewers, then the id.
    order = sorted(state.applications, key=lambda a: (len(candidates(state, a)), a.pk))
    for application in order:
        missing = wanted - state.counts(application.pk)
        if missing <= 0:
            continue
        chosen = pick(state, application, load, missing)
        if chosen:
            result.new[application.pk] = chosen
        if missing > len(chosen):
            result.short[application.pk] = missing - len(chosen)
    result.load_after = load
    return result


def auto_plan(call: Call) -> tuple[CommitteeState, Plan]:
    state = committee_state(call)
    return state, plan(state)


# --- Writes ---------------------------------------------------------------------------------


def notify_assigned(member_ids_counts: dict[int, int], call: Call) -> None:
    """One e-mail per member per batch, in the member's language."""
    members = CommitteeMember.objects.select_related("user").filter(pk__in=member_ids_counts)
    for member in members:
        send_email_to_user(
            user=member.user,
            template="review_assigned",
            context={
                "call": call.title,
                "count": member_ids_counts[member.pk],
                "deadline": call.review_deadline.isoformat() if call.review_deadline else "",
                "time_zone": call.chapter.time_zone,
            },
        )


def _create(pairs: list[tuple[int, int]], actor: User, call: Call, action: str) -> int:
    Assignment.objects.bulk_create(
        [Assignment(member_id=m, application_id=a, assigned_by=actor) for m, a in pairs]
    )
    per_member: dict[int, int] = defaultdict(int)
    for member_id, _application_id in pairs:
        per_member[member_id] += 1
    if pairs:
        record_event(
            actor=actor,
            action=action,
            target=call,
            chapter=call.chapter_id,
            details={"pairs": [list(p) for p in pairs]},
        )
        notify_assigned(dict(per_member), call)
    return len(pairs)


@transaction.atomic
def plan_confirm(*, call: Call, actor: User, fingerprint: str) -> int:
    """Create the automatic plan staff saw; refused if it changed since."""
    Call.objects.select_for_update().get(pk=call.pk)
    _state, proposed = auto_plan(call)
    if proposed.fingerprint != fingerprint:
        raise ValidationError(_("The plan changed since you saw it; look at it again."))
    return _create(proposed.pairs, actor, call, "committee.assign_auto")


def pair_problem(state: CommitteeState, member_id: int, application_id: int) -> str | None:
    members = {m.pk: m for m in state.members}
    if member_id not in members:
        return _("not an active member of this committee")
    if application_id not in state.assigned:
        return _("not an eligible application of this call")
    if (member_id, application_id) in state.excluded:
        return _("conflict of interest")
    if member_id in state.assigned[application_id]:
        return _("already assigned")
    if state.load[member_id] >= state.call.review_load_cap:
        return _("over the load cap")
    return None


@transaction.atomic
def assign_bulk(
    *, call: Call, actor: User, member_ids: list[int], application_ids: list[int]
) -> tuple[int, list[tuple[int, int, str]]]:
    """Every chosen member with every chosen application, skipping pairs that may not be made.

    Returns how many were created and the skipped pairs with the reason."""
    Call.objects.select_for_update().get(pk=call.pk)
    state = committee_state(call)
    made: list[tuple[int, int]] = []
    skipped: list[tuple[int, int, str]] = []
    for application_id in sorted(set(application_ids)):
        for member_id in sorted(set(member_ids)):
            problem = pair_problem(state, member_id, application_id)
            if problem:
                skipped.append((member_id, application_id, problem))
                continue
            made.append((member_id, application_id))
            state.assigned[application_id].add(member_id)
            state.load[member_id] += 1
    return _create(made, actor, call, "committee.assign"), skipped


def assign(*, member: CommitteeMember, application: Application, actor: User) -> Assignment:
    """One member to one application (by hand)."""
    _created, skipped = assign_bulk(
        call=member.call, actor=actor, member_ids=[member.pk], application_ids=[application.pk]
    )
    if skipped:
        raise ValidationError(skipped[0][2])
    return Assignment.objects.get(member=member, application=application)


@transaction.atomic
def unassign(*, assignment: Assignment, actor: User) -> None:
    if Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists():
        raise ValidationError(_("This review is submitted: the assignment stays."))
    record_event(
        actor=actor,
        action="committee.unassign",
        target=assignment,
        chapter=assignment.member.call.chapter_id,
        details={"member": assignment.member_id, "application": assignment.application_id},
    )
    assignment.delete()


@transaction.atomic
def reassign_withdrawn(*, member: CommitteeMember, actor: User) -> int:
    """A withdrawn member's unfinished assignments go; the plan fills the gaps they leave.

    Returns how many new assignments replaced them."""
    open_ones = Assignment.objects.filter(member=member).exclude(
        review__status=Review.Status.SUBMITTED
    )
    removed = sorted(open_ones.values_list("application_id", flat=True))
    open_ones.delete()
    record_event(
        actor=actor,
        action="committee.unassign_withdrawn",
        target=member,
        chapter=member.call.chapter_id,
        details={"applications": removed},
    )
    if not removed:
        return 0
    state = committee_state(member.call)
    load = dict(state.load)
    by_id = {a.pk: a for a in state.applications}
    pairs = [
        (chosen, application_id)
        for application_id in removed
        if application_id in by_id
        for chosen in pick(state, by_id[application_id], load, 1)
    ]
    return _create(pairs, actor, member.call, "committee.reassign")


# --- Reminders ------------------------------------------------------------------------------


def reminders_send_due(*, now=None) -> int:
    """E-mail members with unfinished reviews 3 and 1 days before the review deadline.

    Each (member, step) at most once: the ReviewReminderSent row is created in the same
    transaction as the e-mail is queued, so a second beat tick finds it and skips. A late start
    sends only the closest step, not a burst.
    """
    now = now or timezone.now()
    sent = 0
    members = (
        CommitteeMember.objects.filter(
            withdrawn_at__isnull=True,
            call__committee_closed_at__isnull=True,
            call__review_deadline__gt=now,
            call__review_deadline__lte=now + timedelta(days=max(REMINDER_DAYS)),
        )
        .select_related("call__chapter", "user")
        .order_by("pk")
    )
    for member in members:
        unfinished = (
            Assignment.objects.filter(member=member, application__status="eligible")
            .exclude(review__status=Review.Status.SUBMITTED)
            .exclude(
                application__conflict_declarations__member=member,
                application__conflict_declarations__has_conflict=True,
            )
            .count()
        )
        if not unfinished:
            continue
        remaining = member.call.review_deadline - now
        step = min(d for d in REMINDER_DAYS if remaining <= timedelta(days=d))
        with transaction.atomic():
            _row, created = ReviewReminderSent.objects.get_or_create(
                member=member, days_before=step
            )
            if not created:
                continue
            send_email_to_user(
                user=member.user,
                template="review_reminder",
                context={
                    "call": member.call.title,
                    "unfinished": unfinished,
                    "days": max(1, remaining.days),
                    "deadline": member.call.review_deadline.isoformat(),
                    "time_zone": member.call.chapter.time_zone,
                },
            )
            sent += 1
    return sent
