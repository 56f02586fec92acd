"""The barriers of issue 8 that axe does not see, each checked in Chromium as a user meets it:
the sticky "Save draft" bar over the focused field (WCAG 2.4.11), focus and announcements after
htmx swaps and failed submits, and the reflow of the pages that scrolled sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import open_page
from tests.browser.world import build_world, session_for
from tests.calls import pdfs

pytestmark = pytest.mark.browser

# The focused element and the sticky bar, as boxes in the viewport.
OBSCURED = """() => {
  const focused = document.activeElement.getBoundingClientRect();
  const bar = document.querySelector(".save-row").getBoundingClientRect();
  const sticky = getComputedStyle(document.querySelector(".save-row")).position === "sticky";
  return {sticky, overlap: sticky && focused.bottom > bar.top && focused.top < bar.bottom,
          focused: [focused.top, focused.bottom], bar: [bar.top, bar.bottom]};
}"""


@pytest.fixture
def world(transactional_db):
    return build_world()


def signed_in(browser, live_server, console, user, **options):
    page = open_page(browser, live_server.url, console, **options)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_for(user), "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize(
    ("width", "height", "field"),
    [(1280, 720, "id_contact_email"), (390, 844, "id_contact_email"), (390, 844, "id_motivation")],
)
def test_save_bar_never_hides_the_focused_field(
    browser, live_server, console, world, width, height, field
):
    page = signed_in(
        browser,
        live_server,
        console,
        world.users["officer"],
        viewport={"width": width, "height": height},
    )
    page.goto(reverse("application_edit", args=[world.draft_application.pk]))
    page.evaluate("window.scrollTo(0, 0)")
    # Tab to the field from the one before it, as a keyboard user does.
    page.locator(f"#{field}").focus()
    page.keyboard.press("Shift+Tab")
    page.evaluate("window.scrollTo(0, 0)")
    page.keyboard.press("Tab")
    expect(page.locator(f"#{field}")).to_be_focused()
    state = page.evaluate(OBSCURED)
    assert not state["overlap"], f"the save bar covers the focused field: {state}"
    page.context.close()
    console.assert_clean()


def test_upload_refused_then_accepted_moves_focus_and_announces(
    browser, live_server, console, world, tmp_path
):
    page = signed_in(browser, live_server, console, world.users["officer"])
    page.goto(reverse("application_edit", args=[world.draft_application.pk]))
    slot = page.locator("#documents-letter")

    not_pdf = tmp_path / "carta.pdf"
    not_pdf.write_bytes(b"this is not a PDF")
    slot.locator('input[type="file"]').set_input_files(str(not_pdf))
    slot.get_by_role("button").last.click()
    # The refused file's input has the focus (its error is its description) and is announced.
    expect(page.locator("#file-letter")).to_be_focused()
    expect(page.locator("#file-letter")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#announcer")).not_to_be_empty()

    good = tmp_path / "carta-firmada.pdf"
    good.write_bytes(pdfs.pdf_with_pages(1, "Carta de compromiso"))
    page.locator("#documents-letter input[type='file']").set_input_files(str(good))
    page.locator("#documents-letter").get_by_role("button").last.click()
    heading = page.locator("#documents-letter h3")
    expect(heading).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("carta-firmada.pdf")
    page.context.close()
    console.assert_clean()


def test_failed_submit_moves_focus_to_the_error(browser, live_server, console, world):
    page = signed_in(browser, live_server, console, world.users["officer"])
    page.goto(reverse("application_edit", args=[world.draft_application.pk]))
    # The demo draft lacks its motivation and its documents: submitting is refused.
    submit_url = reverse("application_submit", args=[world.draft_application.pk])
    with page.expect_navigation():
        page.locator(f"form[action='{submit_url}'] button").click()
    focused = page.evaluate("document.activeElement.className")
    assert "messages" in focused, f"focus is on {focused!r}, not on the error"
    page.context.close()


def test_failed_profile_save_moves_focus_to_the_error_summary(browser, live_server, console, world):
    page = signed_in(browser, live_server, console, world.users["officer"])
    page.goto(reverse("municipality_edit", args=[world.municipality.slug]))
    page.locator("#id_official_website").fill("not a web address")
    with page.expect_navigation():
        page.locator("form.profile-form button[type='submit']").click()
    expect(page.locator(".error-summary")).to_be_focused()
    page.context.close()


def test_applying_filters_moves_focus_to_the_results_and_announces_them(
    browser, live_server, console, world
):
    page = open_page(browser, live_server.url, console)
    page.goto(reverse("directory"))
    page.locator("#id_q").fill("Puente")
    page.locator("form.filters button[type='submit']").click()
    expect(page.locator("#directory-results .results-count")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("1")
    page.context.close()
    console.assert_clean()
