"""An application is its city's and its chapter staff's only. Hostile users try every door,
by URL and by form field; each is refused and nothing changes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from calls import services
from calls.models import Application, Document
from coalition.models import AuditEvent
from coalition.permissions import can_edit_application, can_view_application
from tests.calls import pdfs
from tests.calls.helpers import fill_in, post_form

pytestmark = pytest.mark.django_db

HOSTILE = [
    "other_officer",  # approved officer of another city of the same chapter
    "unverified_user",  # signed in, e-mail never confirmed
    "pending_officer",  # asked to represent this very city, not approved yet
    "plain_user",  # signed in, no role
    "other_staff_user",  # staff of another chapter (with MFA)
    "anonymous",
]


@pytest.fixture(params=HOSTILE)
def intruder(request, login):
    """(name, user or None, client) of a hostile visitor."""
    if request.param == "anonymous":
        return request.param, None, login(None)
    user = request.getfixturevalue(request.param)
    return request.param, user, login(user)


@pytest.fixture
def target(application, officer):
    """Peñalolén's application: complete, with an annex, a receipt and a dossier on file."""
    application = fill_in(application, officer)
    services.application_upload_document(
        application=application,
        actor=officer,
        kind=Document.Kind.ANNEX,
        upload=pdfs.as_upload(pdfs.pdf_with_pages(1), "anexo.pdf"),
    )
    application.refresh_from_db()
    application.receipt.save("receipt-x.pdf", ContentFile(pdfs.pdf_with_pages(1)), save=False)
    application.dossier.save("dossier-x.pdf", ContentFile(pdfs.pdf_with_pages(2)), save=False)
    Application.objects.filter(pk=application.pk).update(
        receipt=application.receipt.name, dossier=application.dossier.name
    )
    application.refresh_from_db()
    return application


def snapshot(application) -> tuple:
    application = Application.objects.get(pk=application.pk)
    return (
        application.status,
        application.version,
        application.motivation,
        application.answers,
        application.declarations,
        application.submitted_at,
        application.screening_reason,
        application.reopen_reason,
        sorted(application.documents.values_list("pk", "kind", "sha256")),
        AuditEvent.objects.count(),
    )


def expect_refused(response, name: str, *, staff_page: bool = False) -> None:
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif staff_page and name != "other_staff_user":
        assert response.status_code == 403
    else:
        assert response.status_code == 404, response.status_code


def test_hostile_users_cannot_touch_the_application(intruder, target):
    name, user, client = intruder
    before = snapshot(target)
    mail.outbox.clear()
    pk = target.pk
    letter = target.documents.get(kind="letter")
    annex = target.documents.get(kind="annex")
    htmx = {"HTTP_HX_REQUEST": "true"}

    attempts = [
        client.get(reverse("application_edit", args=[pk])),
        client.post(reverse("application_edit", args=[pk]), post_form(target, motivation="X")),
        client.post(
            reverse("application_edit", args=[pk]), post_form(target, motivation="X"), **htmx
        ),
        client.post(
            reverse("application_upload", args=[pk]),
            {"kind": "report", "file": pdfs.as_upload(pdfs.pdf_with_pages(1))},
        ),
        client.post(reverse("application_remove_annex", args=[pk, annex.pk])),
        client.post(reverse("application_submit", args=[pk])),
        client.post(reverse("application_withdraw", args=[pk])),
        client.get(reverse("document_download", args=[pk, letter.pk])),
        client.get(reverse("receipt_download", args=[pk])),
    ]
    for response in attempts:
        expect_refused(response, name)
        assert b"Pe\xc3\xb1alol\xc3\xa9n" not in response.content or name == "anonymous"

    staff_attempts = [
        client.get(reverse("staff_application", args=[pk])),
        client.post(reverse("staff_application", args=[pk]), {"action": "reopen", "reason": "X"}),
        client.post(
            reverse("staff_application", args=[pk]),
            {"action": "screen", "decision": "ineligible", "reason": "X"},
        ),
        client.post(reverse("staff_application", args=[pk]), {"action": "dossier"}),
        client.get(reverse("dossier_download", args=[pk])),
    ]
    for response in staff_attempts:
        expect_refused(response, name, staff_page=True)

    assert snapshot(target) == before
    assert mail.outbox == []
    if user is not None:
        assert not can_view_application(user, target)
        assert not can_edit_application(user, target)


