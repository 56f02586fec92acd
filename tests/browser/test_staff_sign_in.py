"""Coalition staff sign in with two-factor authentication, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coalition.demo import DEMO_PASSWORD, seed_demo
from coalition.models import User
from tests.browser.helpers import fresh_totp_code
from tests.factories import (
    PASSWORD,
    ChapterFactory,
    ChapterStaffFactory,
    UserFactory,
    enable_totp,
)

pytestmark = pytest.mark.browser


def url_is(live_server, name: str) -> re.Pattern:
    return re.compile("^" + re.escape(live_server.url + reverse(name)) + r"(\?.*)?$")


def sign_in_with_password(page, email: str, password: str = PASSWORD) -> None:
    page.locator('input[name="login"]').press_sequentially(email)
    page.locator('input[name="password"]').press_sequentially(password)
    page.locator('input[name="password"]').press("Enter")


@pytest.fixture
def demo_staff_user():
    """The demo's CIAR Chile staff account, as `make demo` creates it."""
    seed_demo()
    return User.objects.get(email="equipo.cl@demo.coalicion.test")


@pytest.fixture
def staff_user():
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile")
    return ChapterStaffFactory(chapter=chapter, user=UserFactory(language="es")).user


def test_staff_signs_in_with_totp_and_switches_to_english(
    page, console, live_server, demo_staff_user, artifacts_dir
):
    staff_user = demo_staff_user
    secret = enable_totp(staff_user)

    page.goto(reverse("account_login"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    sign_in_with_password(page, staff_user.email, DEMO_PASSWORD)

    # allauth's second stage asks for the authenticator code.
    expect(page).to_have_url(url_is(live_server, "mfa_authenticate"))
    page.locator('input[name="code"]').press_sequentially(fresh_totp_code(secret))
    page.locator('input[name="code"]').press("Enter")

    # "Mi panel" sends staff to their own dashboard.
    expect(page).to_have_url(url_is(live_server, "staff_dashboard"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main h1")).to_contain_text("Mi panel")
    expect(page.locator("main")).to_contain_text("CIAR Chile")
    page.screenshot(path=str(artifacts_dir / "staff-dashboard-es.png"), full_page=True)

    # The switcher submits itself (static/js/portal.js) as soon as a language is chosen.
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    expect(page).to_have_url(url_is(live_server, "staff_dashboard"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.locator("main h1")).to_contain_text("My dashboard")
    expect(page.locator("main")).to_contain_text("CIAR Chile")
    page.screenshot(path=str(artifacts_dir / "staff-dashboard-en.png"), full_page=True)

    staff_user.refresh_from_db()
    assert staff_user.language == "en"
    console.assert_clean()


def test_staff_without_mfa_sets_up_totp_before_entering(
    page, console, live_server, staff_user, artifacts_dir
):
    page.goto(reverse("staff_dashboard"))
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login")) + r"\?next="))
    sign_in_with_password(page, staff_user.email)

    expect(page).to_have_url(url_is(live_server, "mfa_required"))
    page.locator(f'main a[href="{reverse("mfa_activate_totp")}"]').click()

    # Adding an authenticator may require confirming the password first.
    expect(page).to_have_url(
        re.compile(
            "|".join(
                re.escape(reverse(name)) for name in ("mfa_activate_totp", "account_reauthenticate")
            )
        )
    )
    if reverse("account_reauthenticate") in page.url:
        page.locator('input[name="password"]').press_sequentially(PASSWORD)
        page.locator('input[name="password"]').press("Enter")
    expect(page).to_have_url(url_is(live_server, "mfa_activate_totp"))

    # allauth shows the secret next to the QR code, in a disabled text field.
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.locator('input[name="code"]').press_sequentially(fresh_totp_code(secret))
    page.locator('input[name="code"]').press("Enter")

    # Recovery codes are generated with the first authenticator, then the way back.
    expect(page).to_have_url(url_is(live_server, "mfa_view_recovery_codes"))
    continue_link = page.locator(f'main a[href="{reverse("staff_dashboard")}"]')
    expect(continue_link).to_be_visible()
    continue_link.click()

    expect(page).to_have_url(url_is(live_server, "staff_dashboard"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main")).to_contain_text("CIAR Chile")
    page.screenshot(path=str(artifacts_dir / "staff-dashboard-after-mfa-setup.png"))

    from allauth.mfa.utils import is_mfa_enabled

    assert is_mfa_enabled(staff_user)
    console.assert_clean()
