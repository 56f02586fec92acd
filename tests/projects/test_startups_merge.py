"""Staff merge duplicate startups: a preview, then the confirmation; nobody loses a project
link, a project linked to both keeps one, the duplicate's address redirects, all audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coalition.models import AuditEvent
from projects.models import ProjectStartup, SectorTag, Startup
from tests.factories import ChapterStaffFactory, MunicipalityFactory, OfficerFactory, enable_totp
from tests.projects.startups_world import make_project, make_startup


@pytest.fixture
def staff(db):
    user = ChapterStaffFactory().user
    enable_totp(user)
    return user


@pytest.fixture
def world(db):
    city = MunicipalityFactory()
    kept = make_startup("Permisia SpA", tax_id="")
    duplicate = make_startup(
        "Permisia", tax_id="76086428-5", website="https://permisia.example", description="Dup"
    )
    vision = SectorTag.objects.create(name="Vision", slug="vision")
    govtech = SectorTag.objects.create(name="GovTech", slug="govtech")
    kept.sectors.add(govtech)
    duplicate.sectors.add(vision, govtech)
    only_duplicate = make_project([city], [duplicate], title="Solo duplicado")
    both = make_project([city], [kept, duplicate], title="Ambos")
    only_kept = make_project([city], [kept], title="Solo conservado")
    older = make_startup("Permisia antigua", merged_into=duplicate)
    return {
        "kept": kept,
        "duplicate": duplicate,
        "only_duplicate": only_duplicate,
        "both": both,
        "only_kept": only_kept,
        "older": older,
        "vision": vision,
    }


def test_preview_shows_what_moves_without_changing_anything(client, staff, world):
    client.force_login(staff)
    response = client.get(
        reverse("startup_merge"),
        {"duplicate": world["duplicate"].pk, "kept": world["kept"].pk},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Solo duplicado" in body and "Ambos" in body and "Vision" in body
    assert "Permisia antigua" in body
    assert ProjectStartup.objects.filter(startup=world["duplicate"]).count() == 2


def test_confirm_moves_links_and_tags_and_redirects_the_old_address(client, staff, world):
    client.force_login(staff)
    response = client.post(
        reverse("startup_merge"),
        {"duplicate": world["duplicate"].pk, "kept": world["kept"].pk, "confirm": "1"},
    )
    assert response.status_code == 302
    kept, duplicate = world["kept"], world["duplicate"]
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into == kept
    assert not ProjectStartup.objects.filter(startup=duplicate).exists()
    # Every project keeps exactly one link to the kept record.
    for project in (world["only_duplicate"], world["both"], world["only_kept"]):
        assert list(project.startup_links.values_list("startup_id", flat=True)) == [kept.pk]
    assert set(kept.sectors.values_list("slug", flat=True)) == {"vision", "govtech"}
    # Empty fields of the kept record take the duplicate's value, tax id included.
    assert kept.website == "https://permisia.example" and kept.tax_id == "76086428-5"
    world["older"].refresh_from_db()
    assert world["older"].merged_into == kept
    event = AuditEvent.objects.get(action="startup.merge")
    assert event.actor == staff and event.details["moved_links"] == 1
    assert event.details["shared_links"] == 1
    # The duplicate's address (and the older one's) lead to the kept record.
    client.logout()
    for old in (duplicate, world["older"]):
        response = client.get(reverse("startup_detail", args=[old.slug]))
        assert response.status_code == 301
        assert response["Location"] == reverse("startup_detail", args=[kept.slug])
    # A merged record cannot be merged again (double submit).
    client.force_login(staff)
    response = client.post(
        reverse("startup_merge"),
        {"duplicate": duplicate.pk, "kept": kept.pk, "confirm": "1"},
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="startup.merge").count() == 1


def test_the_same_startup_twice_is_refused(client, staff, world):
    client.force_login(staff)
    pk = world["kept"].pk
    response = client.post(reverse("startup_merge"), {"duplicate": pk, "kept": pk, "confirm": "1"})
    assert response.status_code == 200
    assert (
        not Startup.objects.filter(merged_into__isnull=False).exclude(pk=world["older"].pk).exists()
    )


def test_only_staff_with_two_factor_merge(client, world):
    url = reverse("startup_merge")
    data = {"duplicate": world["duplicate"].pk, "kept": world["kept"].pk, "confirm": "1"}
    assert client.post(url, data).status_code == 302  # login
    client.force_login(OfficerFactory().user)
    assert client.post(url, data).status_code == 403
    client.force_login(ChapterStaffFactory().user)  # staff without a second factor
    response = client.post(url, data)
    assert response.status_code == 302 and "security-required" in response["Location"]
    world["duplicate"].refresh_from_db()
    assert world["duplicate"].merged_into is None


def test_merge_preview_and_edit_pages_keep_a_constant_number_of_queries(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kept, duplicate = make_startup("Kept"), make_startup("Duplicate")
    challenge_city = MunicipalityFactory()

    def build(n):
        for _ in range(n):
            tag = SectorTag.objects.create(
                name=f"Tag {SectorTag.objects.count()}", slug=f"t{SectorTag.objects.count()}"
            )
            duplicate.sectors.add(tag)
            make_project([challenge_city], [duplicate])
            make_project([challenge_city], [kept, duplicate])
            make_startup()

    def count(url, data=None):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, data or {}).status_code == 200
        return len(queries)

    client.force_login(staff)
    pair = {"duplicate": duplicate.pk, "kept": kept.pk}
    build(2)
    small = (
        count(reverse("startup_merge"), pair),
        count(reverse("startup_edit", args=[duplicate.slug])),
    )
    build(6)
    large = (
        count(reverse("startup_merge"), pair),
        count(reverse("startup_edit", args=[duplicate.slug])),
    )
    assert small == large


def test_a_merged_record_does_not_reveal_a_kept_record_without_published_project(client, db):
    kept = make_startup("Privada")
    duplicate = make_startup("Duplicada", merged_into=kept)
    assert client.get(reverse("startup_detail", args=[duplicate.slug])).status_code == 404
