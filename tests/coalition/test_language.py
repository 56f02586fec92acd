"""The language switcher: Spanish first, the visitor's choice remembered, never the browser's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse

from coalition.middleware import UserLanguageMiddleware, language_for

pytestmark = pytest.mark.django_db

SET_LANGUAGE = reverse("set_language")


def page_language(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_spanish_is_the_default_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9,pt-BR;q=0.8")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert page_language(response) == "es"
    # Django's own strings follow: the login form is Spanish.
    login = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(login) == "es"
    assert "Contraseña" in login.content.decode()


@pytest.mark.parametrize(("language", "password_label"), [("en", "Password"), ("pt-br", "Senha")])
def test_visitor_switches_language_with_a_cookie(client, language, password_label):
    response = client.post(SET_LANGUAGE, {"language": language, "next": "/members/"})
    assert response.status_code == 302
    assert response.url == "/members/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == language
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 30 * 24 * 60 * 60

    page = client.get("/")
    assert page["Content-Language"] == language
    assert page_language(page) == language
    login = client.get(reverse("account_login"))
    assert page_language(login) == language
    assert password_label in login.content.decode()


def test_signed_in_user_language_is_stored_on_the_account(client, plain_user):
    assert plain_user.language == "es"
    client.force_login(plain_user)
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "/panel/"})
    assert response.url == "/panel/"
    plain_user.refresh_from_db()
    assert plain_user.language == "en"
    # The account's language follows the user to another browser, without the cookie.
    other_browser = type(client)()
    other_browser.force_login(plain_user)
    page = other_browser.get("/panel/", HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "en"
    assert page_language(page) == "en"


def test_account_language_wins_over_a_stale_cookie(client, plain_user):
    plain_user.language = "pt-br"
    plain_user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(plain_user)
    assert client.get("/")["Content-Language"] == "pt-br"


def test_unknown_language_changes_nothing(client, plain_user):
    client.force_login(plain_user)
    response = client.post(SET_LANGUAGE, {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    plain_user.refresh_from_db()
    assert plain_user.language == "es"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.logout()
    assert client.get("/")["Content-Language"] == "es"


@pytest.mark.parametrize(
    "unsafe_next",
    [
        "https://evil.example.com/",
        "//evil.example.com/path",
        "http://testserver.evil.example.com/",
        "javascript:alert(1)",
        "\\\\evil.example.com",
    ],
)
def test_external_next_is_not_followed(client, unsafe_next):
    response = client.post(SET_LANGUAGE, {"language": "en", "next": unsafe_next})
    assert response.status_code == 302
    assert response.url == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_switch_only_accepts_post(client):
    assert client.get(SET_LANGUAGE, {"language": "en"}).status_code == 405


def test_language_switch_needs_the_csrf_token():
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(SET_LANGUAGE, {"language": "en", "next": "/"})
    assert response.status_code == 403


def test_the_page_offers_every_language(client):
    content = client.get("/").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in content


def test_responses_vary_on_cookie(client):
    assert "Cookie" in client.get("/")["Vary"]


@pytest.mark.parametrize(
    "vary, expected",
    [(None, "Cookie"), ("Accept-Encoding", "Accept-Encoding, Cookie"), ("cookie", "cookie")],
)
def test_a_views_own_vary_is_kept_and_cookie_added_once(rf, vary, expected):
    def view(request):
        response = HttpResponse("ok")
        if vary:
            response["Vary"] = vary
        return response

    request = rf.get("/")
    request.user = AnonymousUser()
    response = UserLanguageMiddleware(view)(request)
    assert response["Vary"] == expected
    assert request.LANGUAGE_CODE == response["Content-Language"] == "es"


def test_language_for_ignores_unsupported_user_language(rf, plain_user):
    plain_user.language = "de"  # no such choice; never trust what is stored
    request = rf.get("/")
    request.user = plain_user
    assert language_for(request) == "es"
