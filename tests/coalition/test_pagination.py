"""A list page counted by the query that reads it is the page Django's paginator gives."""

import pytest
from django.core.paginator import Paginator

from coalition.pagination import counted_page
from municipalities.selectors import DirectoryFilters, filtered_municipalities
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

NUMBERS = [None, "", "1", "2", "3", "4", "5", "0", "-1", "abc", "2.0", "9" * 30]


@pytest.mark.parametrize("sort", ["name", "-population", "population"])
def test_every_page_number_gives_the_paginators_page(sort):
    # Unknown populations sort last both ways: reading from the end must keep that.
    for number, population in enumerate([None, 5_000, 90_000, None, 12_000, 400_000, 7_000]):
        MunicipalityFactory(name=f"Comuna {number}", population=population)
    rows = filtered_municipalities(DirectoryFilters(sort=sort)).values("id", "name")
    for number in NUMBERS:
        expected = Paginator(rows, 2).get_page(number)
        page = counted_page(rows, number, 2)
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number,
            expected.paginator.count,
            expected.paginator.num_pages,
        ), number
        assert [row["name"] for row in page.object_list] == [
            row["name"] for row in expected.object_list
        ], number


def test_an_empty_list_has_one_empty_page(db):
    rows = filtered_municipalities(DirectoryFilters(q="nada")).values("id")
    for number in ("1", "2", "-1"):
        page = counted_page(rows, number, 2)
        assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])
