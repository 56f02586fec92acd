"""The staff side of the committee pages: naming members and inviting them, the review
deadline in the chapter's time zone, decisions on detected conflicts, the assignment matrix
with the automatic plan shown before confirming, closing the committee."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calls.models import CommitteeMember
from calls.review.models import Assignment, ConflictFlag, Invitation, Review
from coalition.models import AuditEvent
from tests.review.test_review_flow import declared

pytestmark = pytest.mark.django_db


def test_staff_name_existing_user_and_invite_by_email(
    staff_client, review_call, santiago, plain_user, django_capture_on_commit_callbacks
):
    url = reverse("committee_manage", args=[review_call.slug])
    response = staff_client.post(
        url,
        {
            "action": "name",
            "email": plain_user.email,
            "kind": "official",
            "municipality": santiago.pk,
        },
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(user=plain_user)
    assert member.kind == "official" and member.municipality == santiago
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {
                "action": "name",
                "email": "nueva.experta@example.org",
                "kind": "expert",
                "affiliation": "Universidad",
                "is_chair": "on",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.is_chair
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["nueva.experta@example.org"]
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "nueva.experta@example.org" in page.content.decode()


def test_official_must_represent_a_founding_city(staff_client, review_call, municipality):
    response = staff_client.post(
        reverse("committee_manage", args=[review_call.slug]),
        {
            "action": "name",
            "email": "x@example.org",
            "kind": "official",
            "municipality": municipality.pk,
        },
    )
    assert response.status_code == 400
    assert not CommitteeMember.objects.exists()


def test_review_deadline_is_read_in_the_chapter_zone(staff_client, review_call):
    response = staff_client.post(
        reverse("committee_manage", args=[review_call.slug]),
        {
            "action": "settings",
            "review_deadline": (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%d")
            + "T18:00",
            "reviewers_per_application": 2,
            "review_load_cap": 4,
        },
    )
    assert response.status_code == 302
    review_call.refresh_from_db()
    local = timezone.localtime(review_call.review_deadline, review_call.chapter.zone)
    assert (local.hour, local.minute) == (18, 0)
    assert review_call.reviewers_per_application == 2 and review_call.review_load_cap == 4


def test_invitation_accept_needs_the_invited_address_then_mfa(
    client, review_call, staff_user, plain_user
):
    from calls.review import committee

    invitation = committee.member_invite(
        call=review_call, email=plain_user.email, actor=staff_user, kind="expert"
    )
    other = committee.member_invite(
        call=review_call, email="someone@else.example.org", actor=staff_user, kind="expert"
    )
    client.force_login(plain_user)
    wrong = client.post(reverse("committee_invitation_accept", args=[other.token]))
    assert wrong.status_code == 400
    response = client.post(reverse("committee_invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert CommitteeMember.objects.filter(user=plain_user, call=review_call).exists()
    # No authenticator yet: the committee area sends them to set one up.
    dashboard = client.get(response.url)
    assert dashboard.status_code == 302, (response.url, [t.name for t in dashboard.templates][:3])
    assert dashboard.url == reverse("mfa_required")


def test_flag_decision_needs_a_reason(staff_client, official, applications, review_call):
    flag = ConflictFlag.objects.get(member=official, application=applications[0])
    assert flag.status == ConflictFlag.Status.POTENTIAL
    url = reverse("committee_flag_decide", args=[review_call.slug, flag.pk])
    staff_client.post(url, {"decision": "dismiss", "reason": ""})
    flag.refresh_from_db()
    assert flag.status == ConflictFlag.Status.POTENTIAL
    staff_client.post(url, {"decision": "dismiss", "reason": "Otra provincia, sin vínculo."})
    flag.refresh_from_db()
    assert flag.status == ConflictFlag.Status.DISMISSED
    assert flag.decision_reason == "Otra provincia, sin vínculo."
    assert AuditEvent.objects.filter(action="committee.conflict_decide").exists()


def test_matrix_plan_shown_before_confirm(
    staff_client, members, applications, review_call, django_capture_on_commit_callbacks
):
    url = reverse("committee_assignments", args=[review_call.slug])
    preview = staff_client.get(url + "?plan=1")
    assert preview.status_code == 200
    assert not Assignment.objects.exists()
    plan = preview.context["page"].plan
    assert plan.pairs
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "confirm", "fingerprint": plan.fingerprint})
    assert response.status_code == 302
    assert Assignment.objects.count() == len(plan.pairs)
    # Each member is told once, in their language.
    assert len(mail.outbox) == len({m for m, _a in plan.pairs})
    # A stale plan is refused.
    response = staff_client.post(url, {"action": "confirm", "fingerprint": plan.fingerprint})
    assert Assignment.objects.count() == len(plan.pairs)


def test_staff_close_the_committee_then_reviews_are_frozen(
    staff_client, member_client, expert, application, staff_user, review_call
):
    assignment = declared(expert, application, staff_user)
    url = reverse("committee_manage", args=[review_call.slug])
    assert staff_client.post(url, {"action": "close"}).status_code == 302
    review_call.refresh_from_db()
    assert review_call.committee_closed_at is not None
    assert AuditEvent.objects.filter(action="committee.close").exists()
    page = member_client(expert).get(reverse("review_edit", args=[assignment.pk]))
    assert "can no longer change" in page.content.decode()
    response = member_client(expert).post(
        reverse("review_edit", args=[assignment.pk]), {"version": 0, "action": "submit"}
    )
    assert response.status_code == 403
    assert not Review.objects.exists()
