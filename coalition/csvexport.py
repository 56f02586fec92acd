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
from typing import Any

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def plain_decimal(value: Decimal) -> str:
    """26.5000 -> "26.5", 45.0000 -> "45" (no exponent, dot as decimal separator)."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain_value(value: Any) -> Any:
    """Decimals as plain numbers in text, instants (to the second) and dates in ISO 8601;
    any other value as it is. The JSON downloads write their values this way too."""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
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


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(csv_cell(item) for item in value)
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
    """The lines of a CSV download, BOM first: stream them or join them."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])
