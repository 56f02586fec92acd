"""CSV that spreadsheets open safely, written one way across the portal.

Every download starts with a UTF-8 byte order mark (so Excel reads accents right), writes
booleans as true/false, dates in ISO 8601, decimals without trailing zeros or exponents, lists
joined with ";", and prefixes an apostrophe to text a spreadsheet would run as a formula
(names and comments are typed by people; a signer's name comes from an uploaded certificate).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

BOM = "\ufeff"
# A streamed response sends each piece it is given on its own: Django encodes it and gunicorn
# writes it to the socket. A piece per line was 20,000 of each for the measurements' download.
LINES_PER_PIECE = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def plain_decimal(value: Decimal) -> str:
    """26.5000 -> "26.5", 45.0000 -> "45" (no exponent, dot as decimal separator)."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain_instant(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _as_it_is(value: Any) -> Any:
    return value


# A download converts hundreds of thousands of values: the usual types are found with one
# lookup of the value's type instead of a chain of isinstance tests (subclasses, lists and
# anything else take the chain).
_PLAIN_BY_TYPE = {
    str: _as_it_is,
    int: _as_it_is,
    bool: _as_it_is,
    float: _as_it_is,
    type(None): _as_it_is,
    Decimal: plain_decimal,
    datetime: plain_instant,
    date: date.isoformat,
}


def plain_value(value: Any) -> Any:
    """Decimals as plain numbers in text, instants (to the second) and dates in ISO 8601;
    any other value as it is. The JSON downloads write their values this way too."""
    convert = _PLAIN_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime):
        return plain_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def defuse(text: str) -> str:
    """Text a spreadsheet will show, never run."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore(text: str) -> str:
    """Undo `defuse`, for a file we exported coming back as an import."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _boolean_cell(value: bool) -> str:
    return "true" if value else "false"


def _empty_cell(_value: None) -> str:
    return ""


def _list_cell(items: list | tuple) -> str:
    return LIST_SEPARATOR.join(map(csv_cell, items))


_CELL_BY_TYPE = {  # as _PLAIN_BY_TYPE: the usual types of a cell, one lookup
    str: defuse,
    type(None): _empty_cell,
    bool: _boolean_cell,
    int: str,
    float: str,
    Decimal: plain_decimal,
    datetime: plain_instant,
    date: date.isoformat,
    list: _list_cell,
    tuple: _list_cell,
}


def csv_cell(value: Any) -> str:
    convert = _CELL_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    # Subclasses of those types (a translated or safe text...) and anything else.
    if isinstance(value, bool):
        return _boolean_cell(value)
    if isinstance(value, list | tuple):
        return _list_cell(value)
    if isinstance(value, Decimal | date):  # a datetime is a date too
        return plain_value(value)
    if isinstance(value, int | float):
        return str(value)
    return defuse(str(value))


class _Echo:
    """A file whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The lines of a CSV download, BOM first, `LINES_PER_PIECE` lines to a piece of text:
    stream them or join them."""
    return _pieces(header, ([csv_cell(value) for value in row] for row in rows))


def csv_columns(header: Sequence[str], columns: Sequence[Sequence[Any]]) -> Iterator[str]:
    """The text `csv_lines(header, zip(*columns))` writes, from the values of each column at
    once: a column of plain texts, the usual kind, needs no call for each of its cells."""
    return _pieces(header, zip(*map(_column_cells, columns), strict=True))


_TEXT_OR_NULL = frozenset((str, type(None)))


def _column_cells(values: Sequence[Any]) -> list[str]:
    kinds = set(map(type, values))
    if kinds <= _TEXT_OR_NULL:  # texts, some of them null: the usual column, a cell at a time
        prefixes = FORMULA_PREFIXES
        if type(None) in kinds:
            values = ["" if text is None else text for text in values]
        return ["'" + text if text.startswith(prefixes) else text for text in values]
    return list(map(csv_cell, values))


def _pieces(header: Sequence[str], cell_rows: Iterable[Sequence[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    cell_rows = iter(cell_rows)
    while lines := [writer.writerow(row) for row in islice(cell_rows, LINES_PER_PIECE)]:
        yield "".join(lines)
