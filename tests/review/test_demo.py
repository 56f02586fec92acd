"""The demo's committees: consistent with the past call's selected cities, content for every
new screen, and `seed_demo` still idempotent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calls import selectors
from calls.models import Call, CommitteeMember
from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    ConflictFlag,
    Decision,
    ResultsPublication,
    Review,
)
from calls.review.ranking import call_ranking
from coalition.demo import seed_demo
from coalition.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_committees(anonymous):
    seed_demo()
    counts = (Review.objects.count(), Decision.objects.count(), AuditEvent.objects.count())
    seed_demo()  # idempotent: nothing is added the second time
    assert (Review.objects.count(), Decision.objects.count()) == counts[:2]

    past = Call.objects.get(slug="ciiar-argentina-2025")
    seats = CommitteeMember.objects.filter(call=past)
    assert seats.count() == 5
    assert seats.filter(kind="official").count() == 3 and seats.filter(kind="expert").count() == 2
    assert ConflictFlag.objects.filter(member__call=past, status="confirmed").exists()
    assert ConflictDeclaration.objects.filter(member__call=past, has_conflict=True).exists()
    assert ResultsPublication.objects.get(call=past).status == "published"
    shown = {item.municipality.slug for item in selectors.selected_municipalities(past)}
    assert shown == {"godoy-cruz", "rafaela", "bahia-blanca"}
    ranking = call_ranking(past)
    assert all(row.submitted == 3 for row in ranking.rows)
    page = anonymous.get(reverse("call_detail", args=[past.slug])).content.decode()
    assert reverse("municipality_profile", args=["godoy-cruz"]) in page

    current = Call.objects.get(slug="ciar-chile-2027")
    mine = Assignment.objects.filter(
        member__call=current, member__user__email="comite@demo.coalicion.test"
    )
    statuses = sorted(str(getattr(getattr(a, "review", None), "status", "waiting")) for a in mine)
    assert statuses == ["submitted", "waiting"]