def test_hostile_users_cannot_see_a_submitted_application_either(intruder, target, officer):
    name, _user, client = intruder
    services.application_submit(application=target, actor=officer)
    before = snapshot(target)
    for response in (
        client.get(reverse("application_edit", args=[target.pk])),
        client.post(reverse("application_withdraw", args=[target.pk])),
        client.get(reverse("receipt_download", args=[target.pk])),
    ):
        expect_refused(response, name)
    assert snapshot(target) == before


def test_ids_of_another_application_lead_nowhere(
    officer_client, target, other_application, other_officer
):
    """Officer of Peñalolén, with ids of Renca's application and documents."""
    fill_in(other_application, other_officer)
    theirs = other_application.documents.get(kind="letter")
    before = snapshot(other_application)
    for response in (
        officer_client.get(reverse("application_edit", args=[other_application.pk])),
        officer_client.post(reverse("application_submit", args=[other_application.pk])),
        # Their document under my application's URL.
        officer_client.get(reverse("document_download", args=[target.pk, theirs.pk])),
        officer_client.post(reverse("application_remove_annex", args=[target.pk, theirs.pk])),
        officer_client.get(reverse("receipt_download", args=[other_application.pk])),
    ):
        assert response.status_code == 404
    assert snapshot(other_application) == before
    # An id that does not exist looks the same as one that is not yours.
    assert officer_client.get(reverse("application_edit", args=[999999])).status_code == 404


def test_starting_an_application_for_another_city_is_refused(
    login, call, municipality, other_officer, pending_officer, unverified_user, anonymous
):
    start = reverse("application_start", args=[call.slug])
    for client in (login(other_officer), login(pending_officer), login(unverified_user)):
        response = client.post(start, {"municipality": municipality.pk})
        assert response.status_code == 403
    response = anonymous.post(start, {"municipality": municipality.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # GET is not a way in either, nor a made-up municipality.
    assert login(other_officer).get(start).status_code == 405
    assert login(other_officer).post(start, {"municipality": 999999}).status_code == 404
    assert login(other_officer).post(start, {}).status_code == 404
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action="application.start").exists()


def test_an_upload_cannot_choose_a_kind_outside_the_list(officer_client, application):
    response = officer_client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": "dossier", "file": pdfs.as_upload(pdfs.pdf_with_pages(1))},
    )
    assert response.status_code == 400
    assert not application.documents.exists()


def test_staff_of_the_chapter_read_but_do_not_write_the_application(
    staff_client, target, staff_user
):
    before = snapshot(target)
    assert staff_client.get(reverse("application_edit", args=[target.pk])).status_code == 200
    assert staff_client.get(reverse("staff_application", args=[target.pk])).status_code == 200
    letter = target.documents.get(kind="letter")
    download = staff_client.get(reverse("document_download", args=[target.pk, letter.pk]))
    assert download.status_code == 200
    for response in (
        staff_client.post(
            reverse("application_edit", args=[target.pk]), post_form(target, motivation="X")
        ),
        staff_client.post(
            reverse("application_upload", args=[target.pk]),
            {"kind": "annex", "file": pdfs.as_upload(pdfs.pdf_with_pages(1))},
        ),
        staff_client.post(reverse("application_submit", args=[target.pk])),
        staff_client.post(reverse("application_withdraw", args=[target.pk])),
    ):
        assert response.status_code == 403
    assert snapshot(target) == before


def test_officers_cannot_use_the_staff_pages_of_their_own_application(officer_client, target):
    before = snapshot(target)
    for response in (
        officer_client.get(reverse("staff_application", args=[target.pk])),
        officer_client.post(
            reverse("staff_application", args=[target.pk]),
            {"action": "screen", "decision": "eligible", "reason": ""},
        ),
        officer_client.get(reverse("dossier_download", args=[target.pk])),
        officer_client.get(reverse("staff_call_applications", args=[target.call.slug])),
    ):
        assert response.status_code == 403
    assert snapshot(target) == before
