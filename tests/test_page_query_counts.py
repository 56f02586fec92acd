"""Pages not covered by the per-app query-count tests: the same number of queries with a
little and with a lot of data."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Application
from municipalities.models import Officer, ProfileRevision
from tests.factories import (
    CallFactory,
    ChapterStaffFactory,
    CommitteeMemberFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def grow(home, officer_user, committee_user, n: int) -> None:
    """Add `n` of everything the pages below list."""
    staff_chapter = home.chapter
    for _ in range(n):
        municipality = MunicipalityFactory(chapter=staff_chapter)
        OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)
        OfficerFactory(municipality=municipality, user=officer_user)
        ProfileRevision.objects.create(
            municipality=home, author=officer_user, changes={"mayor": {"old": "", "new": "X"}}
        )
        call = CallFactory(chapter=staff_chapter)
        CommitteeMemberFactory(call=call, user=committee_user)
        Application.objects.create(call=call, municipality=municipality)


@pytest.fixture
def people():
    staff = ChapterStaffFactory().user
    enable_totp(staff)
    officer = UserFactory()
    committee = UserFactory()
    enable_totp(committee)
    home = MunicipalityFactory(chapter=staff.chapter_roles.get().chapter, slug="home-city")
    OfficerFactory(municipality=home, user=officer)
    return staff, officer, committee, home


def test_dashboards_and_member_pages_run_a_fixed_number_of_queries(client, people):
    staff, officer, committee, home = people
    pages = [
        (officer, reverse("officer_dashboard")),
        (officer, reverse("represent")),
        (officer, reverse("municipality_edit", args=[home.slug])),
        (officer, reverse("municipality_history", args=[home.slug])),
        (committee, reverse("committee_dashboard")),
        (staff, reverse("staff_dashboard")),
        (staff, reverse("officer_requests")),
        (staff, reverse("staff_call_list")),
        (UserFactory(), reverse("dashboard")),
        (None, reverse("home")),
        (None, reverse("call_list")),
    ]

    def measure():
        counts = []
        for user, url in pages:
            client.logout()
            if user is not None:
                client.force_login(user)
            counts.append(count(client, url))
        return counts

    grow(home, officer, committee, 2)
    few = measure()
    grow(home, officer, committee, 15)
    many = measure()
    assert many == few, list(zip([url for _u, url in pages], few, many, strict=True))
