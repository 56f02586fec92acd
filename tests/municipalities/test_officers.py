import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coalition.models import AuditEvent
from municipalities.models import Municipality, Officer
from tests.factories import ChapterStaffFactory, OfficerFactory, UserFactory, enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, chapter_staff):
    enable_totp(chapter_staff)
    client.force_login(chapter_staff)
    return client


def ask(client, municipality, position="Jefa de Innovación"):
    return client.post(
        reverse("represent"),
        {"form": "request", "municipality": municipality.pk, "position": position},
    )


def test_request_approve_then_edit(
    client, municipality, chapter_staff, django_capture_on_commit_callbacks
):
    person = UserFactory(language="en")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, municipality)
    assert response.status_code == 302
    officer = Officer.objects.get(user=person)
    assert officer.status == Officer.Status.PENDING
    # The chapter's staff are told.
    assert [m.to for m in mail.outbox] == [[chapter_staff.email]]
    assert client.get(reverse("municipality_edit", args=[municipality.slug])).status_code == 403

    enable_totp(chapter_staff)
    client.force_login(chapter_staff)
    assert municipality.name in client.get(reverse("officer_requests")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("officer_decide", args=[officer.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.status == Officer.Status.APPROVED
    assert officer.decided_by == chapter_staff
    approval = mail.outbox[-1]
    assert approval.to == [person.email]
    assert approval.subject == f"You now represent {municipality.name}"  # in the officer's language
    assert AuditEvent.objects.filter(action="officer.approve", to_state="approved").exists()

    client.force_login(person)
    assert client.get(reverse("municipality_edit", args=[municipality.slug])).status_code == 200


def test_refusal_needs_a_reason_that_the_person_reads(
    staff_client, municipality, django_capture_on_commit_callbacks
):
    officer = OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)
    url = reverse("officer_decide", args=[officer.pk])
    response = staff_client.post(url, {"decision": "refuse", "reason": "  "})
    assert response.status_code == 400
    officer.refresh_from_db()
    assert officer.status == Officer.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"decision": "refuse", "reason": "No trabaja en el municipio."})
    officer.refresh_from_db()
    assert officer.status == Officer.Status.REFUSED
    assert "No trabaja en el municipio." in mail.outbox[-1].body
    staff_client.force_login(officer.user)
    page = staff_client.get(reverse("dashboard")).content.decode()
    assert "No trabaja en el municipio." in page


def test_a_request_is_decided_only_once(staff_client, municipality):
    officer = OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)
    url = reverse("officer_decide", args=[officer.pk])
    staff_client.post(url, {"decision": "approve"})
    staff_client.post(url, {"decision": "refuse", "reason": "late"})
    officer.refresh_from_db()
    assert officer.status == Officer.Status.APPROVED
    assert (
        AuditEvent.objects.filter(target_id=str(officer.pk), action__startswith="officer.").count()
        == 1
    )


def test_staff_of_another_chapter_cannot_decide(client, municipality):
    officer = OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)
    outsider = ChapterStaffFactory().user
    enable_totp(outsider)
    client.force_login(outsider)
    assert municipality.name not in client.get(reverse("officer_requests")).content.decode()
    response = client.post(reverse("officer_decide", args=[officer.pk]), {"decision": "approve"})
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.status == Officer.Status.PENDING


@pytest.mark.parametrize("who", ["stranger", "officer"])
def test_non_staff_cannot_decide(client, municipality, request, who):
    pending = OfficerFactory(municipality=municipality, status=Officer.Status.PENDING)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("officer_decide", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Officer.Status.PENDING


def test_asking_twice_is_refused_with_a_message(client, municipality, stranger):
    client.force_login(stranger)
    ask(client, municipality)
    response = ask(client, municipality)
    assert response.status_code == 400
    with translation.override("es"):
        expected = _("You have already asked to represent %(name)s.") % {"name": municipality.name}
    assert expected in response.content.decode()
    assert Officer.objects.filter(user=stranger).count() == 1


def test_refused_person_may_ask_again(client, municipality, stranger):
    OfficerFactory(user=stranger, municipality=municipality, status=Officer.Status.REFUSED)
    client.force_login(stranger)
    assert ask(client, municipality).status_code == 302
    assert Officer.objects.get(user=stranger).status == Officer.Status.PENDING


def test_proposing_a_new_municipality_keeps_it_unlisted_until_approval(
    client, municipality, chapter_staff, stranger
):
    client.force_login(stranger)
    response = client.post(
        reverse("represent"),
        {
            "form": "propose",
            "new-name": "Ñuñoa",
            "new-chapter": municipality.chapter.pk,
            "new-region": "Región Metropolitana de Santiago",
            "new-official_website": "www.nunoa.cl",
            "new-position": "Director de Innovación",
        },
    )
    assert response.status_code == 302
    proposed = Municipality.objects.get(name="Ñuñoa")
    assert not proposed.is_listed
    assert proposed.official_website == "https://www.nunoa.cl"
    assert client.get(reverse("municipality_profile", args=[proposed.slug])).status_code == 404

    enable_totp(chapter_staff)
    client.force_login(chapter_staff)
    officer = Officer.objects.get(municipality=proposed)
    client.post(reverse("officer_decide", args=[officer.pk]), {"decision": "approve"})
    proposed.refresh_from_db()
    assert proposed.is_listed
    assert client.get(reverse("municipality_profile", args=[proposed.slug])).status_code == 200


def test_invalid_request_keeps_what_was_typed(client, stranger):
    client.force_login(stranger)
    response = client.post(
        reverse("represent"), {"form": "request", "municipality": "", "position": "Analista"}
    )
    assert response.status_code == 400
    assert 'value="Analista"' in response.content.decode()


def test_leaving(client, municipality, officer):
    client.force_login(officer)
    client.post(reverse("municipality_leave", args=[municipality.slug]))
    link = Officer.objects.get(user=officer)
    assert link.status == Officer.Status.LEFT
    assert AuditEvent.objects.filter(action="officer.leave").exists()
    # Leaving twice is a 404, not an error.
    assert client.post(reverse("municipality_leave", args=[municipality.slug])).status_code == 404


def test_several_officers_per_municipality(client, municipality, officer):
    second = OfficerFactory(municipality=municipality).user
    for user in (officer, second):
        client.force_login(user)
        assert client.get(reverse("municipality_edit", args=[municipality.slug])).status_code == 200
