"""Staff's decision on each eligible application, with the scores it rested on frozen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application
from calls.review.models import CriterionScore, Decision, ResultsPublication, Review
from calls.review.ranking import call_ranking, conflicted
from calls.review.results_access import can_decide_application
from coalition.audit import record_event
from coalition.models import User


def score_snapshot(application: Application) -> dict[str, Any]:
    """The scores a decision rests on, as plain JSON: later revisions of reviews leave it as
    it was. Reviewers are kept by review id only, never by name."""
    ranking = call_ranking(application.call)
    row = ranking.row(application.pk)
    reviews = list(
        Review.objects.filter(assignment__application=application, status=Review.Status.SUBMITTED)
        .exclude(conflicted("assignment"))
        .order_by("id")
        .values_list("id", "score", "weight_assessed", "version")
    )
    levels: dict[int, dict[str, Any]] = {}
    for review_id, criterion_id, level_score, cannot_assess in CriterionScore.objects.filter(
        review_id__in=[pk for pk, *_rest in reviews]
    ).values_list("review_id", "criterion_id", "level__score", "cannot_assess"):
        levels.setdefault(review_id, {})[str(criterion_id)] = None if cannot_assess else level_score

    def number(value) -> float | None:
        return None if value is None else round(float(value), 2)

    return {
        "taken_at": timezone.now().isoformat(),
        "mean": number(row.mean) if row else None,
        "median": number(row.median) if row else None,
        "low": number(row.low) if row else None,
        "high": number(row.high) if row else None,
        "stdev": number(row.stdev) if row else None,
        "coverage": number(row.coverage) if row else None,
        "adjusted": number(row.adjusted) if row else None,
        "rank": row.rank if row else None,
        "submitted": row.submitted if row else 0,
        "assigned": row.assigned if row else 0,
        "per_criterion": {
            str(pk): number(value) for pk, value in (row.per_criterion.items() if row else [])
        },
        "reviews": [
            {
                "review": pk,
                "score": number(score),
                "weight_assessed": weight,
                "version": version,
                "levels": levels.get(pk, {}),
            }
            for pk, score, weight, version in reviews
        ],
    }


def reviewer_notes(application: Application) -> list[str]:
    """The reviewers' optional notes for the applicant, without names: material for the
    committee's note, which is the only one the city receives."""
    return [
        note
        for note in Review.objects.filter(
            assignment__application=application, status=Review.Status.SUBMITTED
        )
        .exclude(conflicted("assignment"))
        .exclude(applicant_note="")
        .order_by("id")
        .values_list("applicant_note", flat=True)
    ]


def results_locked(call_id: int) -> bool:
    """Decisions stay editable until a publication is approved; published ones never change."""
    return ResultsPublication.objects.filter(
        call_id=call_id,
        status__in=[ResultsPublication.Status.APPROVED, ResultsPublication.Status.PUBLISHED],
    ).exists()


@transaction.atomic
def decision_record(
    *,
    application: Application,
    actor: User,
    outcome: str,
    rationale: str,
    note_for_applicant: str = "",
) -> Decision:
    """Record (or change) the decision on an eligible application, freezing its scores."""
    if not can_decide_application(actor, application):
        raise PermissionDenied
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": _("Choose selected, waiting list or not selected.")})
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": _("Every decision needs its rationale.")})
    # Lock the application row so two staff members deciding at once queue, not interleave.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    if results_locked(application.call_id):
        raise ValidationError(
            _("The results of this call are approved or published: decisions can no longer change.")
        )
    previous = Decision.objects.filter(application=application).first()
    decision = previous or Decision(application=application)
    from_state = previous.outcome if previous else ""
    decision.outcome = outcome
    decision.rationale = rationale
    decision.note_for_applicant = note_for_applicant.strip()
    decision.decided_by = actor
    decision.score_snapshot = score_snapshot(application)
    decision.save()
    record_event(
        actor=actor,
        action="decision.record",
        target=decision,
        chapter=application.call.chapter_id,
        from_state=from_state,
        to_state=outcome,
        details={"application": application.pk, "mean": decision.score_snapshot.get("mean")},
    )
    return decision


def call_decisions(call_id: int) -> dict[int, Decision]:
    return {
        decision.application_id: decision
        for decision in Decision.objects.filter(application__call_id=call_id)
    }
