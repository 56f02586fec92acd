"""The demo startups and challenges: valid tax ids, the fixed slugs other parts use, and a
second run that changes nothing."""

from __future__ import annotations

import pytest

from projects.demo_startups import seed_startups_and_challenges
from projects.models import Challenge, SectorTag, Startup
from projects.taxids import normalize_tax_id
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_with_valid_tax_ids():
    for slug in ("renca", "la-serena", "cordoba", "rosario", "valparaiso", "quinta-normal"):
        MunicipalityFactory(slug=slug, name=slug.title())
    seed_startups_and_challenges()
    counts = (Startup.objects.count(), Challenge.objects.count(), SectorTag.objects.count())
    seed_startups_and_challenges()
    assert (Startup.objects.count(), Challenge.objects.count(), SectorTag.objects.count()) == counts
    permisia, ciudata = Startup.objects.get(slug="permisia"), Startup.objects.get(slug="ciudata")
    assert (permisia.country, ciudata.country) == ("CL", "AR")
    for startup in Startup.objects.all():
        assert normalize_tax_id(startup.country, startup.tax_id) == startup.tax_id
    renca = Challenge.objects.get(slug="renca-hackathon-2025-atencion-vecinal")
    assert renca.status == "open" and [m.slug for m in renca.municipalities.all()] == ["renca"]
    shared = Challenge.objects.get(slug="cordoba-rosario-consultas-fuera-de-horario")
    assert shared.municipalities.count() == 2
    assert Challenge.objects.filter(status="draft").exists()


def test_seed_skips_challenges_of_absent_cities():
    seed_startups_and_challenges()
    assert not Challenge.objects.exists()
    assert Startup.objects.filter(slug="permisia").exists()
