"""Writing a review: drafts saved as the member types, submission, revisions after it.

A review's content travels as plain data:
    {"overall_comment": str, "applicant_note": str,
     "scores": {criterion_id: {"level": level_id | None, "cannot_assess": bool, "comment": str}}}
Saving checks every level belongs to its criterion of this call (a hostile form cannot score
with another rubric), bumps `version` (a stale tab is told, never overwrites), and recomputes
the stored score. Changes to a submitted review leave a `ReviewRevision` (who, when, old, new).

Audit: creating a review, submitting it and every revision of a submitted review are audit
events; the autosaves of a draft are not, or the log would hold one event per pause in typing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Criterion
from calls.review.models import Assignment, CriterionScore, Review, ReviewRevision
from calls.review.permissions import can_review
from calls.review.scoring import review_score
from coalition.audit import record_event
from coalition.models import User


class StaleReview(ValidationError):
    """The review changed in another tab since this one loaded it."""


def rubric(call_id: int) -> list[Criterion]:
    return list(
        Criterion.objects.filter(call_id=call_id).prefetch_related("levels").order_by("position")
    )


def level_on_100(level_score: int, top: int) -> float:
    """Levels are on the criterion's own scale (e.g. 0-3): the review's score is on 0-100."""
    return 100.0 * level_score / top if top else 0.0


def snapshot(review: Review) -> dict[str, Any]:
    """The review's content as JSON (what a revision keeps as old and new)."""
    return {
        "overall_comment": review.overall_comment,
        "applicant_note": review.applicant_note,
        "scores": {
            str(s.criterion_id): {
                "level": s.level_id,
                "level_score": s.level.score if s.level else None,
                "cannot_assess": s.cannot_assess,
                "comment": s.comment,
            }
            for s in review.scores.select_related("level").order_by("criterion_id")
        },
    }


def clean_scores(criteria: list[Criterion], raw: dict) -> dict[int, dict[str, Any]]:
    """Keep the criteria of this rubric only, with levels of that criterion only."""
    cleaned: dict[int, dict[str, Any]] = {}
    for criterion in criteria:
        item = raw.get(criterion.pk) or raw.get(str(criterion.pk))
        if not item:
            continue
        level_id = item.get("level")
        cannot = bool(item.get("cannot_assess"))
        levels = {lvl.pk: lvl for lvl in criterion.levels.all()}
        if level_id not in (None, ""):
            try:
                level_id = int(level_id)
            except (TypeError, ValueError):
                level_id = None
            if level_id not in levels:
                raise ValidationError(
                    _("Choose one of the levels of “%(criterion)s”.") % {"criterion": criterion}
                )
        else:
            level_id = None
        if cannot:
            level_id = None
        cleaned[criterion.pk] = {
            "level": levels.get(level_id),
            "cannot_assess": cannot,
            "comment": (item.get("comment") or "").strip()[:4000],
        }
    return cleaned


def compute_score(review: Review, criteria: list[Criterion]) -> None:
    chosen = {s.criterion_id: s for s in review.scores.select_related("level")}
    items = []
    for criterion in criteria:
        top = max((lvl.score for lvl in criterion.levels.all()), default=0)
        score = chosen.get(criterion.pk)
        level = score.level if score else None
        items.append((criterion.weight, level_on_100(level.score, top) if level else None))
    result = review_score(items)
    review.score = None if result.score is None else Decimal(str(round(result.score, 2)))
    review.weight_assessed = result.weight_assessed


def incomplete_criteria(review: Review, criteria: list[Criterion]) -> list[Criterion]:
    """Criteria with neither a level nor "cannot assess"."""
    done = {
        s.criterion_id for s in review.scores.all() if s.level_id is not None or s.cannot_assess
    }
    return [c for c in criteria if c.pk not in done]


def _write(review: Review, criteria: list[Criterion], data: dict[str, Any]) -> None:
    review.overall_comment = (data.get("overall_comment") or "").strip()[:10000]
    review.applicant_note = (data.get("applicant_note") or "").strip()[:4000]
    cleaned = clean_scores(criteria, data.get("scores") or {})
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion_id, item in cleaned.items():
        score = existing.get(criterion_id) or CriterionScore(
            review=review, criterion_id=criterion_id
        )
        score.level = item["level"]
        score.cannot_assess = item["cannot_assess"]
        score.comment = item["comment"]
        score.save()


def _check(assignment: Assignment, actor: User) -> None:
    member = assignment.member
    if member.user_id != actor.pk or not can_review(member, assignment):
        raise ValidationError(_("You cannot write this review."))


def _locked_review(assignment: Assignment, version: int) -> Review:
    # The assignment row is the lock: two first saves at once (two tabs) would otherwise
    # both find no review and both create one.
    Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    if review is None:
        if version:
            raise StaleReview(_("This review changed in another window; reload the page."))
        return Review(assignment=assignment, version=0)
    if version != review.version:
        raise StaleReview(_("This review changed in another window; reload the page."))
    return review


@transaction.atomic
def review_save(
    *, assignment: Assignment, actor: User, version: int, data: dict[str, Any]
) -> Review:
    """Save what the member typed: a draft, or a revision of a submitted review."""
    _check(assignment, actor)
    review = _locked_review(assignment, version)
    criteria = rubric(assignment.member.call_id)
    created = review.pk is None
    if created:
        review.save()
    old = None if review.status == Review.Status.DRAFT else snapshot(review)
    _write(review, criteria, data)
    if old is not None and incomplete_criteria(review, criteria):
        raise ValidationError(
            _("A submitted review scores every criterion or says it cannot be assessed.")
        )
    compute_score(review, criteria)
    review.version += 1
    review.save()
    if created:
        record_event(
            actor=actor,
            action="review.start",
            target=review,
            chapter=assignment.member.call.chapter_id,
            details={"application": assignment.application_id},
        )
    if old is not None:
        new = snapshot(review)
        if new != old:
            ReviewRevision.objects.create(review=review, changed_by=actor, old=old, new=new)
            record_event(
                actor=actor,
                action="review.revise",
                target=review,
                chapter=assignment.member.call.chapter_id,
                details={"application": assignment.application_id, "score": str(review.score)},
            )
    return review


@transaction.atomic
def review_submit(
    *, assignment: Assignment, actor: User, version: int, data: dict[str, Any]
) -> Review:
    """Save, then submit: every criterion scored or "cannot assess", at least one scored."""
    review = review_save(assignment=assignment, actor=actor, version=version, data=data)
    if review.status == Review.Status.SUBMITTED:
        return review
    criteria = rubric(assignment.member.call_id)
    missing = incomplete_criteria(review, criteria)
    if missing:
        raise ValidationError(
            [
                _("Choose a level for “%(criterion)s” or say you cannot assess it.")
                % {"criterion": c.title}
                for c in missing
            ]
        )
    if review.score is None:
        raise ValidationError(_("Assess at least one criterion."))
    review.status = Review.Status.SUBMITTED
    review.submitted_at = timezone.now()
    review.version += 1
    review.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    record_event(
        actor=actor,
        action="review.submit",
        target=review,
        chapter=assignment.member.call.chapter_id,
        from_state=Review.Status.DRAFT,
        to_state=Review.Status.SUBMITTED,
        details={
            "application": assignment.application_id,
            "score": str(review.score),
            "weight_assessed": review.weight_assessed,
        },
    )
    return review
