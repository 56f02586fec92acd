"""Playwright fixtures: Debian's Chromium, driven headless against pytest-django's live server.

The browser is launched once per test module (the sync API keeps an asyncio loop marked as
running in this thread while Playwright is started, so it is not kept alive for the whole
session); every test gets a fresh context, so no cookie or storage leaks between tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import missing_service

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
TIMEOUT_MS = 15_000

# Runs before any page script. Violations are reported to the console by Chromium anyway;
# this makes them explicit and includes the directive and the blocked URL.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:  # a broken or incompatible Chromium
            missing_service(f"Chromium at {chromium_path} does not start: {error}")
        yield browser
        browser.close()


class ConsoleLog:
    """Errors the page reported: console errors, uncaught exceptions, CSP violations."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium asks for /favicon.ico on its own; the portal declares no icon.
        if url.endswith("/favicon.ico"):
            return
        self.errors.append(f"{message.text} ({url})")

    def on_page_error(self, error) -> None:
        self.errors.append(f"uncaught: {error}")

    def assert_clean(self) -> None:
        assert self.errors == [], "the browser reported errors:\n" + "\n".join(self.errors)


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser, live_server, transactional_db, console: ConsoleLog) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url, locale="es-CL", timezone_id="America/Santiago"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
