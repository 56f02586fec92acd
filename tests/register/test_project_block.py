"""The register block on the project page: the latest published version for everyone, the
draft's state and the edit link for the project's officers; nothing for a project without AI."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.register.block import register_block_context
from tests.register.conftest import make_project, publish, save_entry

pytestmark = pytest.mark.django_db


def page(client: Client, slug: str) -> str:
    with translation.override("en"):
        response = client.get(reverse("project_detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_sees_the_published_summary_never_the_draft(officer, project):
    publish(project, officer, summary="Resumen publicado")
    save_entry(project, officer, summary="Borrador privado")
    body = page(Client(), project.slug)
    assert "Resumen publicado" in body and "Borrador privado" not in body
    assert reverse("register_entry", args=[project.slug]) in body
    assert reverse("register_edit", args=[project.slug]) not in body


def test_officers_see_the_edit_link_even_without_an_entry(officer, project):
    client = Client()
    client.force_login(officer)
    body = page(client, project.slug)
    assert "has no register entry yet" in body
    assert reverse("register_edit", args=[project.slug]) in body
    assert "has no register entry yet" not in page(Client(), project.slug)


def test_no_block_without_ai(city):
    project = make_project(city, uses_ai=False)
    assert register_block_context(None, project, False) is None
    assert register_block_context(None, project, True) is None
