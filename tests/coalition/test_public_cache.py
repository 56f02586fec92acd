"""Anonymous pages that carry nothing of the visitor's own may be kept by a proxy and are
revalidated with their ETag; signed-in pages and first visits are not public."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def returning_visitor():
    """An anonymous visitor who already has the CSRF cookie of an earlier visit."""
    client = Client()
    client.get(reverse("directory"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def test_a_returning_visitor_gets_a_public_page_with_an_etag(returning_visitor):
    MunicipalityFactory(name="Maipú", slug="maipu")
    response = returning_visitor.get(reverse("directory"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in response["Cache-Control"]
    assert "Cookie" in response["Vary"] and "HX-Request" in response["Vary"]
    again = returning_visitor.get(reverse("directory"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_first_visit_sets_its_cookie_and_is_not_public(client):
    response = client.get(reverse("directory"))
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert "public" not in response.get("Cache-Control", "")


def test_signed_in_pages_are_not_public(client):
    client.force_login(UserFactory())
    client.get(reverse("directory"))
    response = client.get(reverse("directory"))
    assert "public" not in response.get("Cache-Control", "")


def test_health_check_is_never_stored(client):
    assert client.get("/healthz/")["Cache-Control"] == "no-store"


def test_only_html_has_its_csrf_tokens_left_out_of_the_etag():
    """A page's masked tokens change on every render and must not change its ETag; in any
    other body the same characters are data, and two bodies that differ there differ."""
    from coalition.page_cache import page_etag

    def body(token: str) -> bytes:
        return b'{"field": "csrfmiddlewaretoken\\" value=\\"' + token.encode() * 64 + b'"}'

    page = b'<input name="csrfmiddlewaretoken" value="%s">'
    assert page_etag(page % (b"a" * 64)) == page_etag(page % (b"b" * 64))
    assert page_etag(body("a"), html=False) != page_etag(body("b"), html=False)


def test_a_download_is_revalidated_with_its_etag(returning_visitor):
    response = returning_visitor.get(reverse("project_data_json"))
    assert response.status_code == 200 and response["ETag"].startswith('W/"')
    again = returning_visitor.get(reverse("project_data_json"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
