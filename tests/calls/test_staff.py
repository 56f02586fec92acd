"""Chapter staff: the table of a call's applications, its CSV, screening, the dossier."""

from __future__ import annotations

import csv
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from calls import dossier, services
from calls.models import Application
from coalition.models import AuditEvent
from tests.calls import pdfs
from tests.calls.helpers import fill_in
from tests.factories import MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db

SANTIAGO = ZoneInfo("America/Santiago")


@pytest.fixture
def table(call, chapter, application, officer):
    """Four cities: two submitted, one draft, one withdrawn."""

    def city(name, region):
        municipality = MunicipalityFactory(chapter=chapter, name=name, region=region)
        user = OfficerFactory(municipality=municipality).user
        return services.application_start(call=call, municipality=municipality, actor=user), user

    penalolen = fill_in(application, officer)
    services.application_submit(application=penalolen, actor=officer)
    valparaiso, user = city("Valparaíso", "Valparaíso")
    valparaiso = fill_in(valparaiso, user)
    services.application_submit(application=valparaiso, actor=user)
    renca, _user = city("Renca", "Región Metropolitana de Santiago")
    concepcion, user = city("Concepción", "Biobío")
    services.application_withdraw(application=concepcion, actor=user)
    for application in (penalolen, valparaiso, renca, concepcion):
        application.refresh_from_db()
    return {
        "Peñalolén": penalolen,
        "Valparaíso": valparaiso,
        "Renca": renca,
        "Concepción": concepcion,
    }


def names(response) -> list[str]:
    return [row["municipality_name"] for row in response.context["rows"]]


def test_the_table_filters_and_sorts(staff_client, call, table):
    url = reverse("staff_call_applications", args=[call.slug])

    response = staff_client.get(url)
    assert response.status_code == 200
    assert names(response) == ["Concepción", "Peñalolén", "Renca", "Valparaíso"]
    page = response.content.decode()
    for name, application in table.items():
        assert name in page
        assert reverse("staff_application", args=[application.pk]) in page

    assert names(staff_client.get(url, {"status": "submitted"})) == ["Peñalolén", "Valparaíso"]
    assert names(staff_client.get(url, {"status": "withdrawn"})) == ["Concepción"]
    # Accents and case are ignored, both ways.
    assert names(staff_client.get(url, {"q": "penalolen"})) == ["Peñalolén"]
    assert names(staff_client.get(url, {"q": "PEÑALOLÉN"})) == ["Peñalolén"]
    assert names(staff_client.get(url, {"q": "valpa"})) == ["Valparaíso"]
    assert names(staff_client.get(url, {"q": "metropolitana"})) == ["Peñalolén", "Renca"]
    assert names(staff_client.get(url, {"q": "concepcion", "status": "draft"})) == []

    assert names(staff_client.get(url, {"sort": "region"})) == [
        "Concepción",  # Biobío
        "Peñalolén",  # Metropolitana
        "Renca",
        "Valparaíso",
    ]
    by_status = names(staff_client.get(url, {"sort": "status"}))
    assert by_status == ["Renca", "Peñalolén", "Valparaíso", "Concepción"]
    submitted_order = sorted(
        (a for a in table.values() if a.submitted_at),
        key=lambda a: a.submitted_at,
        reverse=True,
    )
    by_submission = names(staff_client.get(url, {"sort": "submitted"}))
    # Latest first, then the unsubmitted ones (on PostgreSQL too, where NULLs sort first).
    assert by_submission == [a.municipality.name for a in submitted_order] + [
        "Concepción",
        "Renca",
    ]
    # An unknown sort or status is ignored, not an error.
    assert staff_client.get(url, {"sort": "password", "status": "x"}).status_code == 200


