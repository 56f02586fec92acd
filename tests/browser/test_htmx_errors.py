"""A failed htmx request is never silent: the user is told where they acted, and what they
typed stays in the field. The server is made to fail by intercepting the browser's requests
(network error, or an answer with status 500), as a dropped connection or a crash would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calls import call_setup, services
from calls.models import Call
from tests.browser.helpers import sign_in
from tests.calls import pdfs
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def application(transactional_db):
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile", country="CL")
    staff = ChapterStaffFactory(chapter=chapter).user
    now = timezone.now()
    call = Call(
        chapter=chapter,
        title="Convocatoria CIAR Chile 2026",
        slug="convocatoria-ciar-2026",
        summary="Convocatoria para que los municipios se sumen a la coalición.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        announces_at=now + timedelta(days=40),
    )
    call_setup.call_save(call=call, actor=staff)
    call_setup.call_set_structure(
        call=call,
        actor=staff,
        requirements=[],
        questions=[],
        criteria=[{"title": "Motivación", "weight": 100, "levels": []}],
    )
    call_setup.call_publish(call=call, actor=staff)
    call.refresh_from_db()
    municipality = MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")
    officer = OfficerFactory(
        municipality=municipality, user__email="mjsoto@penalolen.example.org"
    ).user
    return services.application_start(call=call, municipality=municipality, actor=officer)


def fail_posts(how: str):
    """A route handler: POSTs fail (`abort`: the connection drops; `500`: a server error;
    `timeout`: no answer ever comes)."""

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
        elif how == "timeout":
            return  # left pending: htmx gives up after its timeout
        elif how == "abort":
            route.abort("connectionreset")
        else:
            route.fulfill(status=500, content_type="text/html", body="<h1>Server error</h1>")

    return handle


def assert_no_page_errors(console) -> None:
    """The failed requests themselves are reported to the console; nothing else may be."""
    serious = [e for e in console.errors if "CSP violation" in e or e.startswith("uncaught")]
    assert serious == []


@pytest.mark.parametrize("how", ["abort", "500", "timeout"])
def test_failed_autosave_says_so_in_the_form_and_keeps_the_text(
    page, console, live_server, application, how
):
    url = reverse("application_edit", args=[application.pk])
    sign_in(page, application.created_by.email, next_url=url)
    save_message = page.locator("#request-error").get_attribute("data-save-message")
    assert save_message

    page.route(live_server.url + url, fail_posts(how))
    if how == "timeout":
        page.evaluate("htmx.config.timeout = 1000")  # the page's own is two minutes
    motivation = page.locator("#id_motivation")
    motivation.fill("Queremos aprender con otras ciudades.")
    motivation.blur()

    form_error = page.locator("form.application-form [data-request-error]")
    expect(form_error).to_be_visible()
    expect(form_error).to_have_text(save_message)
    expect(form_error).to_have_attribute("role", "alert")
    expect(motivation).to_have_value("Queremos aprender con otras ciudades.")
    application.refresh_from_db()
    assert application.motivation == ""

    # The server is back: the next autosave goes through and the message goes away.
    page.unroute(live_server.url + url)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(url)):
        motivation.fill("Queremos aprender con otras ciudades, y compartir.")
        motivation.blur()
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"\d{2}:\d{2}:\d{2}"))
    expect(form_error).to_be_hidden()
    application.refresh_from_db()
    assert application.motivation == "Queremos aprender con otras ciudades, y compartir."
    assert_no_page_errors(console)


def test_failed_upload_says_so_at_the_slot(page, console, live_server, application, tmp_path):
    url = reverse("application_edit", args=[application.pk])
    sign_in(page, application.created_by.email, next_url=url)
    save_message = page.locator("#request-error").get_attribute("data-save-message")
    page.route(re.compile(r".*/upload/$"), fail_posts("500"))

    report = tmp_path / "informe.pdf"
    report.write_bytes(pdfs.pdf_with_pages(2))
    slot = page.locator("#documents-report")
    with page.expect_response(lambda r: r.url.endswith("/upload/")):
        slot.locator("#file-report").set_input_files(report)
        slot.locator("button[type=submit]").click()

    expect(slot.locator("[data-request-error]")).to_have_text(save_message)
    # The chosen file is still there to send again.
    assert slot.locator("#file-report").evaluate("input => input.files[0].name") == "informe.pdf"
    assert not application.documents.exists()
    assert_no_page_errors(console)
