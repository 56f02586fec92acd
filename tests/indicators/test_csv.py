"""CSV export and import: the same columns both ways, every problem at its row and column,
nothing saved until all rows are valid, hostile files refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalition.models import AuditEvent
from projects.indicators import csvio
from projects.indicators.models import Measurement
from tests.indicators.conftest import days_indicator, measure

pytestmark = pytest.mark.django_db


def export(client, project) -> str:
    response = client.get(reverse("indicators_csv", args=[project.slug]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # spreadsheets read the accents right
    return body.decode("utf-8-sig")


def upload(client, project, text: str | bytes, name="m.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("indicators_import", args=[project.slug]),
        {"file": SimpleUploadedFile(name, data, "text/csv")},
    )


def problems(response) -> list[tuple[str, str, str]]:
    import re

    table = response.content.decode().split("Problems in the file", 1)[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><td class="number">([^<]*)</td><td>(?:<code>)?([^<]*)(?:</code>)?</td>'
        r'<td class="errorlist">([^<]*)</td></tr>',
        table,
    )
    return [(r.strip(), c.strip(), m.strip()) for r, c, m in rows]


def test_export_columns_and_formula_injection(client, permits):
    permits.name = '=HYPERLINK("http://evil")'
    permits.save()
    measure(permits, "2025-04-01", "2025-06-30", 31, method="+cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(export(client, permits.project))))
    assert rows[0] == csvio.COLUMNS
    assert rows[1][1].startswith("'=HYPERLINK")
    assert [r[5] for r in rows[1:]] == ["38", "31", "26"]
    assert any(r[6] == "'+cmd|' /C calc'!A0" for r in rows[1:])


def test_round_trip_export_then_import_into_an_empty_indicator(client, officer, permits):
    """Export, delete the measurements, import the same file: the same rows come back."""
    client.force_login(officer)
    text = export(client, permits.project)
    before = list(Measurement.objects.values_list("period_start", "period_end", "value", "method"))
    Measurement.objects.all().delete()
    response = upload(client, permits.project, text)
    assert response.status_code == 200
    assert "2 measurements are ready to be saved." in response.content.decode()
    assert not Measurement.objects.exists()  # nothing saved by the preview
    token = client.session["indicator_import"]["token"]
    response = client.post(
        reverse("indicators_import_confirm", args=[permits.project.slug]), {"token": token}
    )
    assert response.status_code == 302
    after = list(Measurement.objects.values_list("period_start", "period_end", "value", "method"))
    assert after == before
    assert Measurement.objects.filter(reported_by=officer).count() == 2
    assert AuditEvent.objects.filter(action="measurement.import").count() == 1
    # The confirmation is used up: posting it again saves nothing more.
    client.post(reverse("indicators_import_confirm", args=[permits.project.slug]), {"token": token})
    assert Measurement.objects.count() == 2


def test_every_error_at_its_row_and_column_and_nothing_saved(client, officer, permits):
    client.force_login(officer)
    other = days_indicator(permits.project, name="Solicitudes atendidas en línea")
    other.measure = "percentage"
    other.save()
    text = "\n".join(
        [
            ",".join(csvio.COLUMNS),
            f"{permits.pk},,,2026-10-01,2026-12-31,22,ok,,",  # row 2: valid
            "999999,,,2026-10-01,2026-12-31,22,,,",  # row 3: unknown indicator
            f"{permits.pk},,,2026-13-01,2026-12-31,22,,,",  # row 4: bad date
            f"{permits.pk},,,2027-03-31,2027-01-01,22,,,",  # row 5: ends before start
            f"{other.pk},,,2026-10-01,2026-12-31,140,,,",  # row 6: percentage over 100
            f"{permits.pk},,,2026-10-01,2026-12-31,21,,,",  # row 7: same period as row 2
            f"{permits.pk},,,2025-01-01,2025-03-31,37,,,",  # row 8: already reported
            f"{permits.pk},,,2027-01-01,2027-03-31,{10**20},,,",  # row 9: huge
            f"{permits.pk},,,2027-01-01,2027-03-31,abc,,,",  # row 10: not a number
            ",No existe,,2027-01-01,2027-03-31,1,,,",  # row 11: unknown indicator name
        ]
    )
    response = upload(client, permits.project, text)
    assert response.status_code == 400
    found = problems(response)
    assert ("3", "indicator_id", "No indicator of this project has this number.") in found
    assert ("4", "period_start", "Enter a date as YYYY-MM-DD, e.g. 2026-03-31.") in found
    assert ("5", "period_end", "The period ends before it starts.") in found
    assert ("6", "value", "A percentage is between 0 and 100.") in found
    assert ("7", "period_start", "Row 2 already has this indicator and period.") in found
    assert (
        "8",
        "period_start",
        "A measurement of this indicator for that period is already reported.",
    ) in found
    assert any(r == "9" and c == "value" for r, c, _m in found)
    assert ("10", "value", "Enter a number, e.g. 26 or 26.5.") in found
    assert ("11", "indicator", "No indicator of this project has this name.") in found
    assert not any(r == "2" for r, _c, _m in found)
    assert "indicator_import" not in client.session
    assert Measurement.objects.count() == 2


def test_a_reposted_token_from_another_project_or_forged_saves_nothing(client, officer, permits):
    client.force_login(officer)
    response = client.post(
        reverse("indicators_import_confirm", args=[permits.project.slug]), {"token": "forged"}
    )
    assert response.status_code == 302
    assert Measurement.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("indicator_id,period_start\n".encode("utf-16"), "not UTF-8"),
        ("indicador,período\n1,2\n".encode("latin-1"), "not UTF-8"),
        (b"", "The submitted file is empty."),
        (b"a,b\x00c\n", "not a CSV text file"),
        (
            b"foo,period_start,period_end,value\n1,2025-01-01,2025-01-31,1\n",
            "Unknown column",
        ),
        (b"indicator_id,period_start,value\n1,2025-01-01,3\n", "This column is missing."),
    ],
)
def test_hostile_files_are_refused(client, officer, permits, content, message):
    client.force_login(officer)
    response = upload(client, permits.project, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Measurement.objects.count() == 2


def test_too_large_and_too_many_rows(client, officer, permits, monkeypatch):
    client.force_login(officer)
    monkeypatch.setattr(csvio, "MAX_BYTES", 1000)
    response = upload(client, permits.project, "x" * 2000)
    assert response.status_code == 400 and "too large" in response.content.decode()
    monkeypatch.setattr(csvio, "MAX_BYTES", 1024 * 1024)
    monkeypatch.setattr(csvio, "MAX_ROWS", 3)
    header = ",".join(csvio.COLUMNS)
    rows = [f"{permits.pk},,,2030-0{i}-01,2030-0{i}-28,1,,," for i in range(1, 6)]
    response = upload(client, permits.project, "\n".join([header, *rows]))
    assert response.status_code == 400
    assert "The file has 5 rows; the limit is 3." in response.content.decode()


def test_semicolons_decimal_commas_and_names(client, officer, permits):
    client.force_login(officer)
    text = (
        "indicator;period_start;period_end;value;method\n"
        f"{permits.name};2026-10-01;2026-12-31;22,5;'=Promedio\n"
    )
    response = upload(client, permits.project, text)
    assert response.status_code == 200, problems(response)
    token = client.session["indicator_import"]["token"]
    client.post(reverse("indicators_import_confirm", args=[permits.project.slug]), {"token": token})
    created = Measurement.objects.get(period_end="2026-12-31")
    assert str(created.value) == "22.5000" and created.method == "=Promedio"


def test_open_data_defuses_text_but_not_numbers(client, permits):
    measure(permits, "2025-04-01", "2025-06-30", -3, method="@SUM(A1)")
    body = b"".join(client.get(reverse("measurements_csv")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(r for r in rows if r["period_end"] == "2025-06-30")
    assert row["value"] == "-3" and row["method"] == "'@SUM(A1)"
