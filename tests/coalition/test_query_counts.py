"""Staff pages run the same number of queries whatever the amount of data behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coalition.audit import record_event
from coalition.models import AuditEvent, ChapterStaff, GeneratedDocument
from municipalities.models import Municipality, Officer
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    client.last_context = response.context
    return len(queries)


@pytest.fixture
def chapters(staff_user, chapter, other_chapter):
    """The staff user runs two chapters; a third one is someone else's."""
    ChapterStaff.objects.create(chapter=other_chapter, user=staff_user)
    return [chapter, other_chapter, ChapterFactory(name="Ajena", slug="ajena")]


def add_audit_events(count: int, chapters, staff_user) -> None:
    actors = [staff_user, *UserFactory.create_batch(3)]
    documents = [
        GeneratedDocument.objects.create(
            kind=GeneratedDocument.Kind.COALITION_SUMMARY, language="es"
        )
        for _ in range(3)
    ]
    already = AuditEvent.objects.count()
    for number in range(already, count):
        record_event(
            actor=actors[number % len(actors)] if number % 5 else None,
            action=f"test.event{number}",
            target=documents[number % len(documents)],
            chapter=chapters[number % 2] if number % 7 else None,
            from_state="a",
            to_state="b",
            details={"n": number},
        )


def add_dashboard_data(count: int, chapters) -> None:
    """Stale member profiles and pending officer requests in the staff user's chapters."""
    long_ago = timezone.now() - timedelta(days=800)
    for number in range(Municipality.objects.count(), count):
        municipality = MunicipalityFactory(chapter=chapters[number % 3])
        Municipality.objects.filter(pk=municipality.pk).update(profile_updated_at=long_ago)
        OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)


@pytest.mark.parametrize("role_user", ["staff", "superuser"], indirect=True)
def test_audit_log_queries_do_not_grow_with_events(client, chapters, staff_user, role_user):
    client.force_login(role_user)
    url = reverse("audit_log")
    add_audit_events(10, chapters, staff_user)
    few = count_queries(client, url)
    add_audit_events(200, chapters, staff_user)
    many = count_queries(client, url)
    assert many == few
    assert len(client.last_context["page"].object_list) == 50  # the page really is full
    # The second page of a long log too.
    assert count_queries(client, f"{url}?page=2") == many


@pytest.mark.parametrize("role_user", ["staff", "superuser"], indirect=True)
def test_staff_dashboard_queries_do_not_grow_with_data(client, chapters, staff_user, role_user):
    client.force_login(role_user)
    url = reverse("staff_dashboard")
    add_audit_events(10, chapters, staff_user)
    add_dashboard_data(3, chapters)
    few = count_queries(client, url)
    add_audit_events(200, chapters, staff_user)
    add_dashboard_data(60, chapters)
    many = count_queries(client, url)
    assert many == few
    # The data is really on the page: 20 cities per chapter, the staff user runs two of three.
    expected = 60 if role_user.is_superuser else 40
    assert client.last_context["pending_officer_count"] == expected
    assert client.last_context["stale_count"] == expected
    assert len(client.last_context["stale"]) == 10


def test_coalition_summary_page_queries_do_not_grow_with_documents(client, chapters, staff_user):
    client.force_login(staff_user)
    url = reverse("coalition_summary")
    for _ in range(2):
        GeneratedDocument.objects.create(
            kind=GeneratedDocument.Kind.COALITION_SUMMARY, language="es", requested_by=staff_user
        )
    few = count_queries(client, url)
    for number in range(30):
        GeneratedDocument.objects.create(
            kind=GeneratedDocument.Kind.COALITION_SUMMARY,
            language="es",
            requested_by=UserFactory() if number % 2 else staff_user,
        )
    assert count_queries(client, url) == few


def test_audit_log_query_budget(client, chapters, staff_user, django_assert_max_num_queries):
    """A small, known budget: session, user, the roles, the page count and the page."""
    client.force_login(staff_user)
    add_audit_events(60, chapters, staff_user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("audit_log")).status_code == 200
