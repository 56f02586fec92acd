"""Roles need a second person: nobody decides their own request to represent a city, not
on the staff page, not through the service, not through the Django admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from coalition.models import AuditEvent, ChapterStaff
from coalition.permissions import can_decide_officer
from municipalities import services
from municipalities.models import Officer
from tests.factories import ChapterStaffFactory, OfficerFactory, UserFactory, enable_totp

pytestmark = pytest.mark.django_db

OWN_REQUEST = "another staff member of the chapter or a superuser decides it"


@pytest.fixture
def staff(chapter_staff):
    enable_totp(chapter_staff)
    chapter_staff.language = "en"
    chapter_staff.save(update_fields=["language"])
    return chapter_staff


@pytest.fixture
def colleague(municipality):
    """Another staff member of the same chapter."""
    user = ChapterStaffFactory(chapter=municipality.chapter, user__language="en").user
    enable_totp(user)
    return user


@pytest.fixture
def root(db):
    user = UserFactory(is_superuser=True, is_staff=True, language="en")
    enable_totp(user)
    return user


@pytest.fixture
def own_request(staff, municipality):
    """The staff member asked to represent a city of their own chapter."""
    return services.officer_request(user=staff, municipality=municipality, position="Jefe")


def decide(client, officer, decision="approve"):
    data = {"decision": decision, "reason": "No."}
    return client.post(reverse("officer_decide", args=[officer.pk]), data)


def test_staff_cannot_approve_their_own_request_on_the_page(client, staff, own_request):
    client.force_login(staff)
    page = client.get(reverse("officer_requests")).content.decode()
    # Listed, with the explanation instead of the buttons.
    assert own_request.municipality.name in page
    assert OWN_REQUEST in page
    assert reverse("officer_decide", args=[own_request.pk]) not in page

    for decision in ("approve", "refuse"):
        response = decide(client, own_request, decision)
        assert response.status_code == 302
        assert response.url == reverse("officer_requests")
        followed = client.get(response.url).content.decode()
        assert "You cannot decide your own request" in followed
    own_request.refresh_from_db()
    assert own_request.status == Officer.Status.PENDING
    assert own_request.decided_by is None
    assert not AuditEvent.objects.filter(action__in=["officer.approve", "officer.refuse"]).exists()
    # No officer rights were granted.
    assert own_request.municipality_id not in set(
        Officer.objects.filter(user=staff, status=Officer.Status.APPROVED).values_list(
            "municipality_id", flat=True
        )
    )


@pytest.mark.parametrize("decider", ["colleague", "root"])
def test_another_staff_member_or_a_superuser_decides(client, request, staff, own_request, decider):
    other = request.getfixturevalue(decider)
    client.force_login(other)
    page = client.get(reverse("officer_requests")).content.decode()
    assert reverse("officer_decide", args=[own_request.pk]) in page
    assert OWN_REQUEST not in page
    assert decide(client, own_request).status_code == 302
    own_request.refresh_from_db()
    assert own_request.status == Officer.Status.APPROVED
    assert own_request.decided_by == other


def test_the_service_refuses_a_decision_on_ones_own_request(staff, own_request):
    for decide_own in (
        lambda: services.officer_approve(officer=own_request, actor=staff),
        lambda: services.officer_refuse(officer=own_request, actor=staff, reason="No."),
    ):
        with pytest.raises(ValidationError) as error:
            decide_own()
        assert error.value.code == "own_request"
        with translation.override("en"):
            assert OWN_REQUEST in " ".join(error.value.messages)
    own_request.refresh_from_db()
    assert own_request.status == Officer.Status.PENDING


def test_a_superuser_does_not_approve_their_own_request_either(client, root, municipality):
    officer = services.officer_request(user=root, municipality=municipality, position="Asesor")
    assert not can_decide_officer(root, officer)
    with pytest.raises(ValidationError):
        services.officer_approve(officer=officer, actor=root)
    client.force_login(root)
    decide(client, officer)
    officer.refresh_from_db()
    assert officer.status == Officer.Status.PENDING


def test_a_later_request_after_leaving_needs_a_second_person_too(staff, colleague, municipality):
    """Any later approval of one's own role: a former officer asking again."""
    link = OfficerFactory(user=staff, municipality=municipality, status=Officer.Status.LEFT)
    again = services.officer_request(user=staff, municipality=municipality, position="Jefe")
    assert again.pk == link.pk
    assert not can_decide_officer(staff, again)
    assert can_decide_officer(colleague, again)
    with pytest.raises(ValidationError):
        services.officer_approve(officer=again, actor=staff)


# --- The Django admin ---------------------------------------------------------------------


def test_the_admin_cannot_approve_an_officer_link(client, root, municipality):
    officer = services.officer_request(user=root, municipality=municipality, position="Asesor")
    client.force_login(root)
    url = reverse("admin:municipalities_officer_change", args=[officer.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    client.post(
        url,
        {
            "user": root.pk,
            "municipality": municipality.pk,
            "status": Officer.Status.APPROVED,
            "position": "Asesor",
            "message": "",
        },
    )
    officer.refresh_from_db()
    assert officer.status == Officer.Status.PENDING


def test_the_admin_cannot_move_an_approved_link_to_oneself(client, root, municipality):
    approved = OfficerFactory(municipality=municipality)
    client.force_login(root)
    url = reverse("admin:municipalities_officer_change", args=[approved.pk])
    client.post(
        url,
        {
            "user": root.pk,
            "municipality": municipality.pk,
            "status": Officer.Status.APPROVED,
            "position": "x",
            "message": "",
        },
    )
    approved.refresh_from_db()
    assert approved.user_id != root.pk
    assert not Officer.objects.filter(user=root).exists()


def test_an_admin_user_cannot_make_themselves_chapter_staff(client, municipality):
    from django.contrib.auth.models import Permission

    admin_user = UserFactory(is_staff=True, language="en")
    admin_user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_chapter", "change_chapter", "add_chapterstaff", "view_user"]
        )
    )
    enable_totp(admin_user)
    client.force_login(admin_user)
    chapter = municipality.chapter
    url = reverse("admin:coalition_chapter_change", args=[chapter.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": chapter.name,
            "slug": chapter.slug,
            "country": chapter.country,
            "time_zone": chapter.time_zone,
            "default_language": chapter.default_language,
            "description": "",
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "0",
            "staff-MIN_NUM_FORMS": "0",
            "staff-MAX_NUM_FORMS": "1000",
            "staff-0-user": admin_user.pk,
            "staff-0-chapter": chapter.pk,
        },
    )
    assert response.status_code == 200
    assert "You cannot make yourself staff of a chapter" in response.content.decode()
    assert not ChapterStaff.objects.filter(user=admin_user).exists()
