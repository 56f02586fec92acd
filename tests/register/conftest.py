"""Projects, entries and versions for the register's tests (projects from the projects part's
test factories)."""

from __future__ import annotations

import pytest

from projects.models import Project
from projects.register import services
from projects.register.models import RegisterEntry
from tests.factories import ChapterStaffFactory, MunicipalityFactory, OfficerFactory, UserFactory
from tests.projects.factories import build_project, build_startup

COMPLETE = {
    "summary": "Clasifica solicitudes de permisos para que lleguen antes a quien las revisa.",
    "owner_unit": "Dirección de Obras Municipales",
    "contact_name": "Unidad de innovación",
    "contact_email": "innovacion@example.org",
    "procurement": "Trato directo tras un piloto.",
    "purpose": "Ordenar la fila de solicitudes de permisos de edificación.",
    "expected_benefit": "Menos días de espera.",
    "alternatives_considered": "Más personal.",
    "legal_basis": "Ley General de Urbanismo y Construcciones.",
    "human_oversight": "Una persona revisa cada clasificación.",
    "objection_procedure": "Pida revisión humana en la oficina de partes.",
    "data_sources": "Solicitudes de 2019 a 2024.",
    "uses_personal_data": True,
    "personal_data": "Nombre y RUT del solicitante.",
    "data_retention": "Cinco años.",
    "algorithm_type": "self_learning",
    "model_description": "Clasificador de texto.",
    "performance": "92 % de acierto.",
    "monitoring": "Revisión mensual de una muestra.",
    "risk_level": "limited",
    "risks": "Errores de clasificación.",
    "mitigations": "Revisión humana.",
    "impact_assessments": [{"title": "EIPD", "url": "https://example.org/eipd.pdf"}],
    "status": "in_use",
    "development_started_on": None,
    "in_use_since": None,
    "retired_on": None,
    "next_review_on": None,
}


def make_project(*cities, visibility="published", uses_ai=True, startup=None, **extra) -> Project:
    """A project in production of `cities` (a new city if none) with a provider startup."""
    return build_project(
        cities or (MunicipalityFactory(),),
        (startup or build_startup(),),
        problem="Problema",
        solution="Solución",
        summary="Resumen",
        uses_ai=uses_ai,
        status="production",
        visibility=visibility,
        **extra,
    )


def prepared(project: Project) -> Project:
    from projects.register.selectors import project_for_publication

    return project_for_publication(project)


def save_entry(project: Project, actor, **changes) -> RegisterEntry:
    project = prepared(project)
    entry = RegisterEntry.objects.filter(project=project).first()
    data = {**COMPLETE, **changes} if entry is None else changes
    entry, _changed = services.register_entry_save(
        project=project,
        actor=actor,
        data=data,
        draft_revision=entry.draft_revision if entry else None,
    )
    return entry


def publish(project: Project, actor, note: str = "", **changes):
    entry = save_entry(project, actor, **changes)
    entry.project = prepared(project)
    return services.register_entry_publish(entry=entry, actor=actor, change_note=note)


@pytest.fixture
def city(db):
    return MunicipalityFactory(name="La Serena", slug="la-serena")


@pytest.fixture
def officer(city):
    return OfficerFactory(municipality=city).user


@pytest.fixture
def other_officer(db):
    return OfficerFactory().user


@pytest.fixture
def staff(city):
    from tests.factories import enable_totp

    user = ChapterStaffFactory(chapter=city.chapter).user
    enable_totp(user)
    return user


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def project(city):
    return make_project(city, title="Triaje de permisos", slug="triaje")


@pytest.fixture(autouse=True)
def _english(english_interface):
    """Every test here reads the interface in English."""
