"""The deadline is an instant, enforced by the server at that instant, whatever the browser
sends; wall-clock times are read in the chapter's zone, across daylight-saving changes.

`timezone.now` is frozen (the `clock` fixture) so that "one second before" and "one second
after" are exact. Clients sign in after the clock is set, so their session is not expired by
the jump in time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calls import call_setup, services
from calls.models import Application, Call, Document
from tests.calls import pdfs
from tests.calls.helpers import fill_in, make_call, post_form

pytestmark = pytest.mark.django_db

SANTIAGO = ZoneInfo("America/Santiago")
CLOSED = "This call is closed: nothing can be changed or submitted."
SECOND = timedelta(seconds=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def create_call_as_staff(login, staff_user, chapter, *, slug, opens, closes, announces) -> Call:
    """Through the staff form, typing wall-clock times as a person in Santiago would."""
    response = login(staff_user).post(
        reverse("staff_call_create") + f"?chapter={chapter.pk}",
        {
            "chapter": chapter.pk,
            "title": f"Convocatoria {slug}",
            "slug": slug,
            "summary": "Resumen",
            "opens_at": opens,
            "closes_at": closes,
            "announces_at": announces,
            "report_page_limit": 5,
            "max_upload_mb": 10,
            "max_annexes": 2,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    call = Call.objects.get(slug=slug)
    from tests.calls.helpers import structure

    call_setup.call_set_structure(call=call, actor=staff_user, **structure())
    call_setup.call_publish(call=call, actor=staff_user)
    call.refresh_from_db()
    return call


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        # Summer time (UTC-3) until Sunday 5 April 2026 00:00, when clocks go back to 23:00.
        ("2026-04-04T22:59", datetime(2026, 4, 5, 1, 59, tzinfo=UTC)),
        # After the change, winter time (UTC-4): a fixed -3 would close an hour early.
        ("2026-04-05T00:30", datetime(2026, 4, 5, 4, 30, tzinfo=UTC)),
        # Winter time until Sunday 6 September 2026 00:00, which becomes 01:00 (UTC-3).
        ("2026-09-05T23:59", datetime(2026, 9, 6, 3, 59, tzinfo=UTC)),
        ("2026-09-06T01:30", datetime(2026, 9, 6, 4, 30, tzinfo=UTC)),
    ],
)
def test_closing_across_a_daylight_saving_change_in_santiago(
    clock,
    login,
    chapter,
    staff_user,
    municipality,
    officer,
    other_municipality,
    other_officer,
    typed,
    utc,
):
    clock.set(utc - timedelta(days=10))
    opens = (utc - timedelta(days=20)).astimezone(SANTIAGO).strftime("%Y-%m-%dT%H:%M")
    call = create_call_as_staff(
        login,
        staff_user,
        chapter,
        slug="cierre-cambio-de-hora",
        opens=opens,
        closes=typed,
        announces="2026-12-01T12:00",
    )
    assert call.closes_at == utc
    local = call.closes_at.astimezone(SANTIAGO)
    assert local.strftime("%Y-%m-%dT%H:%M") == typed  # and it reads back as typed
    # The public page writes it as typed, with the offset in force on that day.
    page = login(officer).get(reverse("call_detail", args=[call.slug])).content.decode()
    assert f'datetime="{local.isoformat()}"' in page

    # Two cities, both complete; one submits in the last second, the other is a second late.
    clock.set(utc - timedelta(hours=1))
    on_time = services.application_start(call=call, municipality=municipality, actor=officer)
    late = services.application_start(
        call=call, municipality=other_municipality, actor=other_officer
    )
    fill_in(on_time, officer)
    fill_in(late, other_officer)

    clock.set(utc - SECOND)
    assert call.is_open()
    client = login(officer)
    saved = client.post(
        reverse("application_edit", args=[on_time.pk]),
        post_form(on_time, motivation="Último segundo"),
        **HTMX,
    )
    assert "Saved at" in saved.content.decode()
    uploaded = client.post(
        reverse("application_upload", args=[on_time.pk]),
        {"kind": "report", "file": pdfs.as_upload(pdfs.pdf_with_pages(5))},
    )
    assert uploaded.status_code == 302
    client.post(reverse("application_submit", args=[on_time.pk]))
    on_time.refresh_from_db()
    assert on_time.status == Application.Status.SUBMITTED
    assert on_time.submitted_at == utc - SECOND
    assert on_time.motivation == "Último segundo"

    clock.set(utc + SECOND)
    assert_everything_refused(login(other_officer), late, call)


def assert_everything_refused(client, application, call):
    """Saving, uploading, submitting, withdrawing and starting are all refused."""
    application.refresh_from_db()
    before = (application.version, application.motivation, application.status)
    documents = list(application.documents.values_list("pk", "sha256"))

    saved = client.post(
        reverse("application_edit", args=[application.pk]),
        post_form(application, motivation="Tarde"),
        **HTMX,
    )
    assert CLOSED in saved.content.decode()
    assert "Saved at" not in saved.content.decode()
    plain = client.post(
        reverse("application_edit", args=[application.pk]),
        post_form(application, motivation="Tarde"),
    )
    assert plain.status_code == 400
    assert CLOSED in plain.content.decode()

    uploaded = client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": "report", "file": pdfs.as_upload(pdfs.pdf_with_pages(1))},
    )
    assert uploaded.status_code == 400
    assert CLOSED in uploaded.content.decode()

    submitted = client.post(reverse("application_submit", args=[application.pk]), follow=True)
    assert CLOSED in [str(m) for m in submitted.context["messages"]]
    withdrawn = client.post(reverse("application_withdraw", args=[application.pk]), follow=True)
    assert CLOSED in [str(m) for m in withdrawn.context["messages"]]

    application.refresh_from_db()
    assert (application.version, application.motivation, application.status) == before
    assert list(application.documents.values_list("pk", "sha256")) == documents
    assert application.submitted_at is None

    # The page says so, and offers nothing to press.
    page = client.get(reverse("application_edit", args=[application.pk])).content.decode()
    assert "This call is closed." in page
    assert "hx-post" not in page
    assert reverse("application_submit", args=[application.pk]) not in page


@pytest.fixture
def closing(clock, chapter, staff_user):
    """A call closing on 31 December 2026 at 23:59 in Santiago (UTC-3 in summer)."""
    closes_at = datetime(2026, 12, 31, 23, 59, tzinfo=SANTIAGO)
    clock.set(closes_at - timedelta(days=2))
    call = make_call(
        chapter,
        staff_user,
        slug="fin-de-ano",
        opens_at=closes_at - timedelta(days=30),
        closes_at=closes_at,
    )
    assert call.closes_at == datetime(2027, 1, 1, 2, 59, tzinfo=UTC)
    return call


def test_the_closing_instant_itself_is_too_late(clock, closing, municipality, officer):
    application = services.application_start(call=closing, municipality=municipality, actor=officer)
    fill_in(application, officer)
    clock.set(closing.closes_at - SECOND)
    assert closing.is_open()
    clock.set(closing.closes_at)
    assert not closing.is_open()
    with pytest.raises(services.DeadlinePassed):
        services.application_submit(application=application, actor=officer)
    with pytest.raises(services.DeadlinePassed):
        services.application_save_draft(
            application=application, actor=officer, version=application.version, data={}
        )
    with pytest.raises(services.DeadlinePassed):
        services.application_upload_document(
            application=application,
            actor=officer,
            kind=Document.Kind.ANNEX,
            upload=pdfs.as_upload(pdfs.pdf_with_pages(1)),
        )


def test_a_late_start_is_refused(clock, login, closing, municipality, officer):
    clock.set(closing.closes_at + SECOND)
    response = login(officer).post(
        reverse("application_start", args=[closing.slug]),
        {"municipality": municipality.pk},
        follow=True,
    )
    assert CLOSED in [str(m) for m in response.context["messages"]]
    assert not Application.objects.exists()


def test_a_submitted_application_cannot_be_withdrawn_after_closing(
    clock, login, closing, municipality, officer
):
    application = services.application_start(call=closing, municipality=municipality, actor=officer)
    fill_in(application, officer)
    services.application_submit(application=application, actor=officer)
    clock.set(closing.closes_at + SECOND)
    login(officer).post(reverse("application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_the_page_counts_down_to_the_instant(clock, login, closing, officer):
    clock.set(closing.closes_at - timedelta(days=1, hours=2))
    page = login(officer).get(reverse("call_detail", args=[closing.slug])).content.decode()
    assert 'data-countdown="2026-12-31T23:59:00-03:00"' in page
    assert "Closes in" in page  # (the text is Django's timeuntil, on the real clock)
    clock.set(closing.closes_at + SECOND)
    page = login(officer).get(reverse("call_detail", args=[closing.slug])).content.decode()
    assert "data-countdown" not in page
    assert "This call is closed." in page
