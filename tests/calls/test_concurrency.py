"""Two people act on one application at the same instant: nothing is lost, nobody gets a 500.

Each request runs in its own thread with its own database connection and its own browser
(Django's test Client), released together by a barrier. The tests run on whatever database the
suite runs on: PostgreSQL when DATABASE_URL is set, SQLite otherwise. pytest-django keeps the
SQLite test database in memory with a shared cache, whose table locks behave unlike the file
the portal really uses; so on SQLite each test copies the test database into a file and points
every connection at it, with the OPTIONS of the settings (WAL, busy timeout, immediate
transactions), as the embedded demo runs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from calls import services
from calls.models import Application, Document
from coalition.models import AuditEvent
from tests.calls import pdfs
from tests.calls.helpers import complete_draft, fill_in, post_form

pytestmark = pytest.mark.django_db(transaction=True)

HTMX = {"HTTP_HX_REQUEST": "true"}
ROUNDS = 3


@pytest.fixture
def shared_database(tmp_path: Path, transactional_db) -> Iterator[Callable[[], None]]:
    """Call the yielded function once the rows are in place: on SQLite it moves every
    connection (this thread's and the threads' to come) to a file copy of the test database;
    on PostgreSQL the threads already share the test database."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    original = connections["default"]
    previous_settings = connections.settings["default"]
    moved: list[Any] = []

    def move() -> None:
        path = tmp_path / "concurrency.sqlite3"
        original.ensure_connection()
        target = sqlite3.connect(path)
        original.connection.backup(target)
        target.close()
        connections.settings["default"] = {**previous_settings, "NAME": str(path)}
        wrapper = connections.create_connection("default")
        connections["default"] = wrapper
        moved.append(wrapper)

    yield move
    for wrapper in moved:
        wrapper.close()
    connections.settings["default"] = previous_settings
    connections["default"] = original


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; return their results in order.
    Each thread closes its database connection, as a request handler does."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # reported to the test below, with its thread's traceback
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def browser(user) -> Client:
    """A signed-in browser whose server errors come back as responses (status 500), as a
    real browser would get them, instead of being raised in the test."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def assert_no_server_error(*responses) -> None:
    for response in responses:
        assert response.status_code < 500, response.content.decode()[:2000]


def stored_pdfs() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).glob("applications/**/*.pdf"))


def events(action: str, application) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(application.pk)))


# --- Uploads ---------------------------------------------------------------------------------


def upload_from_the_page(client: Client, application, kind: str, data: bytes, name: str):
    """Post the upload form of the slot as the page showed it (with what it replaces)."""

    def post():
        return client.post(
            reverse("application_upload", args=[application.pk]),
            {"kind": kind, "replaces": slot_state, "file": pdfs.as_upload(data, name)},
            **HTMX,
        )

    page = client.get(application.get_absolute_url()).content.decode()
    marker = 'name="replaces" value="'
    slot = page[page.index(f'id="documents-{kind}"') :]
    slot_state = slot[slot.index(marker) + len(marker) :].split('"', 1)[0]
    return post


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_uploads_to_one_slot_at_once_one_wins_the_other_is_told(
    shared_database, application, officer, second_officer, round_
):
    shared_database()
    first = upload_from_the_page(
        browser(officer), application, "report", pdfs.pdf_with_pages(2), "primero.pdf"
    )
    second = upload_from_the_page(
        browser(second_officer), application, "report", pdfs.pdf_with_pages(3), "segundo.pdf"
    )

    responses = at_once(first, second)

    assert_no_server_error(*responses)
    documents = list(Document.objects.filter(application=application, kind="report"))
    assert len(documents) == 1
    winner = documents[0]
    assert winner.original_name in ("primero.pdf", "segundo.pdf")
    told = [r for r in responses if b"upload-error-report" in r.content]
    assert len(told) == 1, "exactly one upload must be refused, at its field"
    with translation.override("en"):
        assert "uploaded another file here" in told[0].content.decode()
    # The slot holds one valid file, and storage holds no other.
    assert [p.name for p in stored_pdfs()] == [Path(winner.file.name).name]
    assert Path(winner.file.path).read_bytes()[:5] == b"%PDF-"
    assert len(events("application.upload", application)) == 1


def test_an_upload_that_replaces_what_it_saw_still_replaces(application, officer):
    """The check only refuses a stale page: a page that saw the current file replaces it."""
    client = browser(officer)
    upload_from_the_page(client, application, "report", pdfs.pdf_with_pages(2), "uno.pdf")()
    response = upload_from_the_page(
        client, application, "report", pdfs.pdf_with_pages(3), "dos.pdf"
    )()
    assert response.status_code == 200
    assert b"upload-error-report" not in response.content
    assert [d.original_name for d in Document.objects.filter(kind="report")] == ["dos.pdf"]
    assert len(stored_pdfs()) == 1


# --- Submission ------------------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_double_submit_at_once_submits_once(
    shared_database, application, officer, second_officer, round_
):
    application = fill_in(application, officer)
    shared_database()
    mail.outbox.clear()
    url = reverse("application_submit", args=[application.pk])
    first, second = browser(officer), browser(second_officer)

    responses = at_once(lambda: first.post(url), lambda: second.post(url))

    assert_no_server_error(*responses)
    assert all(r.status_code == 302 for r in responses)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.content_hash == services.content_hash(application)
    assert len(events("application.submit", application)) == 1
    # One receipt, e-mailed once to each of the two officers.
    assert application.receipt
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, second_officer.email])


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_autosave_racing_submit_is_either_in_the_submission_or_refused(
    shared_database, application, officer, second_officer, round_
):
    application = fill_in(application, officer)
    shared_database()
    editor, submitter = browser(officer), browser(second_officer)
    new_motivation = f"Motivación corregida en la ronda {round_}."
    form = post_form(application, motivation=new_motivation)
    url = reverse("application_submit", args=[application.pk])

    autosave, submit = at_once(
        lambda: editor.post(application.get_absolute_url(), form, **HTMX),
        lambda: submitter.post(url),
    )

    assert_no_server_error(autosave, submit)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert len(events("application.submit", application)) == 1
    # What was hashed at submission is what is stored: an autosave never slips in after.
    assert application.content_hash == services.content_hash(application)
    page = autosave.content.decode()
    if application.motivation == new_motivation:
        assert "Saved at" in page
    else:
        assert application.motivation == complete_draft(application)["motivation"]
        assert "can no longer be edited" in page
