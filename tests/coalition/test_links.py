"""Addresses reversed once give exactly the addresses `reverse` gives."""

from __future__ import annotations

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from coalition.links import slug_url_maker

SLUGS = ["renca", "san-pedro-de-la-paz", "a_b-9", "x"]


@pytest.mark.parametrize("view_name", ["municipality_profile", "project_detail", "startup_detail"])
def test_an_address_is_the_one_reverse_gives(view_name):
    url = slug_url_maker(view_name)
    assert [url(slug) for slug in SLUGS] == [reverse(view_name, args=[slug]) for slug in SLUGS]


def test_under_a_script_prefix_and_with_the_site_url():
    set_script_prefix("/portal/")
    try:
        url = slug_url_maker("municipality_profile", prefix="https://coalicion.example.org")
        expected = "https://coalicion.example.org" + reverse("municipality_profile", args=["renca"])
    finally:
        clear_script_prefix()
    assert expected.startswith("https://coalicion.example.org/portal/")
    assert url("renca") == expected
