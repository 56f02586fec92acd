"""Reads of the committee pages, each in a fixed number of queries whatever the data.

Rows are plain dataclasses built from a few bulk queries; templates do no lookups.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from calls.models import Application, Call, CommitteeMember, Criterion, Document
from calls.review.assignment import CommitteeState, Plan, committee_state
from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    ConflictFlag,
    CriterionScore,
    Invitation,
    Review,
)
from calls.review.reviews import level_on_100
from coalition.permissions import roles_of

# --- Member dashboard -------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment: Assignment
    declared: bool
    conflicted: bool
    review: Review | None

    @property
    def submitted(self) -> bool:
        return self.review is not None and self.review.status == Review.Status.SUBMITTED


@dataclass
class SeatSummary:
    seat: CommitteeMember
    rows: list[AssignmentRow] = field(default_factory=list)

    @property
    def call(self) -> Call:
        return self.seat.call

    @property
    def active_rows(self) -> list[AssignmentRow]:
        return [r for r in self.rows if not r.conflicted]

    @property
    def to_declare(self) -> list[AssignmentRow]:
        return [r for r in self.rows if not r.declared and not r.conflicted]

    @property
    def done(self) -> int:
        return sum(1 for r in self.active_rows if r.submitted)


def member_dashboard(user) -> list[SeatSummary]:
    """The user's active seats with their assignments: five queries for any number."""
    seats = list(
        CommitteeMember.objects.filter(
            user=user,
            withdrawn_at__isnull=True,
            call_id__in=roles_of(user).committee_call_ids,
        )
        .select_related("call__chapter", "municipality")
        .order_by("-call__closes_at", "call_id")
    )
    seat_ids = [s.pk for s in seats]
    assignments = list(
        Assignment.objects.filter(
            member_id__in=seat_ids, application__status=Application.Status.ELIGIBLE
        )
        .select_related("application__municipality", "review")
        .order_by("application__municipality__name")
    )
    declared = dict(
        ((m, a), c)
        for m, a, c in ConflictDeclaration.objects.filter(member_id__in=seat_ids).values_list(
            "member_id", "application_id", "has_conflict"
        )
    )
    flagged = set(
        ConflictFlag.objects.filter(
            member_id__in=seat_ids, status__in=ConflictFlag.EXCLUDING
        ).values_list("member_id", "application_id")
    )
    own_cities = set(roles_of(user).officer_municipality_ids)
    by_seat = {s.pk: SeatSummary(s) for s in seats}
    for assignment in assignments:
        seat = by_seat[assignment.member_id]
        key = (assignment.member_id, assignment.application_id)
        city = assignment.application.municipality_id
        conflicted = (
            declared.get(key) is True
            or key in flagged
            or city in own_cities
            or city == seat.seat.municipality_id
        )
        review = getattr(assignment, "review", None)
        seat.rows.append(AssignmentRow(assignment, key in declared, conflicted, review))
    return list(by_seat.values())


# --- Staff committee page ---------------------------------------------------------------------


@dataclass
class Cell:
    """One application-member square of the matrix."""

    assigned: bool = False
    excluded: bool = False
    review_status: str = ""
    proposed: bool = False
    assignment_id: int | None = None


@dataclass
class MatrixRow:
    application: Application
    cells: list[Cell]
    reviewers: int  # assignments that count (active, not conflicted)
    short: int = 0


@dataclass
class CommitteePage:
    call: Call
    members: list[CommitteeMember]
    invitations: list[Invitation]
    flags: list[ConflictFlag]
    rows: list[MatrixRow]
    load: dict[int, int]
    load_after: dict[int, int] | None = None
    plan: Plan | None = None

    @property
    def member_loads(self) -> list[tuple[CommitteeMember, int, int | None]]:
        after = self.load_after or {}
        return [(m, self.load.get(m.pk, 0), after.get(m.pk)) for m in self.members]


