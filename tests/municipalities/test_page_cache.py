"""Anonymous visitors get the directory from a stored copy of the whole page
(coalition.page_cache): with their own working CSRF token, never someone else's page, and
never a stale one."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MunicipalityFactory, enable_totp

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_each_visitor_gets_a_token_of_their_own_that_works(municipality):
    first, second = csrf_client(), csrf_client()
    rendered = first.get(reverse("directory"))  # rendered and stored
    stored = second.get(reverse("directory"))  # from the stored copy
    assert "\x00" not in stored.content.decode()
    tokens = TOKEN.findall(stored.content.decode())
    assert tokens and tokens != TOKEN.findall(rendered.content.decode())
    assert f'"X-CSRFToken": "{tokens[0]}"' in stored.content.decode()
    # The stored copy's token goes with the cookie it set: the language switcher works.
    switched = second.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[0]}
    )
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # ...and not with another visitor's cookie.
    refused = first.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


def test_the_stored_copy_is_the_rendered_page_but_for_the_tokens(municipality):
    rendered = Client().get(reverse("directory") + "?q=maip")
    stored = Client().get(reverse("directory") + "?q=maip")
    assert "Maipú" in stored.content.decode()
    assert ANY_TOKEN.sub("", stored.content.decode()) == ANY_TOKEN.sub(
        "", rendered.content.decode()
    )


def test_a_returning_visitor_revalidates_the_stored_copy_with_a_304(municipality):
    visitor = Client()
    visitor.get(reverse("directory"))  # first visit: sets the CSRF cookie, stores the page
    page = visitor.get(reverse("directory"))
    assert "public" in page["Cache-Control"]
    again = visitor.get(reverse("directory"), HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304


def test_a_change_to_the_data_shows_at_once(municipality):
    Client().get(reverse("directory"))
    MunicipalityFactory(name="Ciudad Recién Llegada", chapter=municipality.chapter)
    assert "Ciudad Recién Llegada" in Client().get(reverse("directory")).content.decode()


def test_languages_and_htmx_parts_are_stored_apart(municipality):
    Client().get(reverse("directory"))
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Member cities" in english.get(reverse("directory")).content.decode()
    results = Client().get(
        reverse("directory"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-results"
    )
    assert "<html" not in results.content.decode()
    assert "<html" in Client().get(reverse("directory")).content.decode()


def test_signed_in_visitors_never_get_the_anonymous_copy(client, municipality, chapter_staff):
    Client().get(reverse("directory"))  # the anonymous copy is stored
    enable_totp(chapter_staff)  # staff rights come with two-factor authentication
    client.force_login(chapter_staff)
    page = client.get(reverse("directory")).content.decode()
    assert 'name="stale"' in page  # the staff's own filter
    assert reverse("account_logout") in page
    assert 'name="stale"' not in Client().get(reverse("directory")).content.decode()


def test_the_filters_choices_are_read_once_per_data_version(client, municipality):
    client.get(reverse("directory") + "?q=a")
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("directory") + "?q=b")
    assert not [q for q in again if 'FROM "coalition_chapter" ORDER BY' in q["sql"]]
    MunicipalityFactory(name="Ciudad Recién Llegada", region="Región Nueva")
    assert "Región Nueva" in client.get(reverse("directory") + "?q=c").content.decode()


def test_an_anonymous_profile_shows_a_new_project_and_a_new_name_at_once(municipality):
    from tests.projects.factories import build_project

    url = reverse("municipality_profile", args=[municipality.slug])
    assert "Asistente de permisos" not in Client().get(url).content.decode()
    build_project([municipality], title="Asistente de permisos")
    assert "Asistente de permisos" in Client().get(url).content.decode()
    municipality.name = "Maipú Renovada"
    municipality.save()
    assert "Maipú Renovada" in Client().get(url).content.decode()


def test_an_unlisted_city_is_gone_from_the_stored_copies(municipality):
    url = reverse("municipality_profile", args=[municipality.slug])
    assert Client().get(url).status_code == 200
    municipality.is_listed = False
    municipality.save()
    assert Client().get(url).status_code == 404
