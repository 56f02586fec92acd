"""Each role enters its own area of the portal and no other."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from coalition.permissions import MFA_RETURN_SESSION_KEY
from tests.factories import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "staff", "committee", "officer", "pending_officer", "plain", "anonymous"]

STAFF_PAGES = ["staff_dashboard", "audit_log", "coalition_summary"]
PAGES = {
    "staff_dashboard": "/panel/staff/",
    "audit_log": "/panel/staff/audit/",
    "coalition_summary": "/panel/staff/summary/",
    "committee_dashboard": "/panel/committee/",
    "officer_dashboard": "/panel/officer/",
}
ALLOWED = {
    "superuser": set(STAFF_PAGES),
    "staff": set(STAFF_PAGES),
    "committee": {"committee_dashboard"},
    "officer": {"officer_dashboard"},
    "pending_officer": set(),
    "plain": set(),
    "anonymous": set(),
}


def test_page_urls_are_the_documented_ones():
    for name, path in PAGES.items():
        assert reverse(name) == path


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_user", ROLES, indirect=True)
def test_each_role_enters_only_its_own_area(request, client, role_user, page):
    role = request.node.callspec.params["role_user"]
    if role_user is not None:
        client.force_login(role_user)
    response = client.get(PAGES[page])
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={PAGES[page]}"
    elif page in ALLOWED[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("role_user", "landing"),
    [
        ("superuser", "/panel/staff/"),
        ("staff", "/panel/staff/"),
        ("committee", "/panel/committee/"),
        ("officer", "/panel/officer/"),
    ],
    indirect=["role_user"],
)
def test_panel_sends_each_role_to_its_dashboard(client, role_user, landing):
    client.force_login(role_user)
    response = client.get("/panel/")
    assert response.status_code == 302
    assert response.url == landing


@pytest.mark.parametrize("role_user", ["pending_officer", "plain"], indirect=True)
def test_panel_of_a_user_without_role_is_the_personal_one(client, role_user):
    client.force_login(role_user)
    response = client.get("/panel/")
    assert response.status_code == 200
    assert "coalition/dashboard_personal.html" in [t.name for t in response.templates]


def test_panel_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/panel/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/panel/"


def test_staff_who_are_also_officers_land_on_the_staff_dashboard(client, staff_user, officer_user):
    from municipalities.models import Officer

    Officer.objects.filter(user=officer_user).update(user=staff_user)
    client.force_login(staff_user)
    assert client.get("/panel/").url == "/panel/staff/"
    # ...and still enter the officer area.
    assert client.get("/panel/officer/").status_code == 200


@pytest.mark.parametrize(
    ("role_user", "path"),
    [
        ("superuser", "/panel/staff/"),
        ("staff", "/panel/staff/"),
        ("staff", "/panel/staff/audit/?page=2"),
        ("staff", "/panel/staff/summary/"),
        ("committee", "/panel/committee/"),
    ],
    indirect=["role_user"],
)
def test_privileged_users_without_mfa_must_set_it_up_first(client, role_user, path):
    Authenticator.objects.filter(user=role_user).delete()
    client.force_login(role_user)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")
    assert client.session[MFA_RETURN_SESSION_KEY] == path
    page = client.get(response.url)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()


@pytest.mark.parametrize(
    ("role_user", "path"),
    [("staff", "/panel/staff/"), ("committee", "/panel/committee/")],
    indirect=["role_user"],
)
def test_mfa_requirement_can_be_relaxed(client, settings, role_user, path):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    Authenticator.objects.filter(user=role_user).delete()
    client.force_login(role_user)
    assert client.get(path).status_code == 200
    assert MFA_RETURN_SESSION_KEY not in client.session


def test_officers_need_no_mfa(client, officer_user):
    assert not Authenticator.objects.filter(user=officer_user).exists()
    client.force_login(officer_user)
    assert client.get("/panel/officer/").status_code == 200


def test_a_role_without_mfa_is_refused_before_being_asked_for_mfa(client, officer_user):
    """A user without the role gets a 403, not an invitation to set up MFA."""
    client.force_login(officer_user)
    response = client.get("/panel/staff/")
    assert response.status_code == 403
    assert "Acceso denegado" in response.content.decode()  # the portal's page, in Spanish
    assert MFA_RETURN_SESSION_KEY not in client.session


def test_staff_removed_from_their_chapter_lose_the_area(client, staff_user):
    client.force_login(staff_user)
    staff_user.chapter_roles.all().delete()
    assert client.get("/panel/staff/").status_code == 403


def test_mfa_required_page_needs_a_signed_in_user(client):
    response = client.get(reverse("mfa_required"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_after_setting_up_mfa_the_user_is_offered_the_way_back(client, staff_user):
    Authenticator.objects.filter(user=staff_user).delete()
    response = client.post(
        reverse("account_login"), {"login": staff_user.email, "password": PASSWORD}
    )
    assert response.url == reverse("dashboard")
    assert client.get("/panel/staff/audit/?page=2").url == reverse("mfa_required")

    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))  # allauth asks again
    response = client.post(response.url, {"password": PASSWORD})
    assert response.url == reverse("mfa_activate_totp")
    form = client.get(reverse("mfa_activate_totp")).context["form"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(form.secret)})
    assert response.status_code == 302
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    assert 'href="/panel/staff/audit/?page=2"' in page.content.decode()
    assert client.get("/panel/staff/audit/?page=2").status_code == 200
