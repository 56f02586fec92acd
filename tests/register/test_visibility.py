"""Nothing of an unpublished project's entry, nor of a withdrawn entry, is public by any URL;
officers of other cities can neither read drafts nor edit; staff moderate."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.models import Project
from projects.register.models import RegisterEntry, RegisterEntryVersion
from tests.register.conftest import COMPLETE, make_project, publish, save_entry

pytestmark = pytest.mark.django_db

MARK = "TEXTO-UNICO-9f2"


def public_urls(slug: str) -> list[str]:
    return [
        reverse("register_entry", args=[slug]),
        reverse("register_history", args=[slug]),
        reverse("register_version", args=[slug, 1]),
    ]


def listed_anywhere(client: Client) -> bool:
    listing = client.get(reverse("register_list")).content.decode()
    csv = client.get(reverse("register_data_csv")).getvalue().decode()
    data = json.loads(client.get(reverse("register_data_json")).getvalue())
    return MARK in listing or MARK in csv or MARK in json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("visibility", ["draft", "withdrawn"])
def test_an_unpublished_projects_entry_is_public_by_no_url(city, officer, visibility):
    project = make_project(city, visibility="published")
    publish(project, officer, summary=MARK)
    client = Client()
    assert listed_anywhere(client)
    Project.objects.filter(pk=project.pk).update(visibility=visibility)
    for url in public_urls(project.slug):
        assert client.get(url).status_code == 404, url
    assert not listed_anywhere(client)
    # Its officers still read it, with a notice.
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(public_urls(project.slug)[0])
    assert page.status_code == 200 and "This entry is not public" in page.content.decode()


def test_a_draft_entry_is_public_by_no_url(city, officer, project):
    save_entry(project, officer, summary=MARK)
    client = Client()
    for url in public_urls(project.slug):
        assert client.get(url).status_code == 404
    assert not listed_anywhere(client)


def test_a_project_that_no_longer_uses_ai_leaves_the_register(officer, project):
    publish(project, officer, summary=MARK)
    Project.objects.filter(pk=project.pk).update(uses_ai=False)
    client = Client()
    assert client.get(public_urls(project.slug)[0]).status_code == 404
    assert not listed_anywhere(client)


def test_officer_edits_and_publishes_through_the_pages(client, officer, project):
    client.force_login(officer)
    edit = reverse("register_edit", args=[project.slug])
    form = client.get(edit)
    assert form.status_code == 200
    data = {
        key: ("" if value is None else value)
        for key, value in COMPLETE.items()
        if key != "impact_assessments"
    }
    data["uses_personal_data"] = "true"
    data["in_use_since"] = "2025-03-01"
    data["impact_assessments_text"] = "EIPD | https://example.org/eipd.pdf"
    data["draft_revision"] = "0"
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = RegisterEntry.objects.get(project=project)
    assert entry.impact_assessments == [{"title": "EIPD", "url": "https://example.org/eipd.pdf"}]
    client.post(reverse("register_publish", args=[project.slug]), {"change_note": ""})
    assert RegisterEntryVersion.objects.filter(entry=entry, number=1).exists()
    # A second, identical publish (a double submit) adds nothing.
    client.post(reverse("register_publish", args=[project.slug]), {"change_note": "x"})
    assert RegisterEntryVersion.objects.filter(entry=entry).count() == 1


def test_another_citys_officer_is_refused(client, other_officer, officer, project):
    publish(project, officer)
    client.force_login(other_officer)
    assert client.get(reverse("register_edit", args=[project.slug])).status_code == 403
    response = client.post(
        reverse("register_edit", args=[project.slug]), {"summary": "hack", "draft_revision": 1}
    )
    assert response.status_code == 403
    response = client.post(reverse("register_publish", args=[project.slug]))
    assert response.status_code == 403
    # A draft project's entry: not even its existence.
    draft = make_project(visibility="draft")
    assert client.get(reverse("register_edit", args=[draft.slug])).status_code == 404
    assert RegisterEntry.objects.get(project=project).summary == COMPLETE["summary"]


def test_a_shared_project_is_edited_by_each_of_its_cities(officer, city):
    from tests.factories import OfficerFactory

    other = OfficerFactory()
    project = make_project(city, other.municipality)
    publish(project, officer)
    publish(project, other.user, note="segunda ciudad", risks="Otros riesgos.")
    assert RegisterEntryVersion.objects.filter(entry__project=project).count() == 2


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, officer, project):
    publish(project, officer)
    response = client.post(reverse("register_publish", args=[project.slug]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("register_edit", args=[project.slug])).status_code == 302


def test_staff_withdraw_and_restore_but_do_not_edit(client, staff, officer, project):
    publish(project, officer, summary=MARK)
    client.force_login(staff)
    assert client.get(reverse("register_edit", args=[project.slug])).status_code == 403
    moderate = reverse("register_moderate", args=[project.slug])
    client.post(moderate, {"action": "withdraw", "reason": ""})
    assert RegisterEntry.objects.get(project=project).withdrawn_at is None
    client.post(moderate, {"action": "withdraw", "reason": "Datos incorrectos"})
    assert RegisterEntry.objects.get(project=project).withdrawn_at is not None
    anonymous = Client()
    assert anonymous.get(public_urls(project.slug)[0]).status_code == 404
    assert not listed_anywhere(anonymous)
    assert client.get(public_urls(project.slug)[0]).status_code == 200  # staff still read it
    client.post(moderate, {"action": "restore"})
    assert anonymous.get(public_urls(project.slug)[0]).status_code == 200


def test_staff_without_two_factor_and_officers_cannot_moderate(client, officer, project, city):
    from tests.factories import ChapterStaffFactory

    publish(project, officer)
    moderate = reverse("register_moderate", args=[project.slug])
    for user in (ChapterStaffFactory(chapter=city.chapter).user, officer):
        client.force_login(user)
        response = client.post(moderate, {"action": "withdraw", "reason": "x"})
        assert response.status_code in (403, 404) or (
            response.status_code == 302 and response["Location"].startswith(reverse("mfa_required"))
        )
    assert RegisterEntry.objects.get(project=project).withdrawn_at is None


def test_a_project_without_ai_has_no_entry_to_edit(client, officer, city):
    project = make_project(city, uses_ai=False)
    client.force_login(officer)
    assert client.get(reverse("register_edit", args=[project.slug])).status_code == 404
