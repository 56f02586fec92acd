"""Writes that set up a call: its fields, its structure (requirements, questions, rubric)
and its publication. The structure freezes at the first submission."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, Criterion, CriterionLevel, EligibilityRequirement, Question
from coalition.audit import record_event
from coalition.models import User


def call_is_locked(call: Call) -> bool:
    """A call's rubric and questions are frozen once any application has been submitted."""
    return call.applications.exclude(submitted_at__isnull=True).exists() if call.pk else False


@transaction.atomic
def call_save(*, call: Call, actor: User) -> Call:
    """Create or update a call's own fields (title, text, timeline, limits)."""
    created = call.pk is None
    call.full_clean()
    call.save()
    record_event(
        actor=actor,
        action="call.create" if created else "call.edit",
        target=call,
        chapter=call.chapter_id,
    )
    return call


@transaction.atomic
def call_set_structure(
    *,
    call: Call,
    actor: User,
    requirements: list[dict[str, Any]],
    questions: list[dict[str, Any]],
    criteria: list[dict[str, Any]],
) -> None:
    """Replace the call's requirements, questions and rubric.

    `criteria` items carry a "levels" list of {"score", "description"}. Refused once an
    application has been submitted, and when the weights do not sum to 100.
    """
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call_is_locked(call):
        raise ValidationError(
            _("The questions and the rubric cannot change: applications have been submitted.")
        )
    total = sum(int(c["weight"]) for c in criteria)
    if criteria and total != 100:
        raise ValidationError(
            _("The weights of the criteria add up to %(total)s; they must add up to 100.")
            % {"total": total}
        )
    new_requirements = [
        EligibilityRequirement(call=call, position=i, **r) for i, r in enumerate(requirements)
    ]
    new_questions = [Question(call=call, position=i, **q) for i, q in enumerate(questions)]
    new_criteria = [
        (
            Criterion(
                call=call,
                position=i,
                title=data["title"],
                description=data.get("description", ""),
                weight=data["weight"],
            ),
            [
                CriterionLevel(score=lvl["score"], description=lvl["description"])
                for lvl in data.get("levels", [])
            ],
        )
        for i, data in enumerate(criteria)
    ]
    # bulk_create runs no model validation: every row is validated here first, so a value
    # the model refuses (a score over 100, a number beyond its column) never reaches the
    # database, whoever calls this. The structure page's forms report the same at the field.
    _validate_rows(new_requirements, parent="call")
    _validate_rows(new_questions, parent="call")
    _validate_rows([criterion for criterion, _levels in new_criteria], parent="call")
    for _criterion, levels in new_criteria:
        _validate_rows(levels, parent="criterion")
    call.requirements.all().delete()
    call.questions.all().delete()
    call.criteria.all().delete()
    EligibilityRequirement.objects.bulk_create(new_requirements)
    Question.objects.bulk_create(new_questions)
    for criterion, levels in new_criteria:
        criterion.save()
        for level in levels:
            level.criterion = criterion
        CriterionLevel.objects.bulk_create(levels)
    record_event(
        actor=actor,
        action="call.structure",
        target=call,
        chapter=call.chapter_id,
        details={
            "requirements": len(requirements),
            "questions": len(questions),
            "criteria": len(criteria),
        },
    )


def _validate_rows(rows: list, *, parent: str) -> None:
    """`full_clean()` each unsaved row (its parent is not saved yet, or is being replaced);
    the first refusal names the row, counted from 1."""
    for number, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=[parent], validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                _("%(kind)s %(number)s: %(problem)s")
                % {
                    "kind": str(row._meta.verbose_name).capitalize(),
                    "number": number,
                    "problem": " ".join(error.messages),
                }
            ) from error


def call_publication_problems(call: Call) -> list[str]:
    problems = []
    if not (call.opens_at and call.closes_at and call.announces_at):
        problems.append(_("Set the opening, closing and announcement dates."))
    if not call.summary:
        problems.append(_("Write a summary."))
    weights = [c.weight for c in call.criteria.all()]
    if not weights:
        problems.append(_("Define the scoring rubric."))
    elif sum(weights) != 100:
        problems.append(_("The weights of the rubric must add up to 100."))
    return problems


@transaction.atomic
def call_publish(*, call: Call, actor: User) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == Call.Status.PUBLISHED:
        return call
    problems = call_publication_problems(call)
    if problems:
        raise ValidationError(problems)
    call.status = Call.Status.PUBLISHED
    call.published_at = timezone.now()
    call.save(update_fields=["status", "published_at"])
    record_event(
        actor=actor,
        action="call.publish",
        target=call,
        chapter=call.chapter_id,
        from_state=Call.Status.DRAFT,
        to_state=Call.Status.PUBLISHED,
    )
    return call


# --- Applications -------------------------------------------------------------------------
