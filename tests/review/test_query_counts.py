"""The committee pages run the same number of queries for a small and a larger committee."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calls.review import assignment as assigning
from calls.review import conflicts, reviews
from calls.review.models import Assignment
from tests.calls.test_query_counts import assert_constant, queries
from tests.factories import MunicipalityFactory
from tests.review.conftest import eligible_application, seat

pytestmark = pytest.mark.django_db


def grow(call, staff, *, applications: int, members: int, start: int = 0):
    """Eligible applications with documents and expert members, all assigned by the plan,
    declared free of conflict, reviewed and submitted."""
    call.reviewers_per_application = 3
    call.review_load_cap = 50
    call.save()
    for i in range(start, applications):
        city = MunicipalityFactory(chapter=call.chapter, name=f"Comuna {i:02d}", region=f"R{i}")
        eligible_application(call, city, staff)
    for i in range(start, members):
        seat(call, staff, email=f"m{i}@x.org", kind="expert", affiliation=f"U{i}")
    _state, plan = assigning.auto_plan(call)
    assigning.plan_confirm(call=call, actor=staff, fingerprint=plan.fingerprint)
    criteria = reviews.rubric(call.pk)
    for assignment in Assignment.objects.select_related("member__user", "application"):
        if conflicts.ConflictDeclaration.objects.filter(
            member=assignment.member, application=assignment.application
        ).exists():
            continue
        conflicts.declare(
            member=assignment.member,
            application=assignment.application,
            actor=assignment.member.user,
            has_conflict=False,
        )
        reviews.review_submit(
            assignment=assignment,
            actor=assignment.member.user,
            version=0,
            data={"scores": {c.pk: {"level": c.levels.all()[0].pk} for c in criteria}},
        )


def first_assignment_of(email: str) -> Assignment:
    return Assignment.objects.filter(member__user__email=email).order_by("pk").first()


def member_pages(login, email: str):
    assignment = first_assignment_of(email)
    member = assignment.member
    return login(member.user), [
        reverse("committee_dashboard"),
        reverse("review_edit", args=[assignment.pk]),
    ]


def test_member_pages_constant(login, review_call, staff_user):
    grow(review_call, staff_user, applications=3, members=3)
    client, urls = member_pages(login, "m0@x.org")
    few = [queries(client, url) for url in urls]
    grow(review_call, staff_user, applications=12, members=7, start=3)
    # The same member now has more assignments, and the application more reviews.
    client, urls = member_pages(login, "m0@x.org")
    assert Assignment.objects.filter(member__user__email="m0@x.org").count() > 3
    many = [queries(client, url) for url in urls]
    for small, large in zip(few, many, strict=True):
        assert_constant(small, large)


def test_staff_pages_constant(staff_client, review_call, staff_user):
    grow(review_call, staff_user, applications=3, members=3)
    urls = [
        reverse("committee_manage", args=[review_call.slug]),
        reverse("committee_assignments", args=[review_call.slug]),
        reverse("committee_assignments", args=[review_call.slug]) + "?plan=1",
    ]
    few = [queries(staff_client, url) for url in urls]
    grow(review_call, staff_user, applications=12, members=7, start=3)
    many = [queries(staff_client, url) for url in urls]
    for small, large in zip(few, many, strict=True):
        assert_constant(small, large)
