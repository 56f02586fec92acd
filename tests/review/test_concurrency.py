# ruff: noqa: F811  (the shared_database fixture is imported and used as a parameter)
"""Two tabs of one member save the first draft of a review at the same instant: one wins,
the other is told the review changed; nobody gets a 500 and no second review appears.
Runs on PostgreSQL (row locks); on SQLite the calls tests' file copy is used."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from calls.review import assignment as assigning
from calls.review import conflicts, reviews
from calls.review.models import Review, ReviewRevision
from tests.calls.test_concurrency import ROUNDS, at_once, shared_database  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_two_tabs_first_save_at_once(shared_database, expert, application, staff_user):
    assignment = assigning.assign(member=expert, application=application, actor=staff_user)
    conflicts.declare(member=expert, application=application, actor=expert.user, has_conflict=False)
    criteria = reviews.rubric(application.call_id)
    url = reverse("review_edit", args=[assignment.pk])
    shared_database()
    for round_number in range(ROUNDS * 4):
        Review.objects.all().delete()

        def save(level_index: int, comment: str):
            client = Client()
            client.force_login(expert.user)
            data = {
                "version": 0,
                f"c{criteria[0].pk}": str(criteria[0].levels.all()[level_index].pk),
                "overall_comment": comment,
            }
            return client.post(url, data, **HTMX)

        first, second = at_once(
            lambda n=round_number: save(0, f"pestaña A {n}"),
            lambda n=round_number: save(1, f"pestaña B {n}"),
        )
        assert {first.status_code, second.status_code} == {200}
        bodies = [first.content.decode(), second.content.decode()]
        assert sum("Saved at" in body for body in bodies) == 1, bodies
        assert sum("changed in another window" in body for body in bodies) == 1, bodies
        review = Review.objects.get()
        assert review.version == 1
        assert not ReviewRevision.objects.exists()
