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

import json
import math
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any

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
# Each value written as the API's pydantic schema writes it (compact, UTF-8: the strings by the
# json module's own C encoder, checked against pydantic by the tests), each record by one
# %-template of the field names. A value Python might spell otherwise than pydantic (a float
# under 1e-4 or not finite: 1e-05 against 0.00001) gets None, and its record is written by
# pydantic itself.

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
# CPython's C encoder, made once rather than by every encode() call (one a row, for the
# list of memberships); None where there is no C encoder.
_c_encoder = (
    json.encoder.c_make_encoder(
        None, _encoder.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if json.encoder.c_make_encoder is not None
    else None
)


def _encode(value: Any) -> str:
    """Compact JSON, UTF-8 (no \\u escapes but for control characters)."""
    if _c_encoder is None:
        return _encoder.encode(value)
    return "".join(_c_encoder(value, 0))


_string = json.encoder.encode_basestring  # ensure_ascii=False: UTF-8, as pydantic writes


def _other_json(value: Any) -> str | None:
    if type(value) is float and not (value == 0 or 1e-4 <= abs(value) < math.inf):
        return None
    return _encode(value)


def _string_texts(values: Column) -> list[str | None]:
    return [
        _string(value) if type(value) is str else "null" if value is None else _other_json(value)
        for value in values
    ]


def _integer_texts(values: Column) -> list[str | None]:
    return [
        "null"
        if value is None
        else int.__repr__(value)
        if type(value) is int
        else _other_json(value)
        for value in values
    ]


def _boolean_texts(values: Column) -> list[str | None]:
    return [
        "null"
        if value is None
        else "true"
        if value is True
        else "false"
        if value is False
        else _other_json(value)
        for value in values
    ]


def _number_texts(values: Column) -> list[str | None]:
    return [
        "null"
        if value is None
        else float.__repr__(value)
        if type(value) is float and (value == 0 or 1e-4 <= abs(value) < math.inf)
        else _other_json(value)
        for value in values
    ]


def _any_texts(values: Column) -> list[str | None]:
    return [
        "null" if value is None else "[]" if value == [] else _other_json(value) for value in values
    ]


def _texts_by_type(type_: str) -> Callable[[Column], list[str | None]]:
    return {
        "string": _string_texts,
        "integer": _integer_texts,
        "number": _number_texts,
        "boolean": _boolean_texts,
    }.get(type_, _any_texts)


_COLUMN_TEXTS = tuple(_texts_by_type(f.type) for f in opendata.FIELDS)
_RECORD = "{" + ",".join(f"{_string(name)}:%s" for name in opendata.FIELD_NAMES) + "}"


def json_chunks(
    municipalities: QuerySet[Municipality],
    *,
    chunk_size: int,
    serialise: Callable[[dict[str, Any]], str],
) -> Iterator[str]:
    """{"count": n, "results": [...]}, records separated by ", ": one piece of text per chunk
    of rows. `serialise` (the API's schema) writes the rare record that Python's json would
    spell otherwise."""
    yield f'{{"count": {municipalities.count()}, "results": ['
    separator = ""
    for columns in record_columns(municipalities, chunk_size=chunk_size):
        texts = [to_texts(column) for to_texts, column in zip(_COLUMN_TEXTS, columns, strict=True)]
        if not any(None in column for column in texts):
            records = [_RECORD % row for row in zip(*texts, strict=True)]
        else:
            records = []
            for index, row in enumerate(zip(*texts, strict=True)):
                if None in row:
                    values = (column[index] for column in columns)
                    record = dict(zip(opendata.FIELD_NAMES, values, strict=True))
                    records.append(serialise(record))
                else:
                    records.append(_RECORD % row)
        yield separator + ", ".join(records)
        separator = ", "
    yield "]}"
