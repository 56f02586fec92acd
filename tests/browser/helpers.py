"""Helpers for the browser tests."""

from __future__ import annotations

import time

from tests.factories import totp_code


def fresh_totp_code(secret: str, margin: float = 3.0) -> str:
    """A TOTP code that stays valid for at least `margin` seconds.

    allauth accepts only the current 30-second period (no tolerance), so a code computed just
    before the period ends could be stale by the time the form is posted.
    """
    remaining = 30 - time.time() % 30
    if remaining < margin:
        time.sleep(remaining + 0.2)
    return totp_code(secret)


def open_page(browser, base_url: str, console, **options):
    """A page in a new browser context set up like the `page` fixture's (locale, time zone,
    timeout, CSP violation reports, console errors collected into `console`). Close it with
    `page.context.close()`."""
    from tests.browser.conftest import REPORT_CSP_VIOLATIONS, TIMEOUT_MS

    context = browser.new_context(
        base_url=base_url, locale="es-CL", timezone_id="America/Santiago", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    return page


def sign_in(page, email: str, *, next_url: str = "", totp_secret: str = "") -> None:
    """Sign in through allauth's login form (and its authenticator stage when `totp_secret`
    is given), then land on `next_url`."""
    from urllib.parse import quote

    from django.urls import reverse
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    login_url = reverse("account_login")
    page.goto(login_url + (f"?next={quote(next_url)}" if next_url else ""))
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    if totp_secret:
        code = page.locator('input[name="code"]')
        expect(code).to_be_visible()
        code.fill(fresh_totp_code(totp_secret))
        code.press("Enter")
    if next_url:
        page.wait_for_url(lambda url: url.split("?")[0].endswith(next_url.split("?")[0]))
    else:
        page.wait_for_url(lambda url: login_url not in url)
