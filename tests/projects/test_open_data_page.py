"""The open data page lists the downloads of the projects part, and each of them answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

DOWNLOADS = [
    f"{name}_{kind}"
    for name in ("project_data", "startup_data", "challenge_data", "register_data")
    for kind in ("csv", "json")
] + ["measurements_csv", "measurements_json"]
API_LISTS = [
    "api_project_list",
    "api_startup_list",
    "api_challenge_list",
    "api_indicator_list",
    "api_register_list",
]


@pytest.mark.django_db
def test_open_data_page_links_every_download_of_projects(client):
    page = client.get(reverse("open_data")).content.decode()
    for name in DOWNLOADS + API_LISTS:
        url = reverse(name)
        assert f'href="{url}"' in page, name
        response = client.get(url)
        assert response.status_code == 200, name
