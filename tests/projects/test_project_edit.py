"""Registering and editing projects: new startups inline, revisions, audit, versions, checks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from coalition.models import AuditEvent
from projects.models import Project, ProjectRevision, Startup
from tests.projects.factories import build_project

pytestmark = pytest.mark.django_db

VALID_RUT = "76.086.428-5"


def page_data(client, url: str) -> dict:
    """The fields a browser would post from the page's project form."""
    html = client.get(url).content.decode()
    form = html.split('class="project-form"', 1)[1].split("</form>", 1)[0]
    data: dict = {}
    for tag in re.findall(r"<(input|select|textarea)([^>]*)>", form):
        kind, attrs = tag
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        name = name.group(1)
        if kind == "input":
            input_type = re.search(r'type="([^"]+)"', attrs)
            input_type = input_type.group(1) if input_type else "text"
            value = re.search(r'value="([^"]*)"', attrs)
            if input_type == "checkbox":
                if "checked" in attrs:
                    data.setdefault(name, []).append(value.group(1) if value else "on")
                continue
            data[name] = value.group(1) if value else ""
    for name, inner in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', inner)
        data[name] = selected.group(1) if selected else ""
    for name, inner in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = inner.strip()
    return data


def new_project_data(la_serena, **overrides) -> dict:
    data = {
        "title": "Triaje de permisos de obra",
        "cities": [str(la_serena.pk)],
        "area": "procedures",
        "challenge": "",
        "problem": "Los permisos tardan 45 días.",
        "solution": "Un modelo ordena las solicitudes por complejidad.",
        "uses_ai": "on",
        "ai_technique": "Clasificación de texto",
        "start_date": "2025-01-15",
        "end_date": "",
        "budget": "",
        "budget_currency": "",
        "funding_source": "",
        "summary": "La DOM de La Serena ordena sus solicitudes con IA.",
        "reporting_period_months": "3",
        "status": "pilot",
        "status_date": "2025-02-01",
        "startups-TOTAL_FORMS": "2",
        "startups-INITIAL_FORMS": "0",
        "startups-MIN_NUM_FORMS": "0",
        "startups-MAX_NUM_FORMS": "10",
        "startups-0-startup": "",
        "startups-0-role": "provider",
        "startups-1-startup": "",
        "startups-1-role": "provider",
        "new_startup-name": "",
        "new_startup-country": "CL",
        "new_startup-tax_id": "",
        "new_startup-website": "",
        "new_startup-description": "",
        "new_startup-role": "provider",
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
        "links-0-title": "Nota de prensa",
        "links-0-url": "https://laserena.cl/noticia",
        "links-1-title": "",
        "links-1-url": "",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_project_with_a_new_startup(client, officer, la_serena):
    client.force_login(officer)
    data = new_project_data(
        la_serena,
        **{
            "new_startup-name": "Permisia SpA",
            "new_startup-tax_id": "76086428-5",
            "new_startup-website": "permisia.cl",
        },
    )
    response = client.post(reverse("project_create"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    project = Project.objects.get()
    assert project.visibility == Project.Visibility.DRAFT
    assert project.status == "pilot"
    assert list(project.status_changes.values_list("changed_on", flat=True)) == [
        dt.date(2025, 2, 1)
    ]
    startup = Startup.objects.get()
    assert startup.tax_id == "76086428-5"
    assert project.startup_links.get().startup == startup
    assert project.links.get().url == "https://laserena.cl/noticia"
    assert "la serena" in project.search_text
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"project.create", "startup.create"} <= actions
    assert ProjectRevision.objects.filter(project=project).count() == 1


def test_bad_tax_id_is_refused_at_its_field_and_nothing_is_saved(client, officer, la_serena):
    client.force_login(officer)
    data = new_project_data(
        la_serena, **{"new_startup-name": "Permisia", "new_startup-tax_id": "76.086.428-4"}
    )
    with translation.override("en"):
        response = client.post(reverse("project_create"), data)
    assert response.status_code == 400
    assert response.context["forms"].new_startup.has_error("tax_id")
    assert "check digit" in response.content.decode()
    assert not Project.objects.exists() and not Startup.objects.exists()
    # What was typed is still there.
    assert "Los permisos tardan 45 días." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("end_date", "2024-01-01"), ("budget", str(10**20)), ("budget", "-5"), ("cities", "999999")],
)
def test_refusals_at_the_field(client, officer, la_serena, field, value):
    client.force_login(officer)
    overrides = {field: value}
    if field == "budget":
        overrides["budget_currency"] = "CLP"
    response = client.post(reverse("project_create"), new_project_data(la_serena, **overrides))
    assert response.status_code == 400
    assert response.context["forms"].project.has_error(field)
    assert not Project.objects.exists()