def committee_page(call: Call, *, with_plan: bool = False) -> CommitteePage:
    from calls.review.assignment import plan as make_plan

    state: CommitteeState = committee_state(call)
    proposed = make_plan(state) if with_plan else None
    statuses = dict(
        Review.objects.filter(assignment__member__call=call).values_list("assignment_id", "status")
    )
    pairs = {
        (m, a): (pk, statuses.get(pk, ""))
        for pk, m, a in Assignment.objects.filter(member__call=call).values_list(
            "pk", "member_id", "application_id"
        )
    }
    new_pairs = set(proposed.pairs) if proposed else set()
    rows = []
    for application in state.applications:
        cells = [
            Cell(
                assigned=(m.pk, application.pk) in pairs,
                excluded=(m.pk, application.pk) in state.excluded,
                review_status=pairs.get((m.pk, application.pk), (None, ""))[1],
                proposed=(m.pk, application.pk) in new_pairs,
                assignment_id=pairs.get((m.pk, application.pk), (None, ""))[0],
            )
            for m in state.members
        ]
        rows.append(
            MatrixRow(
                application,
                cells,
                state.counts(application.pk),
                proposed.short.get(application.pk, 0) if proposed else 0,
            )
        )
    members = list(state.members)
    flags = list(
        ConflictFlag.objects.filter(member__call=call)
        .select_related("member__user", "member__municipality", "application__municipality")
        .order_by("status", "application__municipality__name")
    )
    invitations = list(
        Invitation.objects.filter(call=call, accepted_at__isnull=True).order_by("email")
    )
    withdrawn = list(
        CommitteeMember.objects.filter(call=call, withdrawn_at__isnull=False).select_related(
            "user", "municipality"
        )
    )
    page = CommitteePage(
        call,
        members + withdrawn,
        invitations,
        flags,
        rows,
        state.load,
        proposed.load_after if proposed else None,
        proposed,
    )
    page.active_members = members  # type: ignore[attr-defined]
    return page


# --- Review page ------------------------------------------------------------------------------


@dataclass
class OtherReview:
    reviewer: str
    score: float | None
    weight_assessed: int
    cells: list[CriterionScore | None]  # one per criterion, in the rubric's order
    overall_comment: str


@dataclass
class ReviewPage:
    criteria: list[Criterion]
    review: Review | None
    scores: dict[int, CriterionScore]
    documents: dict[str, list[Document]]
    others: list[OtherReview] | None  # None: hidden until the member has submitted
    mean: float | None = None
    criterion_means: dict[int, float] = field(default_factory=dict)

    @property
    def mean_cells(self) -> list[float | None]:
        return [self.criterion_means.get(c.pk) for c in self.criteria]


def documents_by_kind(application_id: int) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = {kind: [] for kind in Document.Kind.values}
    for document in Document.objects.filter(application_id=application_id).order_by(
        "kind", "uploaded_at"
    ):
        grouped[document.kind].append(document)
    return grouped


def review_page(assignment: Assignment) -> ReviewPage:
    """The rubric, the member's review, the documents, and (once the member submitted) the
    others' submitted reviews with the averages."""
    criteria = list(
        Criterion.objects.filter(call_id=assignment.member.call_id)
        .prefetch_related("levels")
        .order_by("position", "id")
    )
    review = Review.objects.filter(assignment=assignment).first()
    scores = (
        {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)} if review else {}
    )
    page = ReviewPage(criteria, review, scores, documents_by_kind(assignment.application_id), None)
    if review is None or review.status != Review.Status.SUBMITTED:
        return page
    others = list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            status=Review.Status.SUBMITTED,
        )
        .exclude(pk=review.pk)
        .select_related("assignment__member__user")
        .order_by("assignment__member__user__full_name", "pk")
    )
    other_scores: dict[int, dict[int, CriterionScore]] = defaultdict(dict)
    for score in CriterionScore.objects.filter(review__in=others).select_related("level"):
        other_scores[score.review_id][score.criterion_id] = score
    page.others = [
        OtherReview(
            str(r.assignment.member.user),
            float(r.score) if r.score is not None else None,
            r.weight_assessed,
            [other_scores[r.pk].get(c.pk) for c in criteria],
            r.overall_comment,
        )
        for r in others
    ]
    everyone = [float(r.score) for r in [review, *others] if r.score is not None]
    page.mean = statistics.fmean(everyone) if everyone else None
    own_levels = {
        s.criterion_id: s.level
        for s in CriterionScore.objects.filter(review=review, level__isnull=False).select_related(
            "level"
        )
    }
    for criterion in criteria:
        top = max((lvl.score for lvl in criterion.levels.all()), default=0)
        values = [
            level_on_100(s[criterion.pk].level.score, top)
            for s in other_scores.values()
            if criterion.pk in s and s[criterion.pk].level is not None
        ]
        if criterion.pk in own_levels:
            values.append(level_on_100(own_levels[criterion.pk].score, top))
        if values:
            page.criterion_means[criterion.pk] = statistics.fmean(values)
    return page
