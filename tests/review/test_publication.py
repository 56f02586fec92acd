"""Publication: two people, at the announcement instant (clock moved), exactly once; each
selected city joins the chapter with the call as its cohort; every applicant city's officers
get the decision in their language; officers see it only after publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from calls.models import Call
from calls.review import decisions, publication
from calls.review.models import Decision, ResultsPublication
from calls.review.tasks_results import publish_due_results
from coalition.models import AuditEvent
from municipalities.models import Membership
from tests.factories import OfficerFactory
from tests.review.results_fixtures import set_rubric_levels, write_review

pytestmark = pytest.mark.django_db

NOTE = 'El comité valoró su laboratorio de innovación y el "tablero" de datos.'


@pytest.fixture
def decided(review_call, applications, far_official, expert, staff_user):
    """Peñalolén selected (with a note), Renca on the waiting list, the others not selected."""
    set_rubric_levels(review_call)
    outcomes = ["selected", "waiting_list", "not_selected", "not_selected"]
    for application, outcome in zip(applications, outcomes, strict=True):
        write_review(far_official, application, [4, 4, 4])
        decisions.decision_record(
            application=application,
            actor=staff_user,
            outcome=outcome,
            rationale="Según la rúbrica.",
            note_for_applicant=NOTE if outcome == "selected" else "",
        )
    return applications


@pytest.fixture
def approved(decided, staff_user, second_staff_user):
    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    return publication.publication_approve(publication=proposal, actor=second_staff_user)


# --- Two people -------------------------------------------------------------------------


def test_the_proposer_cannot_approve(decided, staff_user):
    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        publication.publication_approve(publication=proposal, actor=staff_user)
    assert "another staff member" in str(error.value)
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and proposal.approved_by is None


def test_the_proposer_cannot_approve_through_the_page(decided, staff_user, login):
    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    client = login(staff_user)
    page = client.get(reverse("results_overview", args=[decided[0].call.slug]))
    assert reverse("results_approve", args=[decided[0].call.slug, proposal.pk]) not in (
        page.content.decode()
    )
    response = client.post(
        reverse("results_approve", args=[decided[0].call.slug, proposal.pk]), follow=True
    )
    assert "another staff member" in response.content.decode()
    assert ResultsPublication.objects.get().status == "proposed"


def test_another_chapters_staff_cannot_approve(decided, staff_user, other_staff_user, login):
    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    with pytest.raises(PermissionDenied):
        publication.publication_approve(publication=proposal, actor=other_staff_user)
    response = login(other_staff_user).post(
        reverse("results_approve", args=[decided[0].call.slug, proposal.pk])
    )
    assert response.status_code == 403
    assert ResultsPublication.objects.get().status == "proposed"


def test_a_superuser_may_approve(decided, staff_user, superuser):
    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    approved = publication.publication_approve(publication=proposal, actor=superuser)
    assert approved.status == "approved" and approved.approved_by == superuser


def test_every_decision_is_needed_and_changes_void_the_proposal(
    decided, staff_user, second_staff_user
):
    call = decided[0].call
    Decision.objects.filter(application=decided[3]).delete()
    with pytest.raises(ValidationError):
        publication.publication_propose(call=call, actor=staff_user)
    decisions.decision_record(
        application=decided[3], actor=staff_user, outcome="not_selected", rationale="Rúbrica."
    )
    proposal = publication.publication_propose(call=call, actor=staff_user)
    decisions.decision_record(
        application=decided[3], actor=staff_user, outcome="waiting_list", rationale="Revisado."
    )
    with pytest.raises(ValidationError):
        publication.publication_approve(publication=proposal, actor=second_staff_user)


def test_the_database_refuses_one_person_for_both(decided, staff_user):
    from django.db import IntegrityError, transaction

    proposal = publication.publication_propose(call=decided[0].call, actor=staff_user)
    proposal.approved_by = staff_user
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save()


# --- At the announcement instant --------------------------------------------------------


def test_published_at_the_announcement_instant_exactly_once(
    approved, decided, officer, django_capture_on_commit_callbacks, anonymous
):
    call = Call.objects.get(pk=decided[0].call_id)
    instant = call.announces_at
    with django_capture_on_commit_callbacks(execute=True):
        assert publication.results_publish_due(now=instant - timedelta(seconds=1)) == 0
    assert ResultsPublication.objects.get().status == "approved"
    assert not Membership.objects.filter(cohort=call).exists()
    assert (
        "Peñalolén" not in anonymous.get(reverse("call_detail", args=[call.slug])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert publication.results_publish_due(now=instant) == 1
    sent = len(mail.outbox)
    assert sent == 1  # one officer (Peñalolén's); the other cities have none here
    # Beat ticks again, and again: nothing more happens.
    with django_capture_on_commit_callbacks(execute=True):
        assert publication.results_publish_due(now=instant + timedelta(minutes=5)) == 0
        assert publication.results_publish(publication_id=approved.pk, now=instant) is False
    assert len(mail.outbox) == sent
    assert AuditEvent.objects.filter(action="results.publish").count() == 1
    published = ResultsPublication.objects.get()
    assert published.status == "published" and published.published_at == instant


def test_beat_task_reads_the_moved_clock(
    approved, decided, clock, django_capture_on_commit_callbacks
):
    call = Call.objects.get(pk=decided[0].call_id)
    clock.set(call.announces_at - timedelta(minutes=1))
    assert publish_due_results() == 0
    clock.set(call.announces_at + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due_results() == 1
        assert publish_due_results() == 0
    assert ResultsPublication.objects.get().status == "published"


def test_selected_city_joins_with_the_call_as_cohort(
    approved, decided, django_capture_on_commit_callbacks, anonymous
):
    call = Call.objects.get(pk=decided[0].call_id)
    # Renca was a candidate of the chapter already: only Peñalolén (selected) becomes member.
    Membership.objects.create(
        municipality=decided[1].municipality, chapter=call.chapter, status="candidate"
    )
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=call.announces_at)
    membership = Membership.objects.get(municipality=decided[0].municipality)
    assert membership.status == "member" and membership.cohort == call
    assert membership.joined_on == timezone.localtime(call.announces_at, call.chapter.zone).date()
    assert Membership.objects.get(municipality=decided[1].municipality).status == "candidate"
    assert not Membership.objects.filter(municipality=decided[2].municipality).exists()

    page = anonymous.get(reverse("call_detail", args=[call.slug])).content.decode()
    assert reverse("municipality_profile", args=[decided[0].municipality.slug]) in page
    assert "Renca" not in page.split("selected-title")[1].split("</section>")[0]


def test_existing_membership_is_updated(approved, decided, django_capture_on_commit_callbacks):
    call = Call.objects.get(pk=decided[0].call_id)
    Membership.objects.create(
        municipality=decided[0].municipality, chapter=call.chapter, status="candidate"
    )
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=call.announces_at)
    membership = Membership.objects.get(municipality=decided[0].municipality)
    assert (membership.status, membership.cohort) == ("member", call)


def test_officers_get_the_decision_in_their_language(
    approved, decided, officer, other_officer, django_capture_on_commit_callbacks
):
    call = Call.objects.get(pk=decided[0].call_id)
    spanish = OfficerFactory(
        municipality=decided[0].municipality, user__email="es@penalolen.example.org"
    ).user
    assert spanish.language == "es" and officer.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=call.announces_at)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) >= {officer.email, spanish.email, other_officer.email}
    english = by_address[officer.email]
    assert "has been selected" in english.body and NOTE in english.body
    assert "waiting list" in by_address[other_officer.email].body
    assert NOTE not in by_address[other_officer.email].body
    with translation.override("es"):
        coalition = translation.gettext("Municipal AI Coalition")
    assert coalition != "Municipal AI Coalition"
    assert coalition in by_address[spanish.email].alternatives[0][0]
    assert coalition not in english.alternatives[0][0]


def test_officers_of_a_city_screened_out_hear_too(
    review_call, decided, staff_user, second_staff_user, django_capture_on_commit_callbacks
):
    from tests.factories import MunicipalityFactory
    from tests.review.conftest import eligible_application

    city = MunicipalityFactory(chapter=review_call.chapter, name="Lampa", slug="lampa")
    screened_out = eligible_application(review_call, city, staff_user, documents=False)
    screened_out.status = "ineligible"
    screened_out.screening_reason = "Falta la carta firmada por el alcalde."
    screened_out.save(update_fields=["status", "screening_reason"])
    lampa = OfficerFactory(municipality=city, user__language="en").user
    proposal = publication.publication_propose(call=review_call, actor=staff_user)
    publication.publication_approve(publication=proposal, actor=second_staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=review_call.announces_at)
    (message,) = [m for m in mail.outbox if m.to == [lampa.email]]
    assert "did not meet the call's requirements" in message.body
    assert "Falta la carta firmada por el alcalde." in message.body


def test_publish_now_still_needs_two_people(decided, staff_user, second_staff_user):
    call = decided[0].call
    proposal = publication.publication_propose(call=call, actor=staff_user, publish_now=True)
    assert proposal.status == "proposed"
    assert publication.results_publish_due() == 0
    done = publication.publication_approve(publication=proposal, actor=second_staff_user)
    assert done.status == "published"
    assert timezone.now() < call.announces_at


def test_the_full_flow_through_the_pages(
    decided, staff_user, second_staff_user, login, django_capture_on_commit_callbacks
):
    call = decided[0].call
    first, second = login(staff_user), login(second_staff_user)
    assert first.get(reverse("results_ranking_staff", args=[call.slug])).status_code == 200
    first.post(reverse("results_propose", args=[call.slug]))
    proposal = ResultsPublication.objects.get()
    assert proposal.proposed_by == staff_user
    with django_capture_on_commit_callbacks(execute=True):
        second.post(reverse("results_approve", args=[call.slug, proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.approved_by == second_staff_user
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"decision.record", "results.propose", "results.approve"} <= actions


def test_done_when_staff_rank_decide_two_approve_and_the_public_page_shows_the_cities(
    review_call,
    applications,
    far_official,
    expert,
    staff_user,
    second_staff_user,
    login,
    anonymous,
    clock,
    django_capture_on_commit_callbacks,
):
    """The issue's "done when", through the pages: staff see the ranking, record decisions,
    propose; a second staff member approves; beat publishes at the announcement instant
    (clock moved); the public call page lists the selected cities with their profiles."""
    set_rubric_levels(review_call)
    levels_by_city = [[5] * 3, [4] * 3, [1] * 3, [0] * 3]
    for application, levels in zip(applications, levels_by_city, strict=True):
        write_review(far_official, application, levels)
        write_review(expert, application, levels)
    first, second = login(staff_user), login(second_staff_user)
    ranking = first.get(reverse("results_ranking_staff", args=[review_call.slug]))
    html = ranking.content.decode()
    assert html.index("Peñalolén") < html.index("Renca") < html.index("Temuco")
    outcomes = ["selected", "selected", "waiting_list", "not_selected"]
    for application, outcome in zip(applications, outcomes, strict=True):
        response = first.post(
            reverse("results_decision", args=[application.pk]),
            {"outcome": outcome, "rationale": "Según el puntaje y la discusión."},
        )
        assert response.status_code == 302
    first.post(reverse("results_propose", args=[review_call.slug]))
    proposal = ResultsPublication.objects.get()
    second.post(reverse("results_approve", args=[review_call.slug, proposal.pk]))
    detail = reverse("call_detail", args=[review_call.slug])

    clock.set(review_call.announces_at - timedelta(minutes=3))
    assert publish_due_results() == 0
    assert "selected-title" not in anonymous.get(detail).content.decode()

    clock.set(review_call.announces_at + timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_due_results() == 1
    page = anonymous.get(detail).content.decode()
    selected = page.split('id="selected-title"')[1].split("</section>")[0]
    for application in applications[:2]:
        profile = reverse("municipality_profile", args=[application.municipality.slug])
        assert profile in selected
    assert "Viña del Mar" not in selected and "Temuco" not in selected


def test_withdrawn_results_never_publish(approved, decided, staff_user):
    publication.publication_withdraw(publication=approved, actor=staff_user)
    assert publication.results_publish_due(now=decided[0].call.announces_at) == 0


# --- The officer's page -----------------------------------------------------------------


def test_officer_sees_the_decision_only_after_publication(
    approved, decided, officer, far_official, login, django_capture_on_commit_callbacks
):
    officer_client = login(officer)
    url = reverse("application_edit", args=[decided[0].pk])
    before = officer_client.get(url).content.decode()
    assert "Result of the call" not in before and escape(NOTE) not in before
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_publish_due(now=decided[0].call.announces_at)
    after = officer_client.get(url).content.decode()
    assert "Result of the call" in after and "Selected" in after and escape(NOTE) in after
    assert far_official.user.full_name not in after
    assert far_official.user.email not in after


# --- Two beat workers at the same instant (PostgreSQL) --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_publish_once(postgres, approved, decided, officer):
    """Two beat ticks (or a tick and a retried task) race: the row lock lets one publish;
    the other finds `published_at` set and does nothing."""
    import threading

    from django.db import connections

    instant = Call.objects.get(pk=decided[0].call_id).announces_at
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def tick(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = publication.results_publish_due(now=instant)
        except Exception as error:  # reported below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1], results
    assert AuditEvent.objects.filter(action="results.publish").count() == 1
    assert AuditEvent.objects.filter(action="membership.join").count() == 1
    assert [message.to for message in mail.outbox] == [[officer.email]]


def test_public_list_before_the_portal_had_a_committee(review_call, decided, staff_user, clock):
    """A call run before the portal had a committee (no publication at all) shows the cities
    that joined with it once announced; a call whose results await publication shows none."""
    from calls import selectors

    city = decided[0].municipality
    Membership.objects.create(
        municipality=city, chapter=review_call.chapter, status="member", cohort=review_call
    )
    clock.set(review_call.announces_at - timedelta(minutes=1))
    assert selectors.selected_municipalities(review_call) == []
    clock.set(review_call.announces_at)
    assert [m.municipality for m in selectors.selected_municipalities(review_call)] == [city]
    publication.publication_propose(call=review_call, actor=staff_user)
    assert selectors.selected_municipalities(review_call) == []
