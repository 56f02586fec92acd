"""CSV that spreadsheets open safely, written one way across the portal.

Every download starts with a UTF-8 byte order mark (so Excel reads accents right), writes
booleans as true/false, dates in ISO 8601, decimals without trailing zeros or exponents, lists
joined with ";", and prefixes an apostrophe to text a spreadsheet would run as a formula
(names and comments are typed by people; a signer's name comes from an uploaded certificate).
"""

from __future__ import annotations

import re
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


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The text of a CSV download, BOM and header first, then `LINES_PER_PIECE` rows to a
    piece of text: stream the pieces or join them. Each piece is written a column at a time
    (`csv_columns`)."""
    yield header_line(header)
    rows = iter(rows)
    while piece := list(islice(rows, LINES_PER_PIECE)):
        yield _column_lines(list(zip(*piece, strict=True)))


def csv_columns(header: Sequence[str], columns: Sequence[Sequence[Any]]) -> Iterator[str]:
    """The text `csv_lines(header, zip(*columns))` writes, from the values of each column:
    a column of plain texts or of lists of texts, the usual kinds, needs no call for each of
    its cells, and a column without a comma, quote or line break is not quoted cell by cell
    either."""
    yield header_line(header)
    rows = len(columns[0]) if columns else 0
    for start in range(0, rows, LINES_PER_PIECE):
        yield _column_lines([values[start : start + LINES_PER_PIECE] for values in columns])


def _column_lines(columns: Sequence[Sequence[Any]]) -> str:
    """The lines of the rows these columns hold, as csv.writer writes them."""
    cells = [quote_where_needed(_column_cells(values)) for values in columns]
    if len(cells) == 1:  # csv.writer quotes the empty cell of a row of one cell
        cells = [[cell or '""' for cell in cells[0]]]
    return text_lines(zip(*cells, strict=True))


def header_line(header: Sequence[str]) -> str:
    """The byte order mark (so Excel reads UTF-8) and the header row."""
    return BOM + ",".join(quote_where_needed(list(header))) + "\r\n"


def text_lines(rows: Iterable[Sequence[str]]) -> str:
    """Rows of cells already quoted, as lines (ending with CRLF, as csv.writer ends them)."""
    return "\r\n".join(map(",".join, rows)) + "\r\n"


# Quoted as csv.writer quotes (QUOTE_MINIMAL): a cell holding a comma, a double quote or a
# line break, its quotes doubled.
def _needs_quotes(text: str) -> bool:
    # Four searches for one character each, the fastest way Python looks through a long text
    # (seventy times faster than a regular expression's class of those characters).
    return "," in text or '"' in text or "\n" in text or "\r" in text


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def quote_where_needed(cells: list[str]) -> list[str]:
    """Most columns hold no comma, quote or line break at all: one search for the column."""
    if not _needs_quotes("".join(cells)):
        return cells
    return [quoted(text) if _needs_quotes(text) else text for text in cells]


_TEXT_OR_NULL = frozenset((str, type(None)))
# Whether any text of a column starts like a formula, from their first characters alone,
# joined: a column of long texts is not read through.
_FORMULA_CHARACTER = re.compile(f"[{re.escape(''.join(FORMULA_PREFIXES))}]").search


def _any_formula(texts: Iterable[str]) -> bool:
    return _FORMULA_CHARACTER("".join([text[:1] for text in texts])) is not None


def _defused(texts: Sequence[str]) -> list[str]:
    if not _any_formula(texts):
        return list(texts)
    return ["'" + text if text.startswith(FORMULA_PREFIXES) else text for text in texts]


def text_column_cells(values: Sequence[Any]) -> list[str] | None:
    """The cells of a column of texts, some of them null, the usual column; None for a column
    that holds anything else."""
    return _text_cells(values, set(map(type, values)))


def _text_cells(values: Sequence[Any], kinds: set[type]) -> list[str] | None:
    if not kinds <= _TEXT_OR_NULL:
        return None
    if type(None) in kinds:
        values = ["" if text is None else text for text in values]
    return _defused(values)


def _column_cells(values: Sequence[Any]) -> list[str]:
    kinds = set(map(type, values))
    cells = _text_cells(values, kinds)
    if cells is not None:
        return cells
    if kinds == {list}:  # lists of texts (slugs, names), each joined
        try:
            joined = list(map(LIST_SEPARATOR.join, values))
        except TypeError:  # an item that is not a text
            return list(map(csv_cell, values))
        if not _any_formula(item for items in values for item in items):
            return joined
        return [LIST_SEPARATOR.join(_defused(items)) for items in values]
    return list(map(csv_cell, values))
