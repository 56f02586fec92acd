import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_spanish_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
