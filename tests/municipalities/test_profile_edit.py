import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coalition.models import AuditEvent
from municipalities.models import Municipality, ProfileRevision

pytestmark = pytest.mark.django_db

VALID = {
    "description": "Comuna del poniente de Santiago.",
    "official_website": "https://www.municipalidadmaipu.cl",
    "region": "Región Metropolitana de Santiago",
    "population": "503635",
    "latitude": "-33.51",
    "longitude": "-70.757",
    "mayor": "Tomás Vodanovic",
    "mayor_term_start": "2021",
    "mayor_term_end": "2028",
    "has_digital_plan": "true",
    "digital_plan_year": "2023",
    "has_innovation_area": "unknown",
    "fibre_connectivity": "partial",
    "online_procedures": "120",
}


def png(size=(64, 64), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 108)).save(buffer, fmt)
    return buffer.getvalue()


def edit(client, slug="maipu", **changes):
    data = {**VALID, **changes}
    return client.post(reverse("municipality_edit", args=[slug]), data)


def test_officer_edits_profile_and_the_public_sees_it(client, municipality, officer):
    client.force_login(officer)
    response = edit(client)
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.mayor == "Tomás Vodanovic"
    public = client.get(reverse("municipality_profile", args=["maipu"])).content.decode()
    assert "Tomás Vodanovic" in public


def test_each_edit_keeps_a_revision_with_old_and_new_values(client, municipality, officer):
    client.force_login(officer)
    edit(client)
    edit(client, mayor="Otra Persona")
    revision = ProfileRevision.objects.filter(municipality=municipality).first()
    assert revision.author == officer
    assert revision.changes == {"mayor": {"old": "Tomás Vodanovic", "new": "Otra Persona"}}
    assert (
        AuditEvent.objects.filter(
            action="municipality.profile_edit", target_id=str(municipality.pk)
        ).count()
        == 2
    )
    history = client.get(reverse("municipality_history", args=["maipu"])).content.decode()
    assert "Otra Persona" in history


def test_saving_without_changes_leaves_no_revision(client, municipality, officer):
    client.force_login(officer)
    edit(client)
    edit(client)
    assert ProfileRevision.objects.filter(municipality=municipality).count() == 1


def test_edit_refreshes_last_updated_stamp(client, municipality, officer):
    from django.utils import timezone

    Municipality.objects.filter(pk=municipality.pk).update(
        profile_updated_at=timezone.now() - timezone.timedelta(days=500)
    )
    municipality.refresh_from_db()
    assert municipality.is_stale
    page = client.get(reverse("municipality_profile", args=["maipu"])).content.decode()
    assert "may be out of date" in page or "desactualizado" in page
    client.force_login(officer)
    edit(client)
    municipality.refresh_from_db()
    assert not municipality.is_stale


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("population", "-5"),
        ("population", "0"),
        ("latitude", "-91"),
        ("longitude", "181"),
        ("official_website", "not a url"),
        ("innovation_contact_email", "nobody@"),
        ("mayor_term_end", "2019"),
    ],
)
def test_invalid_values_are_refused_at_their_field_and_nothing_is_lost(
    client, municipality, officer, field, value
):
    client.force_login(officer)
    response = edit(client, **{field: value, "mayor": "Nombre Tecleado"})
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    # What the officer typed is still in the form.
    assert 'value="Nombre Tecleado"' in response.content.decode()
    municipality.refresh_from_db()
    assert municipality.mayor == ""


def test_one_coordinate_alone_is_refused(client, municipality, officer):
    client.force_login(officer)
    response = edit(client, longitude="")
    assert "longitude" in response.context["form"].errors


def test_logo_upload_accepts_a_real_image_and_serves_it(client, municipality, officer):
    client.force_login(officer)
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = client.post(reverse("municipality_edit", args=["maipu"]), {**VALID, "logo": logo})
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.logo.name.startswith("logos/")
    served = client.get(reverse("municipality_logo", args=["maipu"]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"%PDF-1.4 not an image", "imagen"),
        ("logo.gif", None, "PNG, JPEG o WebP"),
        ("huge.png", "huge", "1 MB"),
    ],
)
# Messages are read in Spanish, the officer's language.
def test_bad_logos_are_refused_and_the_old_one_kept(
    client, municipality, officer, name, content, message
):
    client.force_login(officer)
    good = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    client.post(reverse("municipality_edit", args=["maipu"]), {**VALID, "logo": good})
    municipality.refresh_from_db()
    previous = municipality.logo.name
    if content is None:
        content = png(fmt="GIF")
    elif content == "huge":
        content = png() + b"\0" * (1024 * 1024 + 1)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(
        reverse("municipality_edit", args=["maipu"]), {**VALID, "logo": upload, "mayor": "X"}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["logo"])
    municipality.refresh_from_db()
    assert municipality.logo.name == previous


def test_staff_of_the_chapter_can_edit(client, municipality, chapter_staff):
    from tests.factories import enable_totp

    enable_totp(chapter_staff)
    client.force_login(chapter_staff)
    assert edit(client).status_code == 302


@pytest.mark.parametrize("who", ["anonymous", "stranger", "other_officer", "other_staff"])
def test_others_cannot_edit_or_read_history(client, municipality, request, who):
    from tests.factories import ChapterStaffFactory

    if who == "other_staff":
        client.force_login(ChapterStaffFactory().user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("municipality_edit", args=["maipu"]),
        reverse("municipality_history", args=["maipu"]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
    response = edit(client, mayor="Intruso")
    assert response.status_code in (302, 403)
    municipality.refresh_from_db()
    assert municipality.mayor != "Intruso"


def test_former_officer_loses_access(client, municipality, officer):
    client.force_login(officer)
    response = client.post(reverse("municipality_leave", args=["maipu"]))
    assert response.status_code == 302
    assert client.get(reverse("municipality_edit", args=["maipu"])).status_code == 403
