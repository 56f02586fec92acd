"""The public open data of a member municipality: its records and their CSV cells.

The fields are declared once in municipalities/opendata_fields.py (`FIELDS`); this module
builds the records from them. A record is made from a row of plain values, not from a model
instance: `records(queryset)` reads the columns the fields name with `values()` (one query) and
the memberships and programmes of those rows (one query each), whatever the number of rows.
`record(municipality)` makes the same record from one instance, through the same getters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet

from coalition.api import LICENCE_NAME, LICENCE_URL
from coalition.csvexport import FORMULA_PREFIXES, LIST_SEPARATOR, csv_cell
from municipalities.models import Membership, Municipality
from municipalities.opendata_fields import FIELD_NAMES, FIELDS, RELATED_COLUMNS, Row

# A membership in a CSV cell: its parts, joined with this separator (the items of a list are
# joined with the portal's LIST_SEPARATOR, and text that a spreadsheet would run as a formula,
# FORMULA_PREFIXES, gets a leading apostrophe: coalition.csvexport).
MEMBERSHIP_PART_SEPARATOR = ":"

# The fields (from opendata_fields) and the licence (from coalition.api) are read from here
# too, by the modules that write or describe the records.
__all__ = ["FIELDS", "FIELD_NAMES", "LICENCE_NAME", "LICENCE_URL", "record", "records"]


# What `values()` reads: every column a field names, and the key of the related lists.
COLUMNS: tuple[str, ...] = (
    "id",
    *dict.fromkeys(f.get.column for f in FIELDS if f.get.column not in RELATED_COLUMNS),
)


# A download turns thousands of rows into records: the fields read as they are come out of a
# row in one itemgetter call, and only the others go through their conversion.
_PLAIN = [f for f in FIELDS if f.get.convert is None]
_PLAIN_NAMES = tuple(f.name for f in _PLAIN)
_plain_values = itemgetter(*(f.get.column for f in _PLAIN))
_CONVERTED = tuple((f.name, f.get.column, f.get.convert) for f in FIELDS if f.get.convert)


def record_of_row(row: Row) -> dict[str, Any]:
    """The open data of one municipality, as JSON-ready values, from its row."""
    record = dict(zip(_PLAIN_NAMES, _plain_values(row), strict=True))
    for name, column, convert in _CONVERTED:
        record[name] = convert(row[column])
    return record


def _membership(chapter_slug: str, status: str, founding_member: bool, joined_on) -> dict:
    return {
        "chapter": chapter_slug,
        "status": status,
        "founding_member": founding_member,
        "joined_on": joined_on.isoformat() if joined_on else None,
    }


def _related_lists(cities) -> tuple[dict[int, list[dict]], dict[int, list[str]]]:
    """Memberships and programme slugs by municipality id, in the order the models give them
    (chapter name, programme name): two queries. `cities` is a list of ids or a subquery.
    Sorted by city first, so the database compares names (under its collation, the costly
    part) only within a city: 3.7 -> 2.0 ms for the memberships of 2,000 cities."""
    memberships: dict[int, list[dict]] = defaultdict(list)
    for municipality_id, *parts in (
        Membership.objects.filter(municipality_id__in=cities)
        .order_by("municipality_id", "chapter__name", "pk")
        .values_list("municipality_id", "chapter__slug", "status", "founding_member", "joined_on")
    ):
        memberships[municipality_id].append(_membership(*parts))
    programmes: dict[int, list[str]] = defaultdict(list)
    for municipality_id, slug in (
        Municipality.programmes.through.objects.filter(municipality_id__in=cities)
        .order_by("municipality_id", "programme__name", "programme_id")
        .values_list("municipality_id", "programme__slug")
    ):
        programmes[municipality_id].append(slug)
    return memberships, programmes


def _with_related(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each row's memberships and programmes: two queries for all the rows (none for
    none)."""
    if not rows:
        return rows
    memberships, programmes = _related_lists([row["id"] for row in rows])
    for row in rows:
        row["memberships"] = memberships.get(row["id"], [])
        row["programmes"] = programmes.get(row["id"], [])
    return rows


def _rows(municipalities: QuerySet[Municipality]) -> QuerySet:
    # Plain values: no model instances, and no prefetch (the related lists come above).
    return municipalities.prefetch_related(None).values(*COLUMNS)


def records(municipalities: QuerySet[Municipality]) -> list[dict[str, Any]]:
    """The records of a queryset (typically one page of it) at three queries."""
    return [record_of_row(row) for row in _with_related(list(_rows(municipalities)))]


def iter_records(
    municipalities: QuerySet[Municipality], *, chunk_size: int
) -> Iterator[dict[str, Any]]:
    """Every record of a queryset, streamed: the rows are read with one query (a server-side
    cursor on PostgreSQL, `chunk_size` rows at a time), their memberships and programmes with
    one query each through a subquery of the same filter (no list of ids to send), before
    the first row: 3 queries whatever the number of rows."""
    memberships, programmes = _related_lists(municipalities.order_by().values("pk"))
    for row in _rows(municipalities).iterator(chunk_size=chunk_size):
        row["memberships"] = memberships.get(row["id"], [])
        row["programmes"] = programmes.get(row["id"], [])
        yield record_of_row(row)


def record(municipality: Municipality) -> dict[str, Any]:
    """The open data of one municipality instance, through the same getters (its
    memberships and programmes are read with `.all()`: prefetch them for many)."""
    row: dict[str, Any] = {}
    for column in COLUMNS:
        value: Any = municipality
        for attribute in column.split("__"):
            value = getattr(value, attribute)
        row[column] = value
    row["memberships"] = [
        _membership(m.chapter.slug, m.status, m.founding_member, m.joined_on)
        for m in municipality.memberships.all()
    ]
    row["programmes"] = [programme.slug for programme in municipality.programmes.all()]
    return record_of_row(row)


def _csv_cell(value: Any) -> str:
    """`csvexport.csv_cell`, and a membership (a dict) as its parts joined with ":"."""
    if type(value) is str:  # the most frequent cell first
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, list):
        return LIST_SEPARATOR.join(map(_csv_cell, value))
    if isinstance(value, dict):
        return MEMBERSHIP_PART_SEPARATOR.join(map(_csv_cell, value.values()))
    return csv_cell(value)


def _number_cell(value: float | int | None) -> Any:
    return value  # csv.writer writes None as an empty cell and a number as str() does


def _boolean_cell(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


# One cell writer per field, chosen by its type once (not by testing every value's type).
_CELLS = tuple(
    _number_cell
    if f.type in ("integer", "number")
    else _boolean_cell
    if f.type == "boolean"
    else _csv_cell
    for f in FIELDS
)
_record_values = itemgetter(*FIELD_NAMES)


def csv_row(data: dict[str, Any]) -> list[Any]:
    """A record as CSV cells, in the order of `FIELD_NAMES`: empty for null, true/false for
    booleans, lists joined with ";", and text that a spreadsheet would take for a formula
    prefixed with an apostrophe (numbers are left to csv.writer, which writes them as str()
    does and None as an empty cell)."""
    return [cell(value) for cell, value in zip(_CELLS, _record_values(data), strict=True)]
