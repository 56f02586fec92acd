"""The demo register: three risk levels, two versions each, public; seeding twice adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from projects.register.demo import seed_register
from projects.register.models import RegisterEntry, RegisterEntryVersion

pytestmark = pytest.mark.django_db


def test_demo_register(client: Client):
    from coalition.demo import seed_demo

    seed_demo()
    seed_register()  # again: idempotent
    entries = RegisterEntry.objects.select_related("latest_version", "project")
    levels = {entry.project.slug: entry.latest_version.risk_level for entry in entries}
    assert levels == {
        "la-serena-triaje-permisos-dom": "limited",
        "cordoba-rosario-asistente-vecinal": "minimal",
        "neuquen-turnos-centros-salud": "high",
    }
    assert all(entry.latest_version.number == 2 for entry in entries)
    assert RegisterEntryVersion.objects.count() == 6
    listing = client.get(reverse("register_list"))
    assert listing.context["page"].paginator.count == 3
    history = client.get(reverse("register_history", args=["la-serena-triaje-permisos-dom"]))
    assert history.status_code == 200