def test_an_officer_cannot_register_a_project_only_for_other_cities(
    client, officer, la_serena, penalolen
):
    client.force_login(officer)
    response = client.post(
        reverse("project_create"), new_project_data(la_serena, cities=[str(penalolen.pk)])
    )
    assert response.status_code == 400
    assert response.context["forms"].project.has_error("cities")
    assert not Project.objects.exists()


def test_edit_keeps_a_revision_with_old_and_new_values_and_audits(client, officer, published):
    client.force_login(officer)
    url = reverse("project_edit", args=[published.slug])
    data = page_data(client, url)
    data["title"] = "Triaje inteligente de permisos"
    data["area"] = "urban"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    published.refresh_from_db()
    assert published.title == "Triaje inteligente de permisos"
    assert published.version == 2
    revision = ProjectRevision.objects.filter(project=published).latest("id")
    assert revision.changes["title"] == {
        "old": "Triaje de permisos de obra",
        "new": "Triaje inteligente de permisos",
    }
    assert set(revision.changes) == {"title", "area"}
    assert AuditEvent.objects.filter(action="project.edit", target_id=str(published.pk)).exists()
    with translation.override("en"):
        history = client.get(reverse("project_history", args=[published.slug])).content.decode()
    assert "Urban planning and public works" in history  # a label, never the code "urban"
    # Saving again without changes leaves no empty revision.
    data = page_data(client, url)
    client.post(url, data)
    assert ProjectRevision.objects.filter(project=published).count() == 1


def test_second_tab_gets_a_clear_message_and_keeps_its_text(client, officer, published):
    client.force_login(officer)
    url = reverse("project_edit", args=[published.slug])
    first = page_data(client, url)
    second = page_data(client, url)
    first["summary"] = "Primera pestaña"
    assert client.post(url, first).status_code == 302
    second["summary"] = "Segunda pestaña"
    with translation.override("en"):
        response = client.post(url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this project after you opened it" in html
    assert "Segunda pestaña" in html
    published.refresh_from_db()
    assert published.summary == "Primera pestaña"


def test_publish_lists_what_is_missing_with_links_to_the_fields(client, officer, la_serena):
    draft = build_project(
        [la_serena], visibility=Project.Visibility.DRAFT, summary="", uses_ai=True
    )
    Project.objects.filter(pk=draft.pk).update(ai_technique="")
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(reverse("project_publish", args=[draft.slug]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "#field-summary" in html and "#field-ai_technique" in html
    draft.refresh_from_db()
    assert draft.visibility == Project.Visibility.DRAFT
    Project.objects.filter(pk=draft.pk).update(summary="Resumen", ai_technique="Visión")
    response = client.post(reverse("project_publish", args=[draft.slug]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert AuditEvent.objects.filter(action="project.publish").exists()


def test_status_change_keeps_its_date(client, officer, published):
    client.force_login(officer)
    url = reverse("project_status", args=[published.slug])
    response = client.post(url, {"status": "production", "changed_on": "2025-06-30"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "production"
    assert published.status_changes.latest("id").changed_on == dt.date(2025, 6, 30)
    # A date before the last change, or in the future, is refused at the field.
    for day in ("2025-01-01", "2999-01-01"):
        response = client.post(url, {"status": "evaluated", "changed_on": day})
        assert response.status_code == 400
    published.refresh_from_db()
    assert published.status == "production"


def test_staff_withdraw_with_reason_and_restore(
    client, staff, published, officer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("staff_project_withdraw", args=[published.slug])
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Contiene datos personales."})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.visibility == Project.Visibility.WITHDRAWN
    assert [m.to for m in mailoutbox] == [[officer.email]]
    client.logout()
    assert client.get(reverse("project_detail", args=[published.slug])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("staff_projects") + "?visibility=withdrawn").status_code == 200
    client.post(reverse("staff_project_restore", args=[published.slug]))
    published.refresh_from_db()
    assert published.is_published
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "project.withdraw",
        "project.restore",
    }


def test_a_double_submit_registers_one_project(client, officer, la_serena):
    client.force_login(officer)
    data = new_project_data(la_serena)
    first = client.post(reverse("project_create"), data)
    second = client.post(reverse("project_create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Project.objects.count() == 1


def test_the_public_history_starts_at_publication(client, officer, la_serena):
    draft = build_project([la_serena], visibility=Project.Visibility.DRAFT)
    ProjectRevision.objects.create(
        project=draft, author=officer, changes={"summary": {"old": "", "new": "Texto interno"}}
    )
    client.force_login(officer)
    client.post(reverse("project_publish", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.is_published
    url = reverse("project_history", args=[draft.slug])
    assert "Texto interno" in client.get(url).content.decode()
    client.logout()
    html = client.get(url).content.decode()
    assert "Texto interno" not in html and officer.full_name not in html
