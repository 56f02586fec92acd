"""Checks shared by the tests of lists counted by their own query (coalition.pagination)."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator

# Every kind of page number an address can carry: missing, empty, in range, past the end,
# before the first, not a number, and too big for the database to skip to.
PAGE_NUMBERS = [None, "", "1", "2", "3", "4", "5", "0", "-1", "abc", "2.0", "9" * 30]


def assert_same_pages(rows, counted: Callable[[object], Page], key: str, per_page: int = 2):
    """`counted(number)` is, for every kind of number, the page `Paginator.get_page` gives."""
    for number in PAGE_NUMBERS:
        expected = Paginator(rows, per_page).get_page(number)
        page = counted(number)
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number,
            expected.paginator.count,
            expected.paginator.num_pages,
        ), number
        assert [row[key] for row in page.object_list] == [
            row[key] for row in expected.object_list
        ], number
