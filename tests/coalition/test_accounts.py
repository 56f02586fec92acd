"""Accounts through allauth: MFA login, sign-up with e-mail verification, password reset,
and the limit on failed logins."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from coalition.models import User
from tests.factories import PASSWORD, UserFactory, enable_totp, totp_code

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


@pytest.fixture(autouse=True)
def _english(client):
    """allauth's messages, compared below, are read in English."""
    client.cookies["django_language"] = "en"


def signed_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def wrong_code(secret: str) -> str:
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


def test_login_with_totp_asks_for_the_code_and_lands_on_the_role_dashboard(client, staff_user):
    secret = enable_totp(UserFactory(email="second@example.org"))  # another user's secret
    staff_secret = staff_user.totp_secret
    assert staff_secret != secret

    response = client.post(LOGIN_URL, {"login": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # The password alone does not sign in.
    assert signed_in_user_id(client) is None
    assert client.get(reverse("staff_dashboard")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(staff_secret)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert signed_in_user_id(client) is None

    # A code valid for another account is no good either.
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert signed_in_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_secret)})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert signed_in_user_id(client) == str(staff_user.pk)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("staff_dashboard")
    assert client.get(response.url).status_code == 200


def test_login_without_mfa_goes_straight_to_the_dashboard(client, officer_user):
    response = client.post(LOGIN_URL, {"login": officer_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert signed_in_user_id(client) == str(officer_user.pk)
    assert client.get(reverse("dashboard")).url == reverse("officer_dashboard")


def test_wrong_password_is_refused(client, officer_user):
    response = client.post(LOGIN_URL, {"login": officer_user.email, "password": "nope-nope-1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_sign_up_requires_e_mail_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "New.Person@Example.org",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
                "full_name": "Nueva Persona",
                "language": "en",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="new.person@example.org")
    assert user.full_name == "Nueva Persona"
    assert user.language == "en"
    assert not EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) is None

    # The confirmation e-mail went out, through Celery, in the chosen language.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Please Confirm Your Email Address" in message.subject
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert link, message.body

    # Before verifying, the password does not open a session.
    client.logout()
    response = client.post(
        LOGIN_URL, {"login": "new.person@example.org", "password": "a-long-enough-passphrase"}
    )
    assert signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    # Following the link verifies the address and signs in.
    path = link.group(0).split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_up_with_a_taken_address_neither_reveals_it_nor_creates_an_account(
    client, plain_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": plain_user.email.upper(),
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
                "full_name": "Otra Persona",
                "language": "es",
            },
        )
    # The same answer as for a new address (allauth prevents account enumeration)...
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    # ...but no second account, and the owner of the address is told instead.
    assert User.objects.filter(email__iexact=plain_user.email).count() == 1
    assert [m.to for m in mail.outbox] == [[plain_user.email]]
    assert signed_in_user_id(client) is None


def test_password_reset_sends_an_e_mail(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Password Reset" in mail.outbox[0].subject  # allauth's English subject
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_does_not_reveal_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "ghost@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, officer_user):
    # ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures per account in 5 minutes.
    for _attempt in range(5):
        response = client.post(LOGIN_URL, {"login": officer_user.email, "password": "wrong-1"})
        assert response.status_code == 200
        assert "Too many failed login attempts" not in str(response.context["form"].errors)
    response = client.post(LOGIN_URL, {"login": officer_user.email, "password": "wrong-1"})
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    # Even the right password is refused now.
    response = client.post(LOGIN_URL, {"login": officer_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert signed_in_user_id(client) is None
    # Another account is not locked out by the first one's failures.
    other = UserFactory(email="unrelated@example.org")
    response = client.post(LOGIN_URL, {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(other.pk)
