"""The portal's one CSV writer: what a spreadsheet gets, and how a long download is cut."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from coalition.csvexport import BOM, LINES_PER_PIECE, csv_cell, csv_columns, csv_lines


def test_cells_are_plain_and_formulas_defused():
    assert csv_cell("=SUM(A1)") == "'=SUM(A1)"
    assert csv_cell("-1 vecino") == "'-1 vecino"
    assert csv_cell("Peñalolén") == "Peñalolén"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(Decimal("26.5000")) == "26.5"
    assert csv_cell(date(2026, 3, 1)) == "2026-03-01"
    assert csv_cell(datetime(2026, 3, 1, 12, 30, tzinfo=UTC)) == "2026-03-01T12:30:00+00:00"
    assert csv_cell(["a", "=b"]) == "a;'=b"
    assert csv_cell(-3) == "-3"  # a number is not a formula


def test_subclasses_of_the_usual_types_are_written_as_their_base():
    class Colour(models.TextChoices):
        RED = "=red", "Red"

    assert csv_cell(mark_safe("=x")) == "'=x"  # a str subclass
    assert csv_cell(gettext_lazy("-1 neighbour")) == "'-1 neighbour"  # a lazy text
    assert csv_cell(Colour.RED) == "'=red"
    assert csv_cell((Decimal("1.50"), None, False)) == "1.5;;false"


def test_a_long_download_is_sent_in_pieces_of_many_lines():
    rows = [[number, f"fila {number}", "=1+1" if number % 7 == 0 else ""] for number in range(1201)]
    pieces = list(csv_lines(["n", "texto", "nota"], rows))
    # The header, then 500 + 500 + 201 lines: a piece per line was 1,202 writes to the socket.
    assert len(pieces) == 1 + -(-len(rows) // LINES_PER_PIECE) == 4
    text = "".join(pieces)
    assert text.startswith(BOM)
    read = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert read[0] == ["n", "texto", "nota"]
    assert read[1:] == [
        [str(number), f"fila {number}", "'=1+1" if number % 7 == 0 else ""]
        for number in range(1201)
    ]


def test_an_empty_download_is_its_header():
    assert list(csv_lines(["a", "b"], [])) == [BOM + "a,b\r\n"]


def written_by_csv_writer(header: list[str], rows) -> str:
    """The reference: the standard library's writer, each value a `csv_cell`."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return BOM + text.getvalue()


def test_columns_and_rows_are_written_as_the_standard_csv_writer_writes_them():
    """The portal writes a column at a time, with shortcuts for texts (some null) and lists
    of texts, and quotes a column only where it must: the text is the one `csv.writer`
    writes from the same values row by row, whether they are given as rows or columns."""
    columns = [
        ["Peñalolén", "=1+1", "a, b", 'dice "hola"', "línea\nnueva"] * 300,  # texts
        ["@x", None, "", "ok", None] * 300,  # texts and nulls
        [True, False, None, 3, Decimal("2.50")] * 300,  # anything else
        [["a", "=b"], [], ["c"], ("d", None), ["e,f"]] * 300,  # lists
        [date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), None, "-", 1.5] * 300,
        [["a", "+b"], [], ["c;d", "e"], ['"f"'], ["g\nh"]] * 300,  # lists of texts only
        ["sin comas"] * 1500,  # nothing to quote in the whole column
        [["cl", "ar"], [], ["x-1"], ["a\x00=b"], ["y"]] * 300,  # no item starts like a formula
        [[1, "a"], ["=b"], [], [None], ["c"]] * 300,  # lists with other items
    ]
    header = ["texto", "nulo", "otros", "listas", "fechas", "slugs", "a, b", "países", "mixtas"]
    reference = written_by_csv_writer(header, zip(*columns, strict=True))
    by_columns = list(csv_columns(header, columns))
    by_rows = list(csv_lines(header, zip(*columns, strict=True)))
    assert "".join(by_columns) == "".join(by_rows) == reference
    assert len(by_columns) == len(by_rows) == 1 + 1500 // LINES_PER_PIECE
    empty = list(csv_columns(header, [[] for _name in header]))
    assert (
        empty
        == list(csv_lines(header, []))
        == [written_by_csv_writer(header, [])]
        == [BOM + ",".join(header[:6]) + ',"a, b",' + ",".join(header[7:]) + "\r\n"]
    )
    # A row of one empty cell is written as csv.writer writes it (not as an empty line).
    one_column = [["", "x", None]]
    reference = written_by_csv_writer(["a"], zip(*one_column, strict=True))
    assert "".join(csv_columns(["a"], one_column)) == reference
    assert "".join(csv_lines(["a"], zip(*one_column, strict=True))) == reference
