"""E-mail goes out after commit, through Celery, in the recipient's language, as text and HTML."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from coalition.emails import render_email, send_email_to_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe_templates(settings, tmp_path):
    """An e-mail whose words come from Django's own catalogues, which exist in every language."""
    folder = tmp_path / "templates" / "emails"
    folder.mkdir(parents=True)
    (folder / "probe_subject.txt").write_text(
        '{% load i18n %}\n{% translate "Password" %}\n{{ name }}\n'
    )
    (folder / "probe_body.txt").write_text(
        '{% load i18n %}{% translate "Yes" %} / {% translate "No" %} — {{ name }}\n'
    )
    (folder / "probe_body.html").write_text(
        '{% extends "emails/base.html" %}{% load i18n %}'
        '{% block content %}<p>{% translate "Yes" %}, {{ name }}</p>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize(
    ("language", "password", "yes", "no"),
    [
        ("es", "Contraseña", "Sí", "No"),
        ("en", "Password", "Yes", "No"),
        ("pt-br", "Senha", "Sim", "Não"),
    ],
)
def test_e_mail_is_written_in_the_recipient_language(
    probe_templates, django_capture_on_commit_callbacks, language, password, yes, no
):
    user = UserFactory(language=language, email=f"{language}@example.org")
    # The sender's language does not matter: the recipient's does.
    sender_language = "es" if language != "es" else "en"
    with (
        translation.override(sender_language),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_email_to_user(user=user, template="probe", context={"name": "Ana"})
    [message] = mail.outbox
    assert message.to == [f"{language}@example.org"]
    assert message.subject == f"{password} Ana"  # on one line
    assert message.body.strip() == f"{yes} / {no} — Ana"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert f"<p>{yes}, Ana</p>" in html


def test_e_mail_waits_for_the_transaction_to_commit(probe_templates, plain_user):
    with transaction.atomic():
        send_email_to_user(user=plain_user, template="probe", context={"name": "Ana"})
        assert mail.outbox == []
        transaction.set_rollback(True)
    assert mail.outbox == []


def test_e_mail_is_sent_once_committed(
    probe_templates, plain_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        send_email_to_user(user=plain_user, template="probe", context={"name": "Ana"})
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_inactive_users_get_no_e_mail(
    probe_templates, plain_user, django_capture_on_commit_callbacks
):
    plain_user.is_active = False
    plain_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_email_to_user(user=plain_user, template="probe", context={"name": "Ana"})
    assert mail.outbox == []


def test_language_is_read_when_the_message_is_rendered(
    probe_templates, plain_user, django_capture_on_commit_callbacks
):
    """The worker renders with the language the user has then, not when it was queued."""
    with django_capture_on_commit_callbacks() as callbacks:
        send_email_to_user(user=plain_user, template="probe", context={"name": "Ana"})
    plain_user.language = "en"
    plain_user.save()
    callbacks[0]()
    assert mail.outbox[0].subject == "Password Ana"


@pytest.mark.parametrize("language", ["es", "en", "pt-br"])
def test_portal_e_mails_have_text_and_html_parts(language):
    message = render_email(
        template="coalition_summary_ready",
        context={"document_id": 7, "pages": 3},
        language=language,
    )
    assert message["subject"] and "\n" not in message["subject"]
    assert "3" in message["body"]
    assert "http://localhost:8000/panel/staff/summary/" in message["body"]
    assert "<html" not in message["body"]
    assert f'<html lang="{language}">' in message["html"]
    assert 'href="http://localhost:8000/panel/staff/summary/"' in message["html"]


def test_allauth_e_mails_follow_the_recipient_language(client, django_capture_on_commit_callbacks):
    spanish = UserFactory(email="es@example.org", language="es")
    english = UserFactory(email="en@example.org", language="en")
    client.cookies["django_language"] = "pt-br"  # the browser's language is not the recipient's
    for user in (spanish, english):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_reset_password"), {"email": user.email})
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"es@example.org", "en@example.org"}
    assert translated("es", "Password Reset Email") in by_recipient["es@example.org"].subject
    assert "Password Reset Email" in by_recipient["en@example.org"].subject
    assert translated("es", "Password Reset Email") != "Password Reset Email"
