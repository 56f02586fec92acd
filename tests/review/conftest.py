# ruff: noqa: F811  (fixtures imported from the calls tests are parameters here)
"""Fixtures for the committee tests: a closed Chilean call with a rubric (criteria with
levels), founding cities, eligible applications with their documents, and a committee of
officials and experts with TOTP enabled.

Cities and regions (what conflict detection reads):
- Santiago (founder, Región Metropolitana): its official is in the same region as Peñalolén
  and Renca, so both are POTENTIAL conflicts for them; never BLOCKED.
- Valparaíso (founder, Región de Valparaíso): its official reviews the Metropolitan cities
  freely; Viña del Mar (same region) is POTENTIAL for them.
- Applicants: Peñalolén and Renca (Metropolitana), Viña del Mar (Valparaíso), Temuco
  (Araucanía), and Santiago itself (BLOCKED for its own official).

The calls tests' fixtures (chapter, staff_user, officer, login, clock ...) are reused as is.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calls import services as call_services
from calls.models import Application, Call, CommitteeMember
from calls.review import committee
from municipalities.models import Membership
from tests.calls.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    _empty_cache,
    anonymous,
    chapter,
    clock,
    login,
    municipality,
    officer,
    other_chapter,
    other_municipality,
    other_officer,
    other_staff_user,
    plain_user,
    staff_client,
    staff_user,
)
from tests.calls.helpers import add_document, make_call
from tests.factories import MunicipalityFactory, OfficerFactory, UserFactory, enable_totp
from tests.review.results_fixtures import (  # noqa: F401  (results fixtures)
    rubric,
    second_staff_user,
    superuser,
)


def close_call(call: Call) -> Call:
    """Move the call's timeline so that it closed yesterday (screening and review follow)."""
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        announces_at=now + timedelta(days=30),
        review_deadline=now + timedelta(days=14),
    )
    call.refresh_from_db()
    return call


def eligible_application(call: Call, municipality, staff, *, documents: bool = True):
    """An application screened ELIGIBLE, with a letter and a report (small PDFs).

    Made directly (the PDF checks and the submission have their own tests): a submitted
    application with its content hash, then screened through the service.
    """
    application = Application.objects.create(
        call=call,
        municipality=municipality,
        status=Application.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=2),
        contact_name="Contacto " + municipality.name,
        innovation_unit="Laboratorio de " + municipality.name,
        digital_plan="Plan digital 2024-2028 de " + municipality.name,
        initiatives="Chatbot municipal y datos abiertos",
        motivation="Queremos aprender con otras ciudades: " + municipality.name,
    )
    if documents:
        add_document(application, "letter", application.pk * 10)
        add_document(application, "report", application.pk * 10 + 1)
    return call_services.application_screen(
        application=application, actor=staff, eligible=True, reason=""
    )


def founder(chapter, **fields):
    city = MunicipalityFactory(chapter=chapter, **fields)
    Membership.objects.create(
        municipality=city, chapter=chapter, status=Membership.Status.MEMBER, founding_member=True
    )
    return city


def seat(call, staff, *, email: str, kind: str, municipality=None, **fields) -> CommitteeMember:
    """A committee member with TOTP enabled (secret on `member.user.totp_secret`), English."""
    user = UserFactory(email=email, language="en", full_name=fields.pop("full_name", ""))
    user.totp_secret = enable_totp(user)
    member = committee.member_add(
        call=call, user=user, actor=staff, kind=kind, municipality=municipality, **fields
    )
    member.user = user
    return member


@pytest.fixture
def santiago(chapter):
    return founder(
        chapter,
        name="Santiago",
        slug="santiago",
        region="Región Metropolitana de Santiago",
        province="Santiago",
    )


@pytest.fixture
def valparaiso(chapter):
    return founder(
        chapter,
        name="Valparaíso",
        slug="valparaiso",
        region="Región de Valparaíso",
        province="Valparaíso",
    )


@pytest.fixture
def vina(chapter):
    return MunicipalityFactory(
        chapter=chapter,
        name="Viña del Mar",
        slug="vina-del-mar",
        region="Región de Valparaíso",
        province="Valparaíso",
    )


@pytest.fixture
def temuco(chapter):
    return MunicipalityFactory(
        chapter=chapter,
        name="Temuco",
        slug="temuco",
        region="Región de La Araucanía",
        province="Cautín",
    )


@pytest.fixture
def review_call(chapter, staff_user):
    """A published call with a three-criterion rubric (levels 0 and 5), now closed."""
    now = timezone.now()
    call = make_call(
        chapter,
        staff_user,
        slug="convocatoria-ciar-2026",
        title="Convocatoria CIAR Chile 2026",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
    )
    return close_call(call)


@pytest.fixture
def applications(review_call, staff_user, municipality, other_municipality, vina, temuco):
    """Eligible applications of Peñalolén, Renca, Viña del Mar and Temuco (in that order)."""
    return [
        eligible_application(review_call, city, staff_user)
        for city in (municipality, other_municipality, vina, temuco)
    ]


@pytest.fixture
def application(applications):
    """Peñalolén's eligible application."""
    return applications[0]


@pytest.fixture
def official(review_call, staff_user, santiago):
    return seat(
        review_call,
        staff_user,
        email="oficial@santiago.example.org",
        kind=CommitteeMember.Kind.OFFICIAL,
        municipality=santiago,
        full_name="Olga Oficial",
    )


@pytest.fixture
def far_official(review_call, staff_user, valparaiso):
    return seat(
        review_call,
        staff_user,
        email="oficial@valparaiso.example.org",
        kind=CommitteeMember.Kind.OFFICIAL,
        municipality=valparaiso,
        full_name="Vicente Valpo",
    )


@pytest.fixture
def expert(review_call, staff_user):
    return seat(
        review_call,
        staff_user,
        email="experta@universidad.example.org",
        kind=CommitteeMember.Kind.EXPERT,
        affiliation="Universidad de Chile",
        full_name="Elena Experta",
        is_chair=True,
    )


@pytest.fixture
def second_expert(review_call, staff_user):
    return seat(
        review_call,
        staff_user,
        email="experto@fundacion.example.org",
        kind=CommitteeMember.Kind.EXPERT,
        affiliation="Fundación Datos",
        full_name="Ernesto Experto",
    )


@pytest.fixture
def members(official, far_official, expert, second_expert):
    return [official, far_official, expert, second_expert]


@pytest.fixture
def applicant_officer_member(review_call, staff_user, municipality):
    """An expert who is also an approved officer of Peñalolén (the applicant city)."""
    member = seat(
        review_call,
        staff_user,
        email="experto-oficial@penalolen.example.org",
        kind=CommitteeMember.Kind.EXPERT,
        affiliation="Consultora",
    )
    OfficerFactory(municipality=municipality, user=member.user)
    return member


@pytest.fixture
def member_client(login):
    """`member_client(member)`: a browser signed in as the member (TOTP is enabled)."""

    def make(member):
        return login(member.user)

    return make
