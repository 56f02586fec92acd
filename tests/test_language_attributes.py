"""Text written in a chapter's language carries its `lang` inside an English or Portuguese
page (WCAG 3.1.2), so that screen readers read it with the right voice; and the screening
page's two forms keep each label on its own box."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser.world import build_world, session_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_call_texts_and_profiles_carry_the_chapters_language(world, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    call = client.get(reverse("call_detail", args=[world.open_call.slug])).content.decode()
    assert f'<html lang="{language}"' in call
    assert re.search(r'<h1 lang="es">\s*' + re.escape(world.open_call.title), call)
    assert f'<p class="lead" lang="es">{world.open_call.summary}' in call

    slug = world.municipality.slug
    profile = client.get(reverse("municipality_profile", args=[slug])).content.decode()
    assert '<p class="lead" lang="es">Comuna del sur' in profile


def test_staff_see_answers_marked_with_the_chapters_language(world):
    client = Client()
    world.users["staff"].language = "en"
    world.users["staff"].save(update_fields=["language"])
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(world.users["staff"])
    page = client.get(reverse("staff_application", args=[world.submitted_application.pk]))
    assert '<dd lang="es">' in page.content.decode()


def test_screening_and_reopen_labels_point_at_their_own_boxes(world):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(world.users["staff"])
    html = client.get(
        reverse("staff_application", args=[world.submitted_application.pk])
    ).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        for target in re.findall(r'<label for="([^"]+)"', form):
            assert f'id="{target}"' in form, f"a label points outside its form: {target}"
        for described in re.findall(r'aria-describedby="([^"]+)"', form):
            for target in described.split():
                assert f'id="{target}"' in form, f"a description is outside its form: {target}"
