"""Hostile tests: an unassigned member, a conflicted member, an officer of the applicant city
and another chapter's staff cannot read or change any review, score, declaration or
assignment, by URL or by form field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calls.review import assignment as assigning
from calls.review import conflicts, permissions, reviews
from calls.review.models import Assignment, ConflictDeclaration, ConflictFlag, Review
from tests.calls.helpers import make_call
from tests.factories import CommitteeMemberFactory, enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(expert, application, staff_user, review_call):
    """The expert's assignment to Peñalolén, declared free of conflict, with a draft."""
    assignment = assigning.assign(member=expert, application=application, actor=staff_user)
    conflicts.declare(member=expert, application=application, actor=expert.user, has_conflict=False)
    criteria = reviews.rubric(review_call.pk)
    reviews.review_save(
        assignment=assignment,
        actor=expert.user,
        version=0,
        data={
            "overall_comment": "SECRETO-DEL-BORRADOR",
            "scores": {criteria[0].pk: {"level": criteria[0].levels.all()[0].pk}},
        },
    )
    return assignment


def member_urls(assignment) -> list[str]:
    document = assignment.application.documents.first()
    return [
        reverse("review_edit", args=[assignment.pk]),
        reverse("review_declare", args=[assignment.pk]),
        reverse("review_document", args=[assignment.pk, document.pk]),
        reverse("review_dossier", args=[assignment.pk]),
    ]


def assert_nothing_leaks(client, assignment, *, statuses=(403, 404)) -> None:
    for url in member_urls(assignment):
        response = client.get(url)
        assert response.status_code in statuses, url
        assert b"SECRETO-DEL-BORRADOR" not in response.content
        assert b"%PDF" not in response.content


