"""The demo projects: fixed slugs the other parts rely on, idempotent seeding."""

from __future__ import annotations

import pytest

from coalition.demo import seed_demo
from projects.models import Project

pytestmark = pytest.mark.django_db(transaction=False)


def test_seed_demo_twice_gives_the_same_projects():
    seed_demo()
    first = Project.objects.count()
    seed_demo()
    assert Project.objects.count() == first >= 12
    la_serena = Project.objects.get(slug="la-serena-triaje-permisos-dom")
    assert la_serena.is_published and la_serena.status == "production"
    assert [link.startup.slug for link in la_serena.startup_links.all()] == ["permisia"]
    joint = Project.objects.get(slug="cordoba-rosario-asistente-vecinal")
    assert sorted(joint.municipalities.values_list("slug", flat=True)) == ["cordoba", "rosario"]
    assert Project.objects.filter(visibility="draft").count() == 1
    assert not Project.objects.filter(municipalities__slug="catemu").exists()
    assert la_serena.status_changes.count() == 3
    assert "la serena" in la_serena.search_text
