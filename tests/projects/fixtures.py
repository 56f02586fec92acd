"""The people and places the tests of projects and of their indicators share: CIAR Chile with
La Serena and Peñalolén, an officer of each, chapter staff with two-factor, a stranger, a draft
project of La Serena; every test reads the interface in English.

Each folder's conftest takes them with `from tests.projects.fixtures import *` (pytest reads
`pytest_plugins` only in the root conftest, where they would reach every folder)."""

import pytest

from projects.models import Project
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    UserFactory,
    enable_totp,
)
from tests.projects.factories import build_project

__all__ = [
    "_english",
    "chapter",
    "draft",
    "la_serena",
    "officer",
    "other_officer",
    "penalolen",
    "staff",
    "stranger",
]


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="CIAR Chile", slug="ciar-chile")


@pytest.fixture
def la_serena(chapter):
    return MunicipalityFactory(chapter=chapter, name="La Serena", slug="la-serena")


@pytest.fixture
def penalolen(chapter):
    return MunicipalityFactory(chapter=chapter, name="Peñalolén", slug="penalolen")


@pytest.fixture
def officer(la_serena):
    return OfficerFactory(municipality=la_serena, user__language="en").user


@pytest.fixture
def other_officer(penalolen):
    """An approved officer of another city of the same chapter."""
    return OfficerFactory(municipality=penalolen, user__language="en").user


@pytest.fixture
def staff(chapter):
    user = ChapterStaffFactory(chapter=chapter, user__language="en").user
    enable_totp(user)
    return user


@pytest.fixture
def stranger(db):
    return UserFactory(language="en")


@pytest.fixture
def draft(la_serena):
    return build_project(
        [la_serena],
        title="Borrador secreto",
        slug="borrador-secreto",
        visibility=Project.Visibility.DRAFT,
    )


@pytest.fixture(autouse=True)
def _english(english_interface):
    """Every test here reads the interface in English."""
