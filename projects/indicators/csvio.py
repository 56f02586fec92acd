"""A project's measurements as CSV, and back: the import reads the columns the export writes.

Export: one row per measurement; text cells that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) get a leading apostrophe, which the import
removes again.

Import (`parse`): nothing is saved here. The file is refused whole when it is too large
(`MAX_BYTES`), not UTF-8, not CSV, has too many rows (`MAX_ROWS`) or lacks a required column;
otherwise every row is checked like the form checks one measurement (dates, value within the
indicator's bounds, period end after start, indicator of this project, period not reported yet
nor twice in the file) and every problem is listed with its row and column. Rows are numbered
as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coalition.csvexport import plain_decimal, restore
from projects.indicators.models import Indicator, Measurement, check_period, check_value

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000

COLUMNS = [
    "indicator_id",
    "indicator",
    "unit",
    "period_start",
    "period_end",
    "value",
    "method",
    "evidence_link",
    "reported_at",
]
REQUIRED = ("period_start", "period_end", "value")


# --- Export ----------------------------------------------------------------------------------


def export_rows(measurements: Iterable[Measurement]) -> Iterator[list[Any]]:
    """The rows of the export, under `COLUMNS`; `coalition.csvexport` writes each cell."""
    for m in measurements:
        yield [
            m.indicator_id,
            m.indicator.name,
            m.indicator.unit,
            m.period_start,
            m.period_end,
            m.value,
            m.method,
            m.evidence_link,
            m.reported_at,
        ]


# --- Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the header is 1; 0 for the whole file
    column: str
    message: str


@dataclass
class Parsed:
    rows: list[dict]
    problems: list[Problem]
    count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _file_problem(message: str) -> Parsed:
    return Parsed(rows=[], problems=[Problem(0, "", message)])


def read_upload(upload) -> tuple[bytes | None, str]:
    """The bytes of an upload no larger than `MAX_BYTES`, or None and why not."""
    size = upload.size or 0
    if size > MAX_BYTES:
        return None, _("The file is too large: the limit is %(limit)s.") % {
            "limit": f"{MAX_BYTES // (1024 * 1024)} MB"
        }
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return None, _("The file is too large: the limit is %(limit)s.") % {
            "limit": f"{MAX_BYTES // (1024 * 1024)} MB"
        }
    if not data.strip():
        return None, _("The file is empty.")
    return data, ""


def parse(data: bytes, *, indicators: list[Indicator]) -> Parsed:
    """Check a CSV of measurements against the project's `indicators`; save nothing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _file_problem(
            _(
                'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" '
                "and upload it again."
            )
        )
    if "\x00" in text:
        return _file_problem(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return _file_problem(_("The file is not a CSV text file."))
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        return _file_problem(_("The file is empty."))
    header = [cell.strip().lower() for cell in records[0]]
    problems = _check_header(header)
    if problems:
        return Parsed(rows=[], problems=problems)
    body = records[1:]
    if len(body) > MAX_ROWS:
        return _file_problem(
            _("The file has %(count)s rows; the limit is %(limit)s.")
            % {"count": len(body), "limit": MAX_ROWS}
        )
    if not body:
        return _file_problem(_("The file has no rows under its header."))
    return _check_rows(header, body, indicators)


def _check_header(header: list[str]) -> list[Problem]:
    problems = []
    for index, name in enumerate(header):
        if name not in COLUMNS:
            problems.append(
                Problem(
                    1,
                    name or str(index + 1),
                    _("Unknown column. The columns are: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                )
            )
        elif header.index(name) != index:
            problems.append(Problem(1, name, _("This column appears twice.")))
    for name in REQUIRED:
        if name not in header:
            problems.append(Problem(1, name, _("This column is missing.")))
    if "indicator_id" not in header and "indicator" not in header:
        problems.append(Problem(1, "indicator_id", _("This column is missing.")))
    return problems


def _check_rows(header: list[str], body: list[list[str]], indicators: list[Indicator]) -> Parsed:
    by_id = {str(i.pk): i for i in indicators}
    by_name = {i.name.strip().lower(): i for i in indicators}
    reported = set(
        Measurement.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "period_start", "period_end"
        )
    )
    seen: dict[tuple, int] = {}
    rows, problems = [], []
    for offset, record in enumerate(body):
        number = offset + 2
        if len(record) > len(header):
            problems.append(Problem(number, "", _("This row has more cells than the header.")))
            continue
        cells = {
            name: restore(record[i].strip()) if i < len(record) else ""
            for i, name in enumerate(header)
        }
        row, row_problems = _check_row(number, cells, by_id, by_name)
        if row is not None:
            key = (row["indicator_id"], row["period_start"], row["period_end"])
            if key in reported:
                row_problems.append(
                    Problem(
                        number,
                        "period_start",
                        _("A measurement of this indicator for that period is already reported."),
                    )
                )
            elif key in seen:
                row_problems.append(
                    Problem(
                        number,
                        "period_start",
                        _("Row %(row)s already has this indicator and period.")
                        % {"row": seen[key]},
                    )
                )
            seen.setdefault(key, number)
        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(
            {
                **row,
                "period_start": row["period_start"].isoformat(),
                "period_end": row["period_end"].isoformat(),
                "value": plain_decimal(row["value"]),
                "row": number,
            }
        )
    return Parsed(rows=rows, problems=problems, count=len(body))


def _check_row(number: int, cells: dict, by_id: dict, by_name: dict):
    """One row: the measurement it describes (or None) and its problems."""
    found: list[Problem] = []

    def problem(column: str, message) -> None:
        found.append(Problem(number, column, str(message)))

    indicator = _indicator(cells, by_id, by_name, problem)
    start = _date(cells, "period_start", problem)
    end = _date(cells, "period_end", problem)
    value = _value(cells, problem)
    if start and end:
        _catch(lambda: check_period(start, end), problem, "period_end")
    if indicator is not None and value is not None:
        _catch(lambda: check_value(indicator.measure, value, "value"), problem, "value")
    if found or indicator is None or start is None or end is None or value is None:
        return None, found
    method = cells.get("method", "")
    link = cells.get("evidence_link", "")
    candidate = Measurement(
        indicator=indicator,
        period_start=start,
        period_end=end,
        value=value,
        method=method,
        evidence_link=link,
    )
    try:
        candidate.full_clean(
            exclude=["evidence", "reported_by", "indicator"], validate_constraints=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                problem(field if field in COLUMNS else "", message)
        return None, found
    row = {
        "indicator_id": indicator.pk,
        "period_start": start,
        "period_end": end,
        "value": value,
        "method": method,
        "evidence_link": link,
    }
    return row, found


def _catch(check, problem, column: str) -> None:
    try:
        check()
    except ValidationError as error:
        for messages in error.message_dict.values():
            for message in messages:
                problem(column, message)


def _indicator(cells, by_id, by_name, problem) -> Indicator | None:
    given_id = cells.get("indicator_id", "")
    given_name = cells.get("indicator", "")
    if given_id:
        indicator = by_id.get(given_id)
        if indicator is None:
            problem("indicator_id", _("No indicator of this project has this number."))
        return indicator
    if given_name:
        indicator = by_name.get(given_name.strip().lower())
        if indicator is None:
            problem("indicator", _("No indicator of this project has this name."))
        return indicator
    problem("indicator_id", _("Say which indicator: its number or its name."))
    return None


def _date(cells, column: str, problem) -> date | None:
    text = cells.get(column, "")
    if not text:
        problem(column, _("This cell is required."))
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        problem(column, _("Enter a date as YYYY-MM-DD, e.g. 2026-03-31."))
        return None


def _value(cells, problem) -> Decimal | None:
    text = cells.get("value", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        problem("value", _("This cell is required."))
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        problem("value", _("Enter a number, e.g. 26 or 26.5."))
        return None
    if not value.is_finite():
        problem("value", _("Enter a number, e.g. 26 or 26.5."))
        return None
    return value


def rows_for_service(rows: list[dict]) -> list[dict]:
    """The stored preview rows, typed again for `services.measurements_import`."""
    return [
        {
            "indicator_id": row["indicator_id"],
            "period_start": date.fromisoformat(row["period_start"]),
            "period_end": date.fromisoformat(row["period_end"]),
            "value": Decimal(row["value"]),
            "method": row["method"],
            "evidence_link": row["evidence_link"],
        }
        for row in rows
    ]
