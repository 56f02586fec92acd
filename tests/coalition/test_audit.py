"""The audit log: written by one helper, append-only, each chapter's staff see their own."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import ProtectedError
from django.urls import reverse

from coalition.audit import record_event
from coalition.models import AuditEvent, GeneratedDocument
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

AUDIT_URL = reverse("audit_log")


def rows(response) -> list[str]:
    """The actions listed on an audit log page, in order."""
    return re.findall(r'<tr data-action="([^"]+)">', response.content.decode())


def test_record_event_keeps_who_what_and_how(staff_user, chapter):
    municipality = MunicipalityFactory(name="Peñalolén", chapter=chapter)
    event = record_event(
        actor=staff_user,
        action="membership.approve",
        target=municipality,
        chapter=chapter,
        from_state="candidate",
        to_state="member",
        details={"cohort": 2025, "note": "fundadora"},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == staff_user
    assert event.actor_email == "staff@example.org"
    assert event.chapter == chapter
    assert event.action == "membership.approve"
    assert event.target_type == "municipalities.municipality"
    assert event.target_id == str(municipality.pk)
    assert event.target_label == "Peñalolén"
    assert event.from_state == "candidate"
    assert event.to_state == "member"
    assert event.details == {"cohort": 2025, "note": "fundadora"}
    assert event.at is not None


def test_record_event_accepts_a_chapter_id(chapter):
    event = record_event(actor=None, action="calls.publish_results", chapter=chapter.pk)
    assert AuditEvent.objects.get(pk=event.pk).chapter == chapter


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_system_events_have_no_actor(actor):
    event = record_event(actor=actor, action="reminders.send")
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_email == ""
    assert event.target_type == event.target_id == event.target_label == ""
    assert event.details == {}


def test_long_target_labels_are_cut_to_fit(chapter):
    municipality = MunicipalityFactory(chapter=chapter)
    municipality.name = "N" * 300  # longer than the column, as str() of any model could be
    event = record_event(actor=None, action="x.y", target=municipality)
    event.refresh_from_db()
    assert event.target_label == "N" * 255


def test_events_cannot_be_changed(staff_user):
    event = record_event(actor=staff_user, action="thing.do", to_state="done")
    event.to_state = "undone"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(to_state="undone")
    with pytest.raises(TypeError):
        AuditEvent.objects.update(to_state="undone")
    assert AuditEvent.objects.get(pk=event.pk).to_state == "done"


def test_events_cannot_be_deleted(staff_user):
    event = record_event(actor=staff_user, action="thing.do")
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_outlive_their_actor_account(plain_user):
    event = record_event(actor=plain_user, action="account.something")
    plain_user.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_email == "visitor@example.org"


def test_a_chapter_with_history_cannot_be_deleted(chapter):
    record_event(actor=None, action="x.y", chapter=chapter)
    with pytest.raises(ProtectedError):
        chapter.delete()


def test_staff_see_the_log_of_their_own_chapter_only(
    client, staff_user, other_staff_user, chapter, other_chapter
):
    record_event(actor=staff_user, action="chile.event", chapter=chapter)
    record_event(actor=other_staff_user, action="argentina.event", chapter=other_chapter)
    record_event(actor=staff_user, action="own.coalition_wide")
    record_event(actor=other_staff_user, action="others.coalition_wide")
    record_event(actor=None, action="system.coalition_wide")

    client.force_login(staff_user)
    response = client.get(AUDIT_URL)
    assert response.status_code == 200
    assert sorted(rows(response)) == ["chile.event", "own.coalition_wide"]

    client.force_login(other_staff_user)
    assert sorted(rows(client.get(AUDIT_URL))) == ["argentina.event", "others.coalition_wide"]


def test_superuser_sees_every_event(client, superuser, staff_user, chapter, other_chapter):
    record_event(actor=staff_user, action="chile.event", chapter=chapter)
    record_event(actor=None, action="argentina.event", chapter=other_chapter)
    record_event(actor=None, action="system.coalition_wide")
    client.force_login(superuser)
    assert sorted(rows(client.get(AUDIT_URL))) == [
        "argentina.event",
        "chile.event",
        "system.coalition_wide",
    ]


def test_audit_log_shows_the_event_details(client, staff_user, chapter):
    document = GeneratedDocument.objects.create(
        kind=GeneratedDocument.Kind.COALITION_SUMMARY, language="es"
    )
    event = record_event(
        actor=staff_user,
        action="document.mark",
        target=document,
        chapter=chapter,
        from_state="pending",
        to_state="ready",
    )
    record_event(actor=None, action="system.tick", chapter=chapter)
    staff_user.language = "en"
    staff_user.save(update_fields=["language"])
    client.force_login(staff_user)
    content = client.get(AUDIT_URL).content.decode()
    # Unregistered actions read as a generic sentence, never as their code; states by label.
    assert f"{staff_user.full_name} made a change to {event.target_label}" in content
    assert "The system made a change" in content
    assert "Being prepared → Ready" in content
    assert "document.mark" not in content.replace('data-action="document.mark"', "")
    assert "CIAR Chile" in content


def test_audit_log_is_newest_first_and_paginated(client, staff_user, chapter):
    for number in range(120):
        record_event(actor=staff_user, action=f"event.n{number:03d}", chapter=chapter)
    client.force_login(staff_user)

    first = client.get(AUDIT_URL)
    assert len(rows(first)) == 50
    assert rows(first)[0] == "event.n119"
    assert 'rel="next"' in first.content.decode()

    last = client.get(AUDIT_URL, {"page": 3})
    assert rows(last) == [f"event.n{n:03d}" for n in range(19, -1, -1)]
    assert 'rel="next"' not in last.content.decode()
    assert 'rel="prev"' in last.content.decode()

    # Out-of-range and junk page numbers give a page, not an error.
    assert rows(client.get(AUDIT_URL, {"page": 99})) == rows(last)
    assert rows(client.get(AUDIT_URL, {"page": "abc"})) == rows(first)


def test_empty_audit_log_says_so(client, staff_user):
    client.force_login(staff_user)
    response = client.get(AUDIT_URL)
    assert rows(response) == []
    assert 'class="empty-state"' in response.content.decode()
