"""Rules added after review: chapter of the applicant, conflicts without JavaScript, receipts
sent once, reminder wording."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls import background, services
from calls.models import Application
from tests.calls.helpers import fill_in, post_form
from tests.factories import MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_a_city_of_another_chapter_cannot_apply(call, other_chapter, login):
    foreign = MunicipalityFactory(chapter=other_chapter, country="AR")
    officer = OfficerFactory(municipality=foreign).user
    with pytest.raises(ValidationError):
        services.application_start(call=call, municipality=foreign, actor=officer)
    response = login(officer).post(
        reverse("application_start", args=[call.slug]), {"municipality": foreign.pk}
    )
    assert response.status_code == 302
    assert not Application.objects.filter(municipality=foreign).exists()


def test_saving_again_after_a_conflict_without_javascript_is_refused_again(
    application, officer, second_officer, login
):
    first, second = login(officer), login(second_officer)
    stale = post_form(application)
    assert (
        first.post(
            reverse("application_edit", args=[application.pk]), {**stale, "motivation": "Primera"}
        ).status_code
        == 302
    )
    refused = second.post(
        reverse("application_edit", args=[application.pk]), {**stale, "motivation": "Segunda"}
    )
    assert refused.status_code == 400
    # The form shown again still carries the version the second officer had loaded...
    assert f'name="version" value="{stale["version"]}"' in refused.content.decode()
    # ...so pressing save again does not overwrite the first officer's text.
    again = second.post(
        reverse("application_edit", args=[application.pk]), {**stale, "motivation": "Segunda"}
    )
    assert again.status_code == 400
    application.refresh_from_db()
    assert application.motivation == "Primera"


def test_the_receipt_and_its_email_are_sent_once(
    application, officer, django_capture_on_commit_callbacks
):
    fill_in(application, officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=officer)
    sent = len(mail.outbox)
    assert sent >= 1
    # The confirmation carries the receipt itself.
    for message in mail.outbox:
        ((name, content, mimetype),) = message.attachments
        assert name.endswith(".pdf") and mimetype == "application/pdf"
        assert content.startswith(b"%PDF-")
    receipt = Application.objects.get(pk=application.pk).receipt.name
    # A retried task finds the receipt and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        background.application_send_receipt(application_id=application.pk)
    assert len(mail.outbox) == sent
    assert Application.objects.get(pk=application.pk).receipt.name == receipt


def test_a_late_reminder_says_the_real_number_of_days(
    application, officer, django_capture_on_commit_callbacks
):
    now = application.call.closes_at - timedelta(days=2, hours=1)
    assert now > application.call.opens_at
    with django_capture_on_commit_callbacks(execute=True):
        background.reminders_send_due(now=now)
    subjects = [message.subject for message in mail.outbox]
    assert subjects
    assert all(subject.endswith("closes in 2 days") for subject in subjects), subjects


def test_an_upload_does_not_make_an_open_form_stale(officer_client, application):
    """Typing and uploading at the same time: the autosave after an upload still saves."""
    from tests.calls import pdfs

    loaded = post_form(application)
    officer_client.post(
        reverse("application_upload", args=[application.pk]),
        {"kind": "report", "file": pdfs.as_upload(pdfs.pdf_with_pages(2))},
        HTTP_HX_REQUEST="true",
    )
    assert application.documents.count() == 1
    response = officer_client.post(
        reverse("application_edit", args=[application.pk]),
        {**loaded, "motivation": "Escrita mientras se subía el informe"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.motivation == "Escrita mientras se subía el informe"
