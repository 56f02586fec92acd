"""Versions: numbered, ordered, immutable; the public reads only the latest published one."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coalition.models import AuditEvent
from projects.register import services
from projects.register.models import ImmutableVersion, RegisterEntryVersion
from tests.register.conftest import prepared, publish, save_entry

pytestmark = pytest.mark.django_db


def test_each_publish_adds_a_numbered_version_with_its_changes(project, officer):
    first = publish(project, officer)
    second = publish(project, officer, note="Nueva medición", performance="95 % de acierto.")
    assert (first.number, second.number) == (1, 2)
    assert first.changes == {}
    assert second.changes == {"performance": {"old": "92 % de acierto.", "new": "95 % de acierto."}}
    assert second.change_note == "Nueva medición"
    assert second.snapshot["title"] == "Triaje de permisos"
    assert [c["name"] for c in second.snapshot["cities"]] == ["La Serena"]
    assert second.snapshot["suppliers"][0]["role"] == "provider"
    assert list(
        RegisterEntryVersion.objects.filter(entry=first.entry).values_list("number", flat=True)
    ) == [2, 1]
    entry = second.entry
    entry.refresh_from_db()
    assert entry.latest_version == second
    assert entry.first_published_at == first.published_at
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["register.create", "register.publish", "register.save", "register.publish"]


def test_a_version_never_changes_nor_disappears(project, officer):
    version = publish(project, officer)
    version.summary = "otra cosa"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        version.delete()
    version.refresh_from_db()
    assert version.summary != "otra cosa"
    # Later draft edits leave the published snapshot as it was.
    save_entry(project, officer, summary="Borrador nuevo")
    version.refresh_from_db()
    assert version.snapshot["summary"] != "Borrador nuevo"


def test_nothing_changed_or_no_note_publishes_nothing(project, officer):
    version = publish(project, officer)
    entry = version.entry
    entry.project = prepared(project)
    with pytest.raises(ValidationError):  # a double submit
        services.register_entry_publish(entry=entry, actor=officer, change_note="otra vez")
    save_entry(project, officer, risks="Nuevos riesgos.")
    entry.refresh_from_db()
    entry.project = prepared(project)
    with pytest.raises(ValidationError):  # later versions say what changed
        services.register_entry_publish(entry=entry, actor=officer, change_note="  ")
    assert RegisterEntryVersion.objects.count() == 1


def test_an_incomplete_draft_is_not_published(project, officer):
    entry = save_entry(project, officer, human_oversight="", risk_level="")
    entry.project = prepared(project)
    with pytest.raises(ValidationError) as error:
        services.register_entry_publish(entry=entry, actor=officer)
    assert "oversight" in str(error.value).lower() or "supervisión" in str(error.value).lower()
    assert not RegisterEntryVersion.objects.exists()


def test_a_stale_draft_revision_is_refused(project, officer):
    entry = save_entry(project, officer)
    project = prepared(project)
    services.register_entry_save(
        project=project, actor=officer, data={"risks": "A"}, draft_revision=entry.draft_revision
    )
    with pytest.raises(ValidationError):
        services.register_entry_save(
            project=project,
            actor=officer,
            data={"risks": "B"},
            draft_revision=entry.draft_revision,
        )
    entry.refresh_from_db()
    assert entry.risks == "A"


def test_public_pages_show_the_latest_version_never_the_draft(project, officer):
    publish(project, officer, summary="Resumen publicado uno")
    publish(project, officer, note="cambio", summary="Resumen publicado dos")
    save_entry(project, officer, summary="BORRADOR SIN PUBLICAR")
    client = Client()
    with translation.override("en"):
        page = client.get(reverse("register_entry", args=[project.slug])).content.decode()
        history = client.get(reverse("register_history", args=[project.slug])).content.decode()
        v1 = client.get(reverse("register_version", args=[project.slug, 1])).content.decode()
        listing = client.get(reverse("register_list")).content.decode()
        csv = client.get(reverse("register_data_csv")).getvalue().decode()
    assert "Resumen publicado dos" in page and "BORRADOR" not in page
    assert "Resumen publicado uno" in v1 and "not the latest" in v1
    assert "Version 2" in history and "Version 1" in history
    assert "Resumen publicado uno" in history  # the diff of version 2
    assert "BORRADOR" not in history + listing + csv
    assert "Resumen publicado dos" in listing and "Resumen publicado dos" in csv
    missing = client.get(reverse("register_version", args=[project.slug, 3]))
    assert missing.status_code == 404


def test_the_entry_page_has_the_summary_first_then_sections(project, officer):
    publish(project, officer)
    with translation.override("en"):
        page = Client().get(reverse("register_entry", args=[project.slug])).content.decode()
    summary = page.index("In short")
    for heading in [
        "Owner and contact",
        "Supplier and procurement",
        "Purpose and expected benefit",
        "Human oversight and appeal",
        "Data used",
        "Model, performance and monitoring",
        "Risks and mitigations",
        "Status and dates",
    ]:
        assert page.index(heading) > summary
    assert "Limited risk" in page and "In use" in page
    assert "limited" not in page.replace("badge-risk-limited", "")
    assert 'href="https://example.org/eipd.pdf"' in page


def test_the_entry_page_lays_out_each_kind_of_value(project, officer):
    publish(project, officer, monitoring="")
    with translation.override("en"):
        page = Client().get(reverse("register_entry", args=[project.slug])).content.decode()
    # Compared without the white space around tags.
    details = re.sub(r"\s*(<[^>]*>)\s*", r"\1", page[page.index("section-owner") :])
    assert "<dt>Owner (cities)</dt><dd>La Serena</dd>" in details
    assert '<dd><a href="mailto:innovacion@example.org">innovacion@example.org</a></dd>' in details
    assert (
        '<dd><ul><li><a href="https://example.org/eipd.pdf" rel="noopener nofollow">EIPD</a>'
        "</li></ul></dd>"
    ) in details
    assert (
        '<dt>How performance is monitored</dt><dd><span class="muted">Not stated</span></dd>'
        in (details)
    )
    assert "<dd>Una persona revisa cada clasificación.</dd>" in details


def test_the_database_refuses_to_change_a_version_but_lets_its_publisher_go(project, officer):
    from django.db import DatabaseError, transaction

    version = publish(project, officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        RegisterEntryVersion.objects.filter(pk=version.pk).update(summary="otra cosa")
    with pytest.raises(DatabaseError), transaction.atomic():
        RegisterEntryVersion.objects.filter(pk=version.pk).update(number=7)
    officer.delete()  # published_by is set to NULL: allowed
    version.refresh_from_db()
    assert version.published_by is None and version.summary != "otra cosa"
