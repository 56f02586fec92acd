"""A list page counted by the query that reads it is the page Django's paginator gives."""

import pytest

from coalition.pagination import counted_page
from municipalities.selectors import DirectoryFilters, filtered_municipalities
from tests.factories import MunicipalityFactory
from tests.pagination import assert_same_pages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["name", "-population", "population"])
def test_every_page_number_gives_the_paginators_page(sort):
    # Unknown populations sort last both ways: reading from the end must keep that.
    for number, population in enumerate([None, 5_000, 90_000, None, 12_000, 400_000, 7_000]):
        MunicipalityFactory(name=f"Comuna {number}", population=population)
    rows = filtered_municipalities(DirectoryFilters(sort=sort)).values("id", "name")
    assert_same_pages(rows, lambda number: counted_page(rows, number, 2), "name")


def test_an_empty_list_has_one_empty_page(db):
    rows = filtered_municipalities(DirectoryFilters(q="nada")).values("id")
    for number in ("1", "2", "-1"):
        page = counted_page(rows, number, 2)
        assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])
