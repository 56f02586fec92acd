"""Fixtures for the calls tests: a Chilean chapter with an open call, a city with two approved
officers, the chapter's staff (with MFA), and the people who must not get in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from calls import services
from municipalities.models import Officer
from tests.calls.helpers import Clock, make_call
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate-limit counters live in the (in-memory) cache: start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chapter(db):
    return ChapterFactory(
        name="CIAR Chile", slug="ciar-chile", country="CL", time_zone="America/Santiago"
    )


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(
        name="CIIAR Argentina",
        slug="ciiar-argentina",
        country="AR",
        time_zone="America/Argentina/Buenos_Aires",
    )


@pytest.fixture
def staff_user(chapter):
    """Staff of `chapter`, with an authenticator (staff pages require MFA)."""
    user = ChapterStaffFactory(
        chapter=chapter, user__email="staff@ciar.example.org", user__language="en"
    ).user
    enable_totp(user)
    return user


@pytest.fixture
def other_staff_user(other_chapter):
    user = ChapterStaffFactory(
        chapter=other_chapter, user__email="staff@ciiar.example.org", user__language="en"
    ).user
    enable_totp(user)
    return user


@pytest.fixture
def municipality(chapter):
    return MunicipalityFactory(
        chapter=chapter,
        name="Peñalolén",
        slug="penalolen",
        region="Región Metropolitana de Santiago",
        innovation_unit_name="Laboratorio de Innovación Peñalolén",
        innovation_unit_head="Ana Pérez",
        innovation_team_size=6,
        digital_plan_url="https://www.penalolen.cl/plan-digital",
        ai_initiatives="Asistente virtual para trámites municipales.",
    )


@pytest.fixture
def officer(municipality):
    return OfficerFactory(
        municipality=municipality,
        user__email="mjsoto@penalolen.example.org",
        user__full_name="María José Soto",
        user__language="en",
    ).user


@pytest.fixture
def second_officer(municipality):
    """Another approved officer of the same city."""
    return OfficerFactory(
        municipality=municipality,
        user__email="jperez@penalolen.example.org",
        user__full_name="Juan Pérez",
        user__language="en",
    ).user


@pytest.fixture
def other_municipality(chapter):
    return MunicipalityFactory(chapter=chapter, name="Renca", slug="renca")


@pytest.fixture
def other_officer(other_municipality):
    """An approved officer of another city of the same chapter."""
    return OfficerFactory(
        municipality=other_municipality,
        user__email="officer@renca.example.org",
        user__language="en",
    ).user


@pytest.fixture
def pending_officer(municipality):
    """Asked to represent the city; not approved yet."""
    return OfficerFactory(
        municipality=municipality,
        status=Officer.Status.PENDING,
        user__email="pending@penalolen.example.org",
        user__language="en",
    ).user


@pytest.fixture
def plain_user(db):
    return UserFactory(email="vecina@example.org", language="en")


@pytest.fixture
def unverified_user(db):
    """Signed up, never confirmed the e-mail address."""
    return UserFactory(email="unverified@example.org", verified=False, language="en")


@pytest.fixture
def call(chapter, staff_user):
    """A published call, open since ten days ago and for twenty more days."""
    now = timezone.now()
    return make_call(
        chapter,
        staff_user,
        slug="convocatoria-ciar-2026",
        title="Convocatoria CIAR Chile 2026",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
    )


@pytest.fixture
def application(call, municipality, officer):
    return services.application_start(call=call, municipality=municipality, actor=officer)


@pytest.fixture
def other_application(call, other_municipality, other_officer):
    return services.application_start(
        call=call, municipality=other_municipality, actor=other_officer
    )


@pytest.fixture
def login():
    """`login(user)` gives a new browser (Client) signed in as `user`."""

    def make(user) -> Client:
        client = Client()
        # Assertions read the English text; Spanish is checked where it matters (e-mail).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def anonymous(login):
    return login(None)


@pytest.fixture
def officer_client(login, officer):
    return login(officer)


@pytest.fixture
def staff_client(login, staff_user):
    return login(staff_user)


@pytest.fixture
def clock(monkeypatch):
    """A frozen `django.utils.timezone.now`; move it with `clock.set(instant)`."""
    return Clock(monkeypatch)
