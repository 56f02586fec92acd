"""The open data downloads (CSV and JSON of every matching municipality), written a column at
a time.

The records are the ones `opendata.record_of_row` makes, field by field as `opendata.FIELDS`
defines them, but a download has thousands of rows: rather than a dict, a getter call and a
pydantic validation per row, each chunk of rows is read as tuples, turned into columns, each
column converted at once by its field's getter (`Getter.convert_column`), and the columns
zipped back into rows in the order of the fields. The bytes are those of the per-record path
(the tests compare them): CSV cells as `opendata.csv_row` writes them, JSON as the API's
pydantic schema serialises a record (compact, UTF-8, `", "` between records).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any

import pydantic_core
from django.db.models import QuerySet

from coalition.csvexport import header_line, quote_where_needed, text_column_cells, text_lines
from municipalities import opendata
from municipalities.models import Municipality

Column = Sequence[Any]  # one field's values for a chunk of rows

_COLUMN_INDEX = {column: index for index, column in enumerate(opendata.COLUMNS)}


def record_columns(
    municipalities: QuerySet[Municipality], *, chunk_size: int
) -> Iterator[list[Column]]:
    """Every matching municipality's JSON values, a chunk of rows at a time, as one column
    per field of `opendata.FIELDS` (in their order): the same 3 queries as
    `opendata.iter_records` (memberships and programmes first, through a subquery of the same
    filter; then the rows, with a server-side cursor on PostgreSQL, `chunk_size` at a
    time)."""
    memberships, programmes = opendata._related_lists(municipalities.order_by().values("pk"))
    related = {"memberships": memberships, "programmes": programmes}
    rows = (
        municipalities.prefetch_related(None)
        .values_list(*opendata.COLUMNS)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(rows, chunk_size)):
        columns = list(zip(*chunk, strict=True))
        ids = columns[_COLUMN_INDEX["id"]]
        values = []
        for f in opendata.FIELDS:
            if f.get.column in related:
                by_id = related[f.get.column]
                values.append([by_id.get(pk, []) for pk in ids])
            else:
                values.append(f.get.convert_column(columns[_COLUMN_INDEX[f.get.column]]))
        yield values


# --- CSV -------------------------------------------------------------------------------------
# Cells as opendata.csv_row writes them, quoted as csv.writer quotes (coalition.csvexport).


def _text_cells(values: Column) -> list[str]:
    cells = text_column_cells(values)  # texts and nulls, the usual column, at once
    if cells is None:
        cell = opendata._csv_cell
        prefixes = opendata.FORMULA_PREFIXES
        cells = [
            value if type(value) is str and not value.startswith(prefixes) else cell(value)
            for value in values
        ]
    return quote_where_needed(cells)


def _number_cells(values: Column) -> list[str]:
    # csv.writer writes None as an empty cell and a number as str() does.
    return ["" if value is None else str(value) for value in values]


def _boolean_cells(values: Column) -> list[str]:
    return ["" if value is None else "true" if value else "false" for value in values]


def _list_cell(items: list) -> str:
    """opendata._csv_cell of a list, with its usual items (a text, a membership's dict of
    texts, booleans and None) written in place."""
    cell = opendata._csv_cell
    prefixes = opendata.FORMULA_PREFIXES
    parts = []
    for item in items:
        if type(item) is dict:
            parts.append(
                opendata.MEMBERSHIP_PART_SEPARATOR.join(
                    [
                        part
                        if type(part) is str and not part.startswith(prefixes)
                        else "true"
                        if part is True
                        else "false"
                        if part is False
                        else cell(part)
                        for part in item.values()
                    ]
                )
            )
        else:
            parts.append(cell(item))
    return opendata.LIST_SEPARATOR.join(parts)


def _list_cells(values: Column) -> list[str]:
    return quote_where_needed([_list_cell(value) if value else "" for value in values])


def _cells_by_type(type_: str) -> Callable[[Column], list[str]]:
    if type_ in ("integer", "number"):
        return _number_cells
    if type_ == "boolean":
        return _boolean_cells
    if type_ == "array":
        return _list_cells
    return _text_cells


_COLUMN_CELLS = tuple(_cells_by_type(f.type) for f in opendata.FIELDS)


def csv_chunks(municipalities: QuerySet[Municipality], *, chunk_size: int) -> Iterator[str]:
    """The CSV text: the byte order mark (so Excel reads UTF-8) and the header row, then one
    piece of text per chunk of rows (lines end with CRLF, as csv.writer ends them)."""
    yield header_line(opendata.FIELD_NAMES)
    for columns in record_columns(municipalities, chunk_size=chunk_size):
        cells = [to_cells(column) for to_cells, column in zip(_COLUMN_CELLS, columns, strict=True)]
        yield text_lines(zip(*cells, strict=True))


# --- JSON ------------------------------------------------------------------------------------


def json_chunks(municipalities: QuerySet[Municipality], *, chunk_size: int) -> Iterator[str]:
    """{"count": n, "results": [...]}, records separated by ", ": one piece of text per chunk
    of rows. Each record is its JSON values written by pydantic's serialiser, the one the
    API's schema writes with, so the bytes are the schema's (compact, UTF-8, floats spelt as
    pydantic spells them) without validating a model per row."""
    yield f'{{"count": {municipalities.count()}, "results": ['
    names = opendata.FIELD_NAMES
    separator = ""
    for columns in record_columns(municipalities, chunk_size=chunk_size):
        records = [
            pydantic_core.to_json(dict(zip(names, row, strict=True))).decode()
            for row in zip(*columns, strict=True)
        ]
        yield separator + ", ".join(records)
        separator = ", "
    yield "]}"
