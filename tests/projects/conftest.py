import pytest

from projects.models import Project
from tests.projects.factories import build_project, build_startup
from tests.projects.fixtures import *  # noqa: F403 (the shared people, places and draft)


@pytest.fixture
def startup(db):
    return build_startup("Permisia SpA")


@pytest.fixture
def published(la_serena, startup):
    return build_project(
        [la_serena], [startup], title="Triaje de permisos de obra", slug="triaje-permisos"
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
