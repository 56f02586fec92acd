"""Decisions: a mandatory rationale, a frozen snapshot of the scores, eligible applications
only, and no change once the results are approved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from calls.models import Application
from calls.review import decisions, publication
from calls.review.models import Decision, Review
from calls.review.ranking import call_ranking
from coalition.models import AuditEvent
from tests.review.results_fixtures import (
    set_rubric_levels,
    write_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(review_call, applications, far_official, expert):
    set_rubric_levels(review_call)
    write_review(far_official, applications[0], [5, 4, 3])
    write_review(expert, applications[0], [3, 3, 3])
    write_review(expert, applications[1], [1, 1, 1])
    return applications


def decide(application, actor, outcome=Decision.Outcome.SELECTED, **extra):
    return decisions.decision_record(
        application=application,
        actor=actor,
        outcome=outcome,
        rationale=extra.pop("rationale", "Plan sólido y equipo dedicado."),
        **extra,
    )


def test_recording_freezes_the_scores_it_rests_on(reviewed, staff_user, far_official):
    application = reviewed[0]
    before = call_ranking(application.call).row(application.pk).mean
    decision = decide(application, staff_user, note_for_applicant="¡Bienvenidos!")
    assert decision.score_snapshot["mean"] == pytest.approx(before, abs=0.01)
    assert len(decision.score_snapshot["reviews"]) == 2
    frozen = dict(decision.score_snapshot)

    # A reviewer revises later: the ranking moves, the decision's snapshot does not.
    write_review(far_official, application, [0, 0, 0])
    assert call_ranking(application.call).row(application.pk).mean != pytest.approx(before)
    decision.refresh_from_db()
    assert decision.score_snapshot == frozen
    assert AuditEvent.objects.filter(action="decision.record", to_state="selected").exists()


def test_snapshot_names_no_reviewer(reviewed, staff_user, far_official):
    decision = decide(reviewed[0], staff_user)
    text = str(decision.score_snapshot)
    assert far_official.user.full_name not in text and far_official.user.email not in text


def test_rationale_is_mandatory(reviewed, staff_user, login):
    with pytest.raises(ValidationError):
        decide(reviewed[0], staff_user, rationale="   ")
    response = login(staff_user).post(
        reverse("results_decision", args=[reviewed[0].pk]),
        {"outcome": "selected", "rationale": "  ", "note_for_applicant": "Nota"},
    )
    assert response.status_code == 200
    assert not Decision.objects.exists()
    # What the user typed is still there.
    assert "Nota" in response.content.decode()


def test_recording_through_the_page(reviewed, staff_user, login):
    response = login(staff_user).post(
        reverse("results_decision", args=[reviewed[1].pk]),
        {"outcome": "waiting_list", "rationale": "Buen plan, poco equipo."},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=reviewed[1])
    assert decision.outcome == "waiting_list" and decision.decided_by == staff_user


def test_only_eligible_applications_get_a_decision(reviewed, staff_user, login):
    application = reviewed[2]
    Application.objects.filter(pk=application.pk).update(status=Application.Status.INELIGIBLE)
    application.refresh_from_db()
    with pytest.raises(PermissionDenied):
        decide(application, staff_user)
    response = login(staff_user).post(
        reverse("results_decision", args=[application.pk]),
        {"outcome": "selected", "rationale": "x"},
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_unknown_outcome_is_refused(reviewed, staff_user):
    with pytest.raises(ValidationError):
        decide(reviewed[0], staff_user, outcome="accepted")


def test_decisions_freeze_once_results_are_approved(reviewed, staff_user, second_staff_user):
    for application in reviewed:
        decide(application, staff_user, outcome=Decision.Outcome.NOT_SELECTED)
    proposal = publication.publication_propose(call=reviewed[0].call, actor=staff_user)
    publication.publication_approve(publication=proposal, actor=second_staff_user)
    with pytest.raises(ValidationError):
        decide(reviewed[0], staff_user, outcome=Decision.Outcome.SELECTED)
    assert Decision.objects.get(application=reviewed[0]).outcome == "not_selected"


def test_draft_reviews_are_not_in_the_snapshot(reviewed, staff_user, second_expert):
    write_review(second_expert, reviewed[0], [0, 0, 0], submit=False)
    decision = decide(reviewed[0], staff_user)
    assert len(decision.score_snapshot["reviews"]) == 2
    assert Review.objects.filter(assignment__application=reviewed[0]).count() == 3


def test_decision_page_shows_reviewers_notes_without_names(
    reviewed, staff_user, far_official, login
):
    write_review(far_official, reviewed[0], [5, 4, 3], note="Sigan con el laboratorio.")
    html = login(staff_user).get(reverse("results_decision", args=[reviewed[0].pk])).content
    html = html.decode()
    assert "Sigan con el laboratorio." in html
    assert far_official.user.full_name not in html