def test_the_table_shows_completeness_pages_and_signature(staff_client, call, table):
    page = staff_client.get(reverse("staff_call_applications", args=[call.slug])).content.decode()
    assert "Complete" in page
    assert "Intact signature, issuer not verified" in page  # self-signed, no roots
    assert f"by {pdfs.SIGNER_CN}" in page
    assert "missing" in page  # Renca's draft


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the accents right
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export(staff_client, call, table):
    response = staff_client.get(
        reverse("staff_call_applications", args=[call.slug]), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{call.slug}-applications.csv"'
    header, *rows = read_csv(response)
    assert header == [
        "municipality",
        "region",
        "status",
        "missing_items",
        "report_pages",
        "letter_signature",
        "signer",
        "submitted_at",
        "content_hash",
    ]
    assert [row[0] for row in rows] == ["Concepción", "Peñalolén", "Renca", "Valparaíso"]
    penalolen = table["Peñalolén"]
    row = rows[1]
    local = penalolen.submitted_at.astimezone(SANTIAGO)
    assert row == [
        "Peñalolén",
        "Región Metropolitana de Santiago",
        "submitted",
        "0",
        "3",
        "untrusted",
        pdfs.SIGNER_CN,
        local.isoformat(timespec="seconds"),
        penalolen.content_hash,
    ]
    assert row[7].endswith(("-03:00", "-04:00"))  # Santiago's offset, not UTC
    renca = rows[2]
    assert renca[2] == "draft" and int(renca[3]) > 0
    assert renca[4:9] == ["", "", "", "", ""]


def test_csv_export_follows_the_filters(staff_client, call, table):
    response = staff_client.get(
        reverse("staff_call_applications", args=[call.slug]),
        {"format": "csv", "status": "submitted", "q": "valparaiso"},
    )
    _header, *rows = read_csv(response)
    assert [row[0] for row in rows] == ["Valparaíso"]
    page = staff_client.get(
        reverse("staff_call_applications", args=[call.slug]), {"status": "submitted"}
    ).content.decode()
    assert "status=submitted&amp;format=csv" in page


def test_csv_cells_from_uploaded_files_cannot_become_formulas(
    staff_client, call, application, officer
):
    """The signer's name comes from a certificate inside an uploaded PDF: untrusted."""
    hostile = '=HYPERLINK("https://evil.example/","Ver")'
    services.application_upload_document(
        application=application,
        actor=officer,
        kind="letter",
        upload=pdfs.as_upload(pdfs.signed_pdf(hostile)),
    )
    assert application.documents.get().signer_name == hostile
    response = staff_client.get(
        reverse("staff_call_applications", args=[call.slug]), {"format": "csv"}
    )
    _header, row = read_csv(response)
    assert row[6] == "'" + hostile


def test_other_chapter_staff_cannot_export(login, other_staff_user, call, table):
    response = login(other_staff_user).get(
        reverse("staff_call_applications", args=[call.slug]), {"format": "csv"}
    )
    assert response.status_code == 403
    assert "Peñalolén".encode() not in response.content


# --- Screening -----------------------------------------------------------------------------


def screen(client, application, **data):
    return client.post(
        reverse("staff_application", args=[application.pk]), {"action": "screen", **data}
    )


def test_screening_eligible_and_ineligible_with_audit(
    staff_client, officer_client, table, staff_user
):
    penalolen, valparaiso = table["Peñalolén"], table["Valparaíso"]

    assert screen(staff_client, penalolen, decision="eligible").status_code == 302
    penalolen.refresh_from_db()
    assert penalolen.status == Application.Status.ELIGIBLE
    [event] = AuditEvent.objects.filter(action="application.screen", target_id=str(penalolen.pk))
    assert (event.from_state, event.to_state, event.actor) == ("submitted", "eligible", staff_user)
    assert event.chapter_id == penalolen.call.chapter_id

    # Ineligible needs a reason: refused at the field, nothing recorded.
    response = screen(staff_client, valparaiso, decision="ineligible", reason="   ")
    assert response.status_code == 400
    assert response.context["screening_form"].errors["reason"] == [
        "Give the reason why the application is ineligible."
    ]
    assert Application.objects.get(pk=valparaiso.pk).status == Application.Status.SUBMITTED
    assert not AuditEvent.objects.filter(
        action="application.screen", target_id=str(valparaiso.pk)
    ).exists()

    reason = "No tiene un área de innovación."
    assert screen(staff_client, valparaiso, decision="ineligible", reason=reason).status_code == 302
    valparaiso.refresh_from_db()
    assert (valparaiso.status, valparaiso.screening_reason) == ("ineligible", reason)
    event = AuditEvent.objects.get(action="application.screen", target_id=str(valparaiso.pk))
    assert (event.from_state, event.to_state) == ("submitted", "ineligible")
    assert event.details == {"reason": reason}

    # A second look can change the decision; each one leaves its event.
    screen(staff_client, penalolen, decision="ineligible", reason="Falta la carta firmada.")
    events = AuditEvent.objects.filter(
        action="application.screen", target_id=str(penalolen.pk)
    ).order_by("id")
    assert [(e.from_state, e.to_state) for e in events] == [
        ("submitted", "eligible"),
        ("eligible", "ineligible"),
    ]
    # The officers see the result and the reason.
    page = officer_client.get(reverse("application_edit", args=[penalolen.pk])).content.decode()
    assert "Screening result: Ineligible." in page
    assert "Falta la carta firmada." in page


def test_a_draft_cannot_be_screened(staff_client, table):
    renca = table["Renca"]
    response = screen(staff_client, renca, decision="eligible")
    assert "Only submitted applications can be screened." in [
        str(m) for m in response.context["messages"]
    ]
    assert Application.objects.get(pk=renca.pk).status == Application.Status.DRAFT
    assert not AuditEvent.objects.filter(action="application.screen").exists()


# --- Dossier -------------------------------------------------------------------------------


def request_dossier(client, application, capture):
    with capture(execute=True):
        response = client.post(
            reverse("staff_application", args=[application.pk]), {"action": "dossier"}
        )
    assert response.status_code == 302
    return Application.objects.get(pk=application.pk)


def test_the_dossier_is_rendered_and_downloads_for_staff_only(
    staff_client,
    login,
    officer_client,
    other_staff_user,
    anonymous,
    table,
    django_capture_on_commit_callbacks,
):
    application = request_dossier(
        staff_client, table["Peñalolén"], django_capture_on_commit_callbacks
    )
    assert application.dossier
    assert application.dossier_source_hash == services.content_hash(application)
    page = staff_client.get(reverse("staff_application", args=[application.pk])).content.decode()
    url = reverse("dossier_download", args=[application.pk])
    assert url in page
    assert "the application changed since" not in page

    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="dossier-' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    assert officer_client.get(url).status_code == 403
    assert login(other_staff_user).get(url).status_code == 404
    assert anonymous.get(url).status_code == 302


def test_the_dossier_is_rendered_again_only_when_the_application_changes(
    staff_client, table, officer, staff_user, django_capture_on_commit_callbacks
):
    application = table["Peñalolén"]
    with mock.patch.object(dossier, "build_dossier", wraps=dossier.build_dossier) as build:
        first = request_dossier(staff_client, application, django_capture_on_commit_callbacks)
        with default_storage.open(first.dossier.name) as stored:
            first_bytes = stored.read()
        second = request_dossier(staff_client, application, django_capture_on_commit_callbacks)
        assert build.call_count == 1
        assert (second.dossier.name, second.dossier_source_hash) == (
            first.dossier.name,
            first.dossier_source_hash,
        )
        with default_storage.open(second.dossier.name) as stored:
            assert stored.read() == first_bytes
        # Screening changes no content: still the same dossier.
        screen(staff_client, application, decision="eligible")
        request_dossier(staff_client, application, django_capture_on_commit_callbacks)
        assert build.call_count == 1

        # Reopened and corrected: the dossier on file is now stale, and says so.
        services.application_reopen(application=application, actor=staff_user, reason="Firma")
        application.refresh_from_db()
        services.application_save_draft(
            application=application,
            actor=officer,
            version=application.version,
            data={"motivation": "Motivación corregida"},
        )
        page = staff_client.get(reverse("staff_application", args=[application.pk]))
        assert "the application changed since" in page.content.decode()

        third = request_dossier(staff_client, application, django_capture_on_commit_callbacks)
        assert build.call_count == 2
        assert third.dossier_source_hash != first.dossier_source_hash
        assert third.dossier_source_hash == services.content_hash(third)
        assert default_storage.exists(third.dossier.name)
        if third.dossier.name != first.dossier.name:
            assert not default_storage.exists(first.dossier.name)
