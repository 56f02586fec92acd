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
from tests.projects.factories import build_project, build_startup


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
def startup(db):
    return build_startup("Permisia SpA")


@pytest.fixture
def published(la_serena, startup):
    return build_project(
        [la_serena], [startup], title="Triaje de permisos de obra", slug="triaje-permisos"
    )


@pytest.fixture
def draft(la_serena):
    return build_project(
        [la_serena],
        title="Borrador secreto",
        slug="borrador-secreto",
        visibility=Project.Visibility.DRAFT,
    )


@pytest.fixture
def withdrawn(la_serena):
    return build_project(
        [la_serena],
        title="Proyecto retirado",
        slug="proyecto-retirado",
        visibility=Project.Visibility.WITHDRAWN,
        withdrawal_reason="Datos incorrectos",
    )


@pytest.fixture(autouse=True)
def _english(english_interface):
    """Every test here reads the interface in English."""
