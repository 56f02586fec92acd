"""Officers apply: start, fill in (autosaved), upload real PDFs, submit, withdraw, correct."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from calls import services
from calls.models import Application, Document
from coalition.models import AuditEvent
from tests.calls import pdfs
from tests.calls.helpers import fill_in, post_form

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def edit_url(application) -> str:
    return reverse("application_edit", args=[application.pk])


def upload_url(application) -> str:
    return reverse("application_upload", args=[application.pk])


def upload(client, application, kind, data: bytes, name="documento.pdf", **extra):
    return client.post(
        upload_url(application), {"kind": kind, "file": pdfs.as_upload(data, name)}, **extra
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def events(action: str, application) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=action, target_id=str(application.pk)).order_by("id")
    )


# --- Starting ------------------------------------------------------------------------------


def test_officer_starts_an_application_prefilled_from_the_profile(
    officer_client, call, municipality, officer
):
    response = officer_client.post(
        reverse("application_start", args=[call.slug]), {"municipality": municipality.pk}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(application)
    assert (application.call, application.municipality) == (call, municipality)
    assert application.status == Application.Status.DRAFT
    assert application.created_by == officer
    assert application.contact_name == "María José Soto"
    assert application.contact_email == officer.email
    assert application.innovation_unit == "Laboratorio de Innovación Peñalolén"
    assert application.innovation_team == "6 people, led by Ana Pérez"
    assert application.digital_plan == "https://www.penalolen.cl/plan-digital"
    assert application.initiatives == "Asistente virtual para trámites municipales."
    [event] = events("application.start", application)
    assert event.actor == officer and event.to_state == "draft"

    page = officer_client.get(edit_url(application)).content.decode()
    assert 'value="Laboratorio de Innovación Peñalolén"' in page


def test_one_application_per_municipality_and_call(
    login, call, municipality, officer, second_officer
):
    start = reverse("application_start", args=[call.slug])
    first = login(officer).post(start, {"municipality": municipality.pk})
    second = login(second_officer).post(start, {"municipality": municipality.pk})
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1
    assert len(events("application.start", Application.objects.get())) == 1
    # The database itself refuses a duplicate, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=call, municipality=municipality)


def test_the_other_officer_of_the_city_edits_it_too(login, application, second_officer):
    client = login(second_officer)
    assert client.get(edit_url(application)).status_code == 200
    response = client.post(edit_url(application), post_form(application, motivation="Juan"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.motivation == "Juan"


# --- Saving -------------------------------------------------------------------------------


def test_autosave_by_htmx_saves_and_returns_the_new_version(officer_client, application):
    version = application.version
    response = officer_client.post(
        edit_url(application),
        post_form(application, motivation="Queremos sumarnos", contact_role="Directora"),
        **HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    application.refresh_from_db()
    assert application.motivation == "Queremos sumarnos"
    assert application.contact_role == "Directora"
    assert application.version == version + 1
    assert "Saved at" in page
    assert (
        f'<input type="hidden" name="version" value="{version + 1}" id="id_version" '
        'hx-swap-oob="true">'
    ) in page
    # The completeness box is refreshed too (only the documents are missing now).
    assert 'id="completeness"' in page
    assert 'href="#documents-letter"' in page
    assert 'href="#id_motivation"' not in page
    assert "<html" not in page  # a fragment, not a page


def test_plain_post_without_javascript_saves_and_redirects(officer_client, application):
    response = officer_client.post(
        edit_url(application), post_form(application, motivation="Sin JavaScript"), follow=True
    )
    assert response.redirect_chain == [(edit_url(application), 302)]
    assert "Draft saved." in messages_of(response)
    application.refresh_from_db()
    assert application.motivation == "Sin JavaScript"
    assert 'value="Directora de Innovación"' in response.content.decode()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_stale_editor_is_told_and_overwrites_nothing(
    login, application, officer, second_officer, htmx
):
    first, second = login(officer), login(second_officer)
    # Both open the page at the same version.
    stale = post_form(application, motivation="Texto de Juan")
    first.post(edit_url(application), post_form(application, motivation="Texto de María"), **HTMX)

    response = second.post(edit_url(application), stale, **(HTMX if htmx else {}))

    page = response.content.decode()
    assert "Someone else saved this application at" in page
    assert "yours have not been saved" in page
    application.refresh_from_db()
    assert application.motivation == "Texto de María"
    assert application.version == stale["version"] + 1
    if htmx:
        # The version kept by the stale page does not move: the next autosave conflicts too.
        assert 'hx-swap-oob="true"' not in page
        again = second.post(edit_url(application), stale, **HTMX)
        assert "Someone else saved" in again.content.decode()
        application.refresh_from_db()
        assert application.motivation == "Texto de María"
    else:
        assert response.status_code == 400
        assert "Texto de Juan" in page  # what Juan typed is still in front of him


def test_invalid_fields_are_reported_and_the_valid_ones_saved(officer_client, application, call):
    long_question = call.questions.get(kind="long_text")
    fill = post_form(application)
    officer_client.post(edit_url(application), fill)  # a first complete save
    application.refresh_from_db()
    saved_answer = application.answers[str(long_question.pk)]
    too_long = " ".join(["palabra"] * 13)

    response = officer_client.post(
        edit_url(application),
        post_form(
            application,
            contact_email="no-es-un-correo",
            motivation="Un texto nuevo y válido",
            **{f"question_{long_question.pk}": too_long},
        ),
    )

    assert response.status_code == 400
    page = response.content.decode()
    errors = response.context["form"].errors
    assert errors["contact_email"] == ["Enter a valid email address."]
    assert errors[f"question_{long_question.pk}"] == ["13 words; the limit is 12."]
    assert "13 words; the limit is 12." in page
    assert "Some answers could not be saved; see the messages below." in messages_of(response)
    # Nothing typed is lost: the page shows what was typed, the bad values included...
    assert 'value="no-es-un-correo"' in page
    assert too_long in page
    assert "Un texto nuevo y válido" in page
    # ...the valid fields are stored, the invalid ones keep their previous value...
    application.refresh_from_db()
    assert application.motivation == "Un texto nuevo y válido"
    assert application.contact_email == "innovacion@example.org"
    assert application.answers[str(long_question.pk)] == saved_answer
    # ...and the form carries the new version, so saving again is no conflict.
    assert response.context["form"]["version"].value() == application.version


def test_invalid_fields_by_htmx_are_listed_with_the_saved_time(officer_client, application):
    response = officer_client.post(
        edit_url(application),
        post_form(application, contact_email="arroba@", motivation="Guardado igual"),
        **HTMX,
    )
    page = response.content.decode()
    assert "Saved at" in page
    assert "Some answers could not be saved:" in page
    assert "Enter a valid email address." in page
    application.refresh_from_db()
    assert application.motivation == "Guardado igual"
    assert application.contact_email != "arroba@"


# --- Documents ----------------------------------------------------------------------------


def test_a_valid_report_is_accepted_with_its_page_count(officer_client, application, officer):
    response = upload(officer_client, application, "report", pdfs.pdf_with_pages(4), "informe.pdf")
    assert response.status_code == 302
    assert response["Location"] == edit_url(application) + "#documents-report"
    document = application.documents.get()
    assert (document.kind, document.pages, document.original_name) == ("report", 4, "informe.pdf")
    assert document.uploaded_by == officer
    assert len(document.sha256) == 64
    assert default_storage.exists(document.file.name)
    page = officer_client.get(edit_url(application))
    assert "Descriptive report received: 4 pages." in messages_of(page)
    assert "informe.pdf" in page.content.decode()


def test_a_report_over_the_page_limit_is_refused(officer_client, application):
    response = upload(officer_client, application, "report", pdfs.pdf_with_pages(7))
    assert response.status_code == 400
    assert "The report has 7 pages; the limit is 5." in response.content.decode()
    assert response.context["upload_error"]["kind"] == "report"
    assert not application.documents.exists()


def test_htmx_upload_answers_with_the_documents_fragment(officer_client, application):
    response = upload(officer_client, application, "report", pdfs.pdf_with_pages(8), **HTMX)
    page = response.content.decode()
    assert 'id="documents"' in page and "<html" not in page
    assert "The report has 8 pages; the limit is 5." in page
    assert 'aria-invalid="true"' in page


def test_a_refused_replacement_keeps_the_previous_valid_file(officer_client, application):
    upload(officer_client, application, "report", pdfs.pdf_with_pages(2), "bueno.pdf")
    previous = application.documents.get()

    for bad in (pdfs.pdf_with_pages(6), pdfs.truncated_pdf(), pdfs.encrypted_pdf(), b""):
        response = upload(officer_client, application, "report", bad, "malo.pdf")
        assert response.status_code == 400

    current = application.documents.get()
    assert (current.pk, current.sha256, current.file.name) == (
        previous.pk,
        previous.sha256,
        previous.file.name,
    )
    assert default_storage.exists(current.file.name)
    with default_storage.open(current.file.name) as stored:
        assert stored.read() == pdfs.pdf_with_pages(2)


def test_a_valid_replacement_replaces(
    officer_client, application, django_capture_on_commit_callbacks
):
    upload(officer_client, application, "report", pdfs.pdf_with_pages(2))
    old = application.documents.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(officer_client, application, "report", pdfs.pdf_with_pages(3))
    new = application.documents.get()
    assert new.pages == 3 and new.pk != old.pk
    # The old file stays until the replacement is committed, then goes.
    assert default_storage.exists(old.file.name)
    for callback in callbacks:
        callback()
    assert not default_storage.exists(old.file.name)


def test_a_signed_letter_shows_its_digital_signature(officer_client, application):
    upload(officer_client, application, "letter", pdfs.signed_pdf(), "carta-firmada.pdf")
    letter = application.documents.get(kind="letter")
    # Intact, self-signed: no trusted root vouches for it.
    assert letter.signature == Document.Signature.UNTRUSTED
    assert letter.signer_name == pdfs.SIGNER_CN
    assert letter.signed_at == pdfs.SIGNED_AT
    page = officer_client.get(edit_url(application)).content.decode()
    assert "Intact signature, issuer not verified" in page
    assert f"by {pdfs.SIGNER_CN}" in page


def test_a_scanned_letter_is_accepted_without_signature(officer_client, application):
    upload(officer_client, application, "letter", pdfs.unsigned_pdf(), "carta.pdf")
    letter = application.documents.get(kind="letter")
    assert letter.signature == Document.Signature.NONE
    assert "No digital signature" in (officer_client.get(edit_url(application)).content.decode())


def test_annexes_up_to_the_limit(officer_client, application, call):
    assert call.max_annexes == 2
    for number in range(2):
        response = upload(officer_client, application, "annex", pdfs.pdf_with_pages(1 + number))
        assert response.status_code == 302
    response = upload(officer_client, application, "annex", pdfs.pdf_with_pages(9))
    assert response.status_code == 400
    assert "This call accepts at most 2 annexes." in response.content.decode()
    assert application.documents.filter(kind="annex").count() == 2
    # Annexes have no page limit (only the report has).
    annex = application.documents.filter(kind="annex").first()
    officer_client.post(reverse("application_remove_annex", args=[application.pk, annex.pk]))
    assert application.documents.filter(kind="annex").count() == 1
    assert not default_storage.exists(annex.file.name)
    assert upload(officer_client, application, "annex", pdfs.pdf_with_pages(9)).status_code == 302


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(officer_client, application):
    response = officer_client.post(
        upload_url(application), {"kind": "letter", "file": pdfs.not_a_pdf_named_pdf()}
    )
    assert response.status_code == 400
    assert "The file is not a PDF." in response.content.decode()
    assert not application.documents.exists()


def test_documents_are_never_served_from_a_public_url(
    officer_client, login, anonymous, application, other_officer, staff_user, other_staff_user
):
    upload(officer_client, application, "report", pdfs.pdf_with_pages(2), "informe.pdf")
    document = application.documents.get()
    assert settings.MEDIA_URL in ("", "/")
    for public in (f"/{document.file.name}", f"/media/{document.file.name}"):
        assert anonymous.get(public).status_code == 404
    page = officer_client.get(edit_url(application)).content.decode()
    assert document.file.name not in page
    download = reverse("document_download", args=[application.pk, document.pk])
    assert download in page

    response = officer_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdfs.pdf_with_pages(2)
    assert login(staff_user).get(download).status_code == 200

    assert anonymous.get(download).status_code == 302
    assert login(other_officer).get(download).status_code == 404
    assert login(other_staff_user).get(download).status_code == 404


# --- Submitting ---------------------------------------------------------------------------


def test_completeness_lists_what_is_missing_with_anchors(officer_client, application, call):
    response = officer_client.post(
        reverse("application_submit", args=[application.pk]), follow=True
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None
    shown = messages_of(response)
    assert "Before submitting, complete: Role of the contact person" in shown
    assert "Before submitting, complete: Commitment letter signed by the mayor" in shown
    page = response.content.decode()
    requirement = call.requirements.first()
    question = call.questions.get(kind="choice")
    for anchor in (
        "id_contact_role",
        "id_motivation",
        f"id_requirement_{requirement.pk}",
        f"id_question_{question.pk}",
        "documents-letter",
        "documents-report",
    ):
        assert f'href="#{anchor}"' in page
        assert f'id="{anchor}"' in page  # the anchor leads somewhere
    # The optional question is not asked for.
    optional = call.questions.get(kind="number")
    assert f'href="#id_question_{optional.pk}"' not in page


def test_evidence_is_required_where_the_requirement_asks_for_it(application, officer, call):
    application = fill_in(application, officer)
    requirement = call.requirements.get(evidence_requested=True)
    declarations = dict(application.declarations)
    declarations[str(requirement.pk)] = {"accepted": True, "evidence": "  "}
    services.application_save_draft(
        application=application,
        actor=officer,
        version=application.version,
        data={"declarations": declarations},
    )
    with translation.override("en"), pytest.raises(services.ValidationError) as refused:
        services.application_submit(application=application, actor=officer)
    assert refused.value.messages == [
        f"Before submitting, complete: Evidence for: {requirement.text}"
    ]


@pytest.fixture
def submitted(
    officer_client, application, officer, second_officer, django_capture_on_commit_callbacks
):
    fill_in(application, officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("application_submit", args=[application.pk]), follow=True
        )
    assert "Your application has been submitted." in " ".join(messages_of(response))
    application.refresh_from_db()
    return application


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_submit_records_time_and_hash_and_sends_the_receipt(
    submitted, officer_client, officer, second_officer
):
    application = submitted
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None
    assert re.fullmatch(r"[0-9a-f]{64}", application.content_hash)
    assert application.content_hash == services.content_hash(application)
    [event] = events("application.submit", application)
    assert (event.from_state, event.to_state) == ("draft", "submitted")
    assert event.details == {"content_hash": application.content_hash}

    # Both officers are told, with the fingerprint.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, second_officer.email])
    for message in mail.outbox:
        assert message.subject == "Application received: Peñalolén — Convocatoria CIAR Chile 2026"

    # The PDF receipt was rendered in the background and downloads for the officer.
    assert application.receipt
    response = officer_client.get(reverse("receipt_download", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert application.content_hash in re.sub(r"\s", "", pdf_text(body))

    page = officer_client.get(edit_url(application)).content.decode()
    assert application.content_hash in page
    assert reverse("receipt_download", args=[application.pk]) in page


def test_a_submitted_application_is_read_only(submitted, officer_client, officer):
    application = submitted
    before = (application.version, application.motivation, application.content_hash)
    page = officer_client.get(edit_url(application)).content.decode()
    assert "hx-post" not in page
    assert reverse("application_submit", args=[application.pk]) not in page
    assert upload_url(application) not in page

    # An autosave sent before the page knew (a colleague submitted meanwhile) is told why.
    response = officer_client.post(
        edit_url(application), post_form(application, motivation="X"), **HTMX
    )
    assert response.status_code == 200
    assert "can no longer be edited" in response.content.decode()
    assert (
        officer_client.post(
            edit_url(application), post_form(application, motivation="X")
        ).status_code
        == 403
    )
    assert upload(officer_client, application, "report", pdfs.pdf_with_pages(1)).status_code == 403
    # The services refuse too, whatever the caller.
    with pytest.raises(services.ValidationError):
        services.application_save_draft(
            application=application,
            actor=officer,
            version=application.version,
            data={"motivation": "X"},
        )
    with pytest.raises(services.ValidationError):
        services.application_upload_document(
            application=application,
            actor=officer,
            kind="annex",
            upload=pdfs.as_upload(pdfs.pdf_with_pages(1)),
        )
    application.refresh_from_db()
    assert (application.version, application.motivation, application.content_hash) == before
    assert application.documents.count() == 2


def test_submitting_twice_is_harmless(
    submitted, officer_client, django_capture_on_commit_callbacks
):
    application = submitted
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("application_submit", args=[application.pk]))
    again = Application.objects.get(pk=application.pk)
    assert (again.submitted_at, again.content_hash, again.version) == (
        application.submitted_at,
        application.content_hash,
        application.version,
    )
    assert len(events("application.submit", application)) == 1
    assert mail.outbox == []


def test_withdraw_before_the_deadline(submitted, officer_client):
    response = officer_client.post(
        reverse("application_withdraw", args=[submitted.pk]), follow=True
    )
    assert "Your application has been withdrawn." in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.WITHDRAWN
    [event] = events("application.withdraw", submitted)
    assert (event.from_state, event.to_state) == ("submitted", "withdrawn")
    # Withdrawn is final for the officers: no more edits.
    assert (
        officer_client.post(edit_url(submitted), post_form(submitted, motivation="X")).status_code
        == 403
    )


def test_a_draft_can_be_withdrawn_too(officer_client, application):
    officer_client.post(reverse("application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_staff_reopen_with_a_reason_then_officers_correct_and_resubmit(
    submitted,
    staff_client,
    officer_client,
    officer,
    second_officer,
    django_capture_on_commit_callbacks,
):
    application = submitted
    first_hash, first_receipt = application.content_hash, application.receipt.name
    staff_page = reverse("staff_application", args=[application.pk])

    # A reason is required.
    response = staff_client.post(staff_page, {"action": "reopen", "reason": ""})
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).status == Application.Status.SUBMITTED

    mail.outbox.clear()
    reason = "La carta no está firmada por el intendente."
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(staff_page, {"action": "reopen", "reason": reason})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REOPENED
    assert application.reopen_reason == reason
    [event] = events("application.reopen", application)
    assert (event.from_state, event.to_state) == ("submitted", "reopened")
    assert event.details == {"reason": reason}

    # The officers read the reason by e-mail and on the page.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, second_officer.email])
    assert all(reason in m.body for m in mail.outbox)
    page = officer_client.get(edit_url(application)).content.decode()
    assert reason in page
    assert "The coalition staff reopened this application for correction:" in page
    assert "hx-post" in page  # editable again

    # They correct it and submit again.
    upload(officer_client, application, "letter", pdfs.signed_pdf(name="Intendente Firmante"))
    officer_client.post(edit_url(application), post_form(application, motivation="Corregida"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.reopen_reason == ""
    assert application.content_hash != first_hash
    assert len(events("application.submit", application)) == 2
    assert len(mail.outbox) == 2
    # The receipt is the one of the new submission, not the first.
    body = b"".join(
        officer_client.get(reverse("receipt_download", args=[application.pk])).streaming_content
    )
    text = re.sub(r"\s", "", pdf_text(body))
    assert application.content_hash in text
    assert first_hash not in text
    # Only one receipt is kept on storage: the old file was replaced, not left behind.
    receipts = default_storage.listdir(first_receipt.rsplit("/", 1)[0])[1]
    assert receipts == [application.receipt.name.rsplit("/", 1)[1]]
