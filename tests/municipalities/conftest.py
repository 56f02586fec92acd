import pytest

from tests.factories import ChapterStaffFactory, MunicipalityFactory, OfficerFactory, UserFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Maipú", slug="maipu", population=503_635)


@pytest.fixture
def officer(municipality):
    return OfficerFactory(municipality=municipality).user


@pytest.fixture
def chapter_staff(municipality):
    return ChapterStaffFactory(chapter=municipality.chapter).user


@pytest.fixture
def other_officer(db):
    """An approved officer of another city."""
    return OfficerFactory().user


@pytest.fixture
def stranger(db):
    return UserFactory()
