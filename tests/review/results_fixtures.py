"""Helpers and fixtures for the results tests (ranking, decisions, publication, access).

Reviews are written straight to the models here, with the score computed by the same
arithmetic as the review service (`calls.review.scoring`): these tests are about what
happens after reviewing. The committee's own tests drive the review service itself.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from calls.models import Application, Criterion, CriterionLevel
from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    Review,
)
from calls.review.scoring import review_score
from tests.factories import ChapterStaffFactory, UserFactory, enable_totp


def levels_of(call) -> list[tuple[Criterion, dict[int, CriterionLevel]]]:
    return [
        (criterion, {level.score: level for level in criterion.levels.all()})
        for criterion in Criterion.objects.filter(call=call)
        .prefetch_related("levels")
        .order_by("position", "id")
    ]


def write_review(
    member,
    application: Application,
    levels: list[int | None],
    *,
    submit: bool = True,
    note: str = "",
) -> Review:
    """`member` reviews `application`: one level score per criterion (None: cannot assess).

    Declares no conflict first, as a member must before opening an application.
    """
    ConflictDeclaration.objects.get_or_create(
        member=member, application=application, defaults={"has_conflict": False}
    )
    assignment, _ = Assignment.objects.get_or_create(member=member, application=application)
    review, _ = Review.objects.get_or_create(assignment=assignment)
    rubric = levels_of(application.call)
    assert len(levels) == len(rubric)
    items = []
    for (criterion, by_score), chosen in zip(rubric, levels, strict=True):
        level = None if chosen is None else by_score[chosen]
        CriterionScore.objects.update_or_create(
            review=review,
            criterion=criterion,
            defaults={"level": level, "cannot_assess": chosen is None},
        )
        top = max(by_score)
        items.append((criterion.weight, None if chosen is None else 100 * chosen / top))
    result = review_score(items)
    review.score = None if result.score is None else Decimal(str(round(result.score, 2)))
    review.weight_assessed = result.weight_assessed
    review.applicant_note = note
    if submit:
        review.status = Review.Status.SUBMITTED
    review.save()
    return review


def set_rubric_levels(call, scores=(0, 1, 2, 3, 4, 5)) -> None:
    """Give every criterion of `call` the levels `scores` (the fixture rubric has 0 and 5)."""
    for criterion in Criterion.objects.filter(call=call):
        for score in scores:
            CriterionLevel.objects.get_or_create(
                criterion=criterion, score=score, defaults={"description": f"Nivel {score}"}
            )


@pytest.fixture
def rubric(review_call):
    """Levels 0-5 on each of the three criteria (weights 40, 35, 25)."""
    set_rubric_levels(review_call)
    return levels_of(review_call)


@pytest.fixture
def second_staff_user(chapter):
    """Another staff member of the same chapter: the second person of the two-person rule."""
    user = ChapterStaffFactory(
        chapter=chapter, user__email="staff2@ciar.example.org", user__language="en"
    ).user
    enable_totp(user)
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(email="admin@coalicion.example.org", language="en", is_superuser=True)
    enable_totp(user)
    return user
