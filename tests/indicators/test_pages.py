"""The officer's flow (indicator, targets, measurement with evidence), and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalition.models import AuditEvent
from projects.indicators.models import Indicator, Measurement, Target
from tests.calls import pdfs
from tests.indicators.conftest import days_indicator, measure

pytestmark = pytest.mark.django_db


def indicator_data(**overrides):
    data = {
        "name": "Average days to process a building permit",
        "description": "From the request to the decision.",
        "unit": "days",
        "measure": "number",
        "direction": "decrease",
        "baseline_value": "45",
        "baseline_date": "2025-01-01",
    }
    return {**data, **overrides}


def test_officer_adds_indicator_target_and_measurement_with_evidence(client, officer, published):
    client.force_login(officer)
    response = client.post(reverse("indicator_create", args=[published.slug]), indicator_data())
    indicator = Indicator.objects.get(project=published)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicator_targets", args=[published.slug, indicator.pk])

    url = reverse("indicator_targets", args=[published.slug, indicator.pk])
    response = client.post(
        url, {"period_start": "2026-01-01", "period_end": "2026-12-31", "value": "20"}
    )
    assert response.status_code == 302
    assert Target.objects.get(indicator=indicator).value == 20

    url = reverse("measurement_create", args=[published.slug, indicator.pk])
    upload = SimpleUploadedFile("informe.pdf", pdfs.pdf_with_pages(1), "application/pdf")
    response = client.post(
        url,
        {
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "value": "26",
            "method": "Promedio del sistema de permisos",
            "evidence_link": "",
            "evidence": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measurement = Measurement.objects.get(indicator=indicator)
    assert measurement.value == 26 and measurement.reported_by == officer
    assert measurement.evidence_name == "informe.pdf" and len(measurement.evidence_sha256) == 64
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"indicator.create", "indicator.target_set", "measurement.report"} <= actions

    page = client.get(reverse("project_indicators", args=[published.slug]))
    text = page.content.decode()
    assert "76 % of the way" in text
    assert reverse("measurement_evidence", args=[published.slug, measurement.pk]) in text

    # Anyone may download the evidence of a published project.
    client.logout()
    response = client.get(reverse("measurement_evidence", args=[published.slug, measurement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("field", "value", "measure", "message"),
    [
        ("baseline_value", "120", "percentage", "A percentage is between 0 and 100."),
        ("baseline_value", "2", "yes_no", "For a yes-or-no indicator, enter 1 (yes) or 0 (no)."),
        ("baseline_value", str(10**20), "number", "no more than 18 digits"),
        ("baseline_date", "abc", "number", "Enter a valid date."),
    ],
)
def test_indicator_values_are_checked_at_the_field(
    client, officer, published, field, value, measure, message
):
    client.force_login(officer)
    response = client.post(
        reverse("indicator_create", args=[published.slug]),
        indicator_data(**{field: value, "measure": measure}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_measurement_period_and_duplicate_are_refused(client, officer, permits):
    client.force_login(officer)
    url = reverse("measurement_create", args=[permits.project.slug, permits.pk])
    backwards = {"period_start": "2026-03-31", "period_end": "2026-01-01", "value": "30"}
    response = client.post(url, backwards)
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    duplicate = {"period_start": "2025-01-01", "period_end": "2025-03-31", "value": "30"}
    response = client.post(url, duplicate)
    assert response.status_code == 400
    assert "already reported" in response.content.decode()
    assert permits.measurements.count() == 2


def test_a_refused_pdf_is_not_kept(client, officer, permits):
    client.force_login(officer)
    url = reverse("measurement_create", args=[permits.project.slug, permits.pk])
    data = {
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "value": "22",
        "evidence": SimpleUploadedFile("x.pdf", b"not a pdf at all", "application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "The file is not a PDF." in response.content.decode()
    assert permits.measurements.count() == 2


def test_other_citys_officer_and_stranger_cannot_write(client, other_officer, stranger, permits):
    slug = permits.project.slug
    posts = [
        (reverse("indicator_create", args=[slug]), indicator_data(name="Otro")),
        (reverse("indicator_edit", args=[slug, permits.pk]), indicator_data(name="Otro")),
        (reverse("indicator_delete", args=[slug, permits.pk]), {}),
        (
            reverse("measurement_create", args=[slug, permits.pk]),
            {"period_start": "2026-10-01", "period_end": "2026-12-31", "value": "1"},
        ),
        (reverse("indicators_import", args=[slug]), {}),
    ]
    for user in (other_officer, stranger):
        client.force_login(user)
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
            assert client.get(url).status_code in (403, 405), url
    assert Indicator.objects.get().name == permits.name
    assert permits.measurements.count() == 2


def test_ids_of_another_project_answer_404(client, officer, published, la_serena):
    from tests.projects.factories import build_project

    other = build_project([la_serena], slug="otro-proyecto")
    foreign = days_indicator(other)
    client.force_login(officer)
    url = reverse("indicator_edit", args=[published.slug, foreign.pk])
    assert client.get(url).status_code == 404
    m = measure(foreign, "2025-01-01", "2025-03-31", 40)
    assert (
        client.get(reverse("measurement_evidence", args=[published.slug, m.pk])).status_code == 404
    )


def test_draft_is_invisible_publicly_by_any_url(client, draft, officer, staff, stranger):
    indicator = days_indicator(draft, name="Indicador secreto")
    m = measure(indicator, "2025-01-01", "2025-03-31", 40, method="Método secreto")
    from django.core.files.base import ContentFile

    m.evidence.save("e.pdf", ContentFile(pdfs.pdf_with_pages(1)), save=True)
    urls = [
        reverse("project_indicators", args=[draft.slug]),
        reverse("indicators_csv", args=[draft.slug]),
        reverse("measurement_evidence", args=[draft.slug, m.pk]),
    ]
    for user in (None, stranger):
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in (reverse("measurements_csv"), reverse("measurements_json")):
            body = b"".join(client.get(url).streaming_content).decode()
            assert "secreto" not in body
    # Its officers and the chapter's staff see it.
    for user in (officer, staff):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_staff_without_two_factor_see_no_draft(client, draft, staff):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=staff).delete()
    client.force_login(staff)
    assert client.get(reverse("project_indicators", args=[draft.slug])).status_code == 404


def test_published_indicators_page_and_block_on_project_page(client, permits):
    response = client.get(reverse("project_indicators", args=[permits.project.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Average days to process a building permit" in text
    assert 'role="img"' in text
    assert "Report a measurement" not in text  # no edit links for the public
    detail = client.get(reverse("project_detail", args=[permits.project.slug]))
    assert "76 % of the way" in detail.content.decode()


def test_open_data(client, permits, draft):
    days_indicator(draft, name="Indicador secreto")
    body = b"".join(client.get(reverse("measurements_csv")).streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("\ufeffproject,project_title,indicator_id,indicator")
    assert len(lines) == 3 and "triaje-permisos" in lines[1]
    import json

    data = json.loads(b"".join(client.get(reverse("measurements_json")).streaming_content))
    assert [row["value"] for row in data["measurements"]] == ["38", "26"]
    assert data["measurements"][0]["period_end"] == "2025-03-31"


def test_target_set_replaces_the_value_of_the_same_period(client, officer, permits):
    client.force_login(officer)
    url = reverse("indicator_targets", args=[permits.project.slug, permits.pk])
    client.post(url, {"period_start": "2026-01-01", "period_end": "2026-12-31", "value": "18"})
    assert permits.targets.get(period_end=dt.date(2026, 12, 31)).value == Decimal(18)
    assert permits.targets.count() == 2


def test_changing_the_measure_must_fit_the_values_already_reported(client, officer, permits):
    client.force_login(officer)
    url = reverse("indicator_edit", args=[permits.project.slug, permits.pk])
    response = client.post(url, indicator_data(measure="yes_no"))
    assert response.status_code == 400
    assert "does not fit this measure" in response.content.decode()
    permits.refresh_from_db()
    assert permits.measure == "number"
    response = client.post(url, indicator_data(name="Días por permiso"))
    assert response.status_code == 302
    permits.refresh_from_db()
    assert permits.name == "Días por permiso"


def test_the_measurements_json_written_in_pieces_is_one_document(client, monkeypatch, permits):
    """Each piece is a run of records without its brackets: with a piece per record, the
    pieces must still join into one list (commas between them, none before the first)."""
    import json

    from projects.indicators import views_data

    monkeypatch.setattr(views_data, "LINES_PER_PIECE", 1)
    pieces = list(client.get(reverse("measurements_json")).streaming_content)
    assert len(pieces) == 4  # the opening, a piece per measurement, the closing
    data = json.loads(b"".join(pieces))
    assert [row["value"] for row in data["measurements"]] == ["38", "26"]
    assert data["measurements"][1]["project"] == permits.project.slug