def assert_cannot_write(client, assignment, *, statuses=(403, 404)) -> None:
    review = Review.objects.get(assignment=assignment)
    before = (review.version, review.overall_comment)
    posts = [
        (reverse("review_edit", args=[assignment.pk]), {"version": review.version}),
        (
            reverse("review_edit", args=[assignment.pk]),
            {"version": review.version, "action": "submit", "overall_comment": "hostil"},
        ),
        (
            reverse("review_declare", args=[assignment.pk]),
            {"has_conflict": "yes", "kind": "other"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in statuses, url
    review.refresh_from_db()
    assert (review.version, review.overall_comment) == before
    assert ConflictDeclaration.objects.filter(application=assignment.application).count() == 1


def test_unassigned_member_sees_and_changes_nothing(member_client, opened, second_expert):
    client = member_client(second_expert)
    assert_nothing_leaks(client, opened, statuses=(404,))
    assert_cannot_write(client, opened, statuses=(404,))


def test_conflicted_member_sees_nothing_by_any_url(
    member_client, opened, expert, application, staff_user, second_expert
):
    # The expert learns of a tie after opening it: declaring it closes every door at once.
    conflicts.declare(
        member=expert,
        application=application,
        actor=expert.user,
        has_conflict=True,
        kind="worked_for",
        note="Asesoré al municipio en 2025.",
    )
    client = member_client(expert)
    for url in member_urls(opened):
        assert client.get(url).status_code == 404, url
    assert not permissions.can_open_application(expert.user, application)
    # The dashboard shows the row as a conflict, with no link into it.
    dashboard = client.get(reverse("committee_dashboard")).content.decode()
    assert reverse("review_edit", args=[opened.pk]) not in dashboard


def test_detected_conflict_closes_an_existing_assignment(
    member_client, applications, far_official, staff_user
):
    vina = applications[2]
    flag = ConflictFlag.objects.get(member=far_official, application=vina)
    conflicts.flag_decide(flag=flag, actor=staff_user, confirm=False, reason="Sin vínculo")
    assignment = assigning.assign(member=far_official, application=vina, actor=staff_user)
    conflicts.declare(
        member=far_official, application=vina, actor=far_official.user, has_conflict=False
    )
    assert (
        member_client(far_official).get(reverse("review_edit", args=[assignment.pk])).status_code
        == 200
    )
    ConflictFlag.objects.filter(pk=flag.pk).update(status=ConflictFlag.Status.CONFIRMED)
    for url in member_urls(assignment):
        assert member_client(far_official).get(url).status_code == 404, url


def test_officer_of_the_applicant_city_never_reviews_it(
    member_client, applicant_officer_member, application, staff_user
):
    # The auto plan and manual assignment refuse the pair ...
    with pytest.raises(Exception, match="conflict"):
        assigning.assign(member=applicant_officer_member, application=application, actor=staff_user)
    # ... and an assignment made before they became an officer leads nowhere.
    assignment = Assignment.objects.create(member=applicant_officer_member, application=application)
    for url in member_urls(assignment):
        assert member_client(applicant_officer_member).get(url).status_code == 404, url


def test_applicant_officer_and_other_chapter_staff_are_kept_out(
    login, opened, officer, other_staff_user, review_call
):
    for user in (officer, other_staff_user):
        client = login(user)
        assert_nothing_leaks(client, opened)
        assert_cannot_write(client, opened)
        for url in (
            reverse("committee_manage", args=[review_call.slug]),
            reverse("committee_assignments", args=[review_call.slug]),
        ):
            assert client.get(url).status_code in (403, 404), url


def test_other_chapter_staff_cannot_change_the_committee(
    login, other_staff_user, review_call, members, applications, opened
):
    client = login(other_staff_user)
    flag = ConflictFlag.objects.filter(status="potential").first()
    count = Assignment.objects.count()
    responses = [
        client.post(
            reverse("committee_assignments", args=[review_call.slug]),
            {
                "action": "bulk",
                "members": [m.pk for m in members],
                "applications": [a.pk for a in applications],
            },
        ),
        client.post(
            reverse("committee_assignments", args=[review_call.slug]),
            {"action": "unassign", "assignment": opened.pk},
        ),
        client.post(
            reverse("committee_flag_decide", args=[review_call.slug, flag.pk]),
            {"decision": "dismiss", "reason": "hostil"},
        ),
        client.post(
            reverse("committee_member_withdraw", args=[review_call.slug, members[0].pk]),
        ),
        client.post(
            reverse("committee_manage", args=[review_call.slug]),
            {"action": "settings", "reviewers_per_application": 1, "review_load_cap": 1},
        ),
    ]
    assert all(r.status_code in (403, 404) for r in responses)
    assert Assignment.objects.count() == count
    flag.refresh_from_db()
    assert flag.status == "potential"
    review_call.refresh_from_db()
    assert review_call.reviewers_per_application == 3


def test_staff_cannot_reach_another_calls_records_through_their_own_call(
    staff_client, staff_user, chapter, opened, members, review_call
):
    """Staff of the chapter posting ids of a call they do not run through the page of one
    they do: the ids are checked against the call in the URL."""
    from django.utils import timezone

    now = timezone.now()
    own_call = make_call(
        chapter,
        staff_user,
        slug="otra-convocatoria",
        opens_at=now - timezone.timedelta(days=3),
        closes_at=now + timezone.timedelta(days=3),
    )
    url = reverse("committee_assignments", args=[own_call.slug])
    assert (
        staff_client.post(url, {"action": "unassign", "assignment": opened.pk}).status_code == 404
    )
    assert Assignment.objects.filter(pk=opened.pk).exists()
    response = staff_client.post(
        url,
        {"action": "bulk", "members": [members[0].pk], "applications": [opened.application_id]},
    )
    assert response.status_code == 400
    withdraw = reverse("committee_member_withdraw", args=[own_call.slug, members[0].pk])
    assert staff_client.post(withdraw).status_code == 404


def test_a_level_of_another_criterion_is_refused(member_client, opened, expert, review_call):
    criteria = reviews.rubric(review_call.pk)
    foreign_level = criteria[1].levels.all()[0]
    review = Review.objects.get(assignment=opened)
    response = member_client(expert).post(
        reverse("review_edit", args=[opened.pk]),
        {"version": review.version, f"c{criteria[0].pk}": str(foreign_level.pk)},
    )
    assert response.status_code == 400
    # The service refuses it too, whatever form it comes through.
    with pytest.raises(Exception, match="levels"):
        reviews.review_save(
            assignment=opened,
            actor=expert.user,
            version=review.version,
            data={"scores": {criteria[0].pk: {"level": foreign_level.pk}}},
        )
    review.refresh_from_db()
    assert review.scores.get(criterion=criteria[0]).level_id == criteria[0].levels.all()[0].pk


@pytest.mark.usefixtures("english_interface")
def test_a_member_cannot_write_another_members_review_through_the_service(
    opened, second_expert, review_call
):
    with pytest.raises(Exception, match="cannot write"):
        reviews.review_save(
            assignment=opened, actor=second_expert.user, version=2, data={"overall_comment": "x"}
        )


def test_member_of_another_call_is_not_a_member_here(login, opened, chapter, db):
    stranger = CommitteeMemberFactory(call__chapter=chapter, user__email="otro@x.org").user
    enable_totp(stranger)
    client = login(stranger)
    assert_nothing_leaks(client, opened, statuses=(404,))


def test_staff_of_the_chapter_may_open_every_application(staff_user, application):
    assert permissions.can_open_application(staff_user, application)


def test_member_without_authenticator_is_sent_to_set_it_up(login, expert, opened):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=expert.user).delete()
    response = login(expert.user).get(reverse("review_edit", args=[opened.pk]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")
