"""Staff create, structure and publish calls; the public sees published calls only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from calls import call_setup, services
from calls.models import (
    Application,
    Call,
    Criterion,
    CriterionLevel,
    EligibilityRequirement,
    Question,
)
from coalition.models import AuditEvent
from tests.calls.helpers import browser_form, fill_in, make_call, structure
from tests.factories import MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db

SANTIAGO = ZoneInfo("America/Santiago")


def call_post(chapter, **overrides) -> dict:
    data = {
        "chapter": chapter.pk,
        "title": "Convocatoria CIIAR Argentina 2025",
        "slug": "ciiar-2025",
        "summary": "Municipios argentinos que quieran sumarse a la coalición.",
        "objectives": "",
        "benefits": "",
        "commitments": "",
        "contact_email": "ciiar@example.org",
        "opens_at": "2025-11-03T09:00",
        "closes_at": "2025-12-31T23:59",
        "announces_at": "2026-02-02T12:00",
        "report_page_limit": 5,
        "max_upload_mb": 10,
        "max_annexes": 2,
    }
    data.update(overrides)
    return data


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Creating and editing a call -----------------------------------------------------------


def test_instants_are_typed_in_the_chapter_wall_clock_time(login, other_chapter, other_staff_user):
    client = login(other_staff_user)
    url = reverse("staff_call_create") + f"?chapter={other_chapter.pk}"
    assert client.get(url).status_code == 200

    response = client.post(url, call_post(other_chapter))

    call = Call.objects.get(slug="ciiar-2025")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_call_structure", args=[call.slug])
    assert call.chapter == other_chapter
    assert call.status == Call.Status.DRAFT
    # 23:59 in Buenos Aires (UTC-3) is 02:59 UTC on the next day.
    assert call.closes_at == datetime(2026, 1, 1, 2, 59, tzinfo=UTC)
    assert call.opens_at == datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
    assert AuditEvent.objects.filter(action="call.create", target_id=str(call.pk)).exists()

    # The edit page shows them back as the chapter's wall-clock time, not UTC.
    page = client.get(reverse("staff_call_edit", args=[call.slug])).content.decode()
    assert 'value="2025-12-31T23:59"' in page
    assert 'value="2025-11-03T09:00"' in page
    assert "Buenos Aires time" in page  # the chapter's zone by its readable name


def test_editing_a_call_keeps_the_chapter_time_zone(staff_client, chapter, staff_user):
    call = make_call(
        chapter,
        staff_user,
        slug="ciar-2026",
        opens_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        closes_at=datetime(2026, 3, 31, 12, tzinfo=UTC),
        publish=False,
    )
    response = staff_client.post(
        reverse("staff_call_edit", args=[call.slug]),
        call_post(
            chapter,
            slug=call.slug,
            opens_at="2026-03-02T09:00",
            # After Chile's return to winter time (UTC-4), on 5 April 2026.
            closes_at="2026-04-05T12:00",
            announces_at="2026-05-04T12:00",
        ),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.opens_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # summer time, UTC-3
    assert call.closes_at == datetime(2026, 4, 5, 16, 0, tzinfo=UTC)  # winter time, UTC-4
    assert AuditEvent.objects.filter(action="call.edit", target_id=str(call.pk)).exists()


@pytest.mark.parametrize(
    "typed",
    [
        "2026-04-04T23:30",  # happens twice: clocks go back from 24:00 to 23:00
        "2026-09-06T00:30",  # never happens: clocks jump from 24:00 to 01:00
    ],
)
def test_a_wall_clock_time_that_is_ambiguous_or_skipped_is_refused(staff_client, chapter, typed):
    response = staff_client.post(
        reverse("staff_call_create"),
        call_post(chapter, opens_at="2026-03-01T09:00", closes_at=typed, announces_at=""),
    )
    assert response.status_code == 400
    assert "closes_at" in response.context["form"].errors
    assert not Call.objects.exists()


def test_a_call_that_closes_before_it_opens_is_refused(staff_client, chapter):
    response = staff_client.post(
        reverse("staff_call_create"),
        call_post(chapter, opens_at="2025-12-31T23:59", closes_at="2025-11-03T09:00"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["closes_at"] == ["The call must close after it opens."]
    assert "The call must close after it opens." in response.content.decode()
    assert not Call.objects.exists()


def test_results_cannot_be_announced_before_closing(staff_client, chapter):
    response = staff_client.post(
        reverse("staff_call_create"), call_post(chapter, announces_at="2025-12-01T12:00")
    )
    assert response.status_code == 400
    assert "announces_at" in response.context["form"].errors
    assert not Call.objects.exists()


def test_staff_of_several_chapters_choose_one_first(
    staff_client, staff_user, chapter, other_chapter
):
    from coalition.models import ChapterStaff

    ChapterStaff.objects.create(chapter=other_chapter, user=staff_user)
    response = staff_client.get(reverse("staff_call_create"))
    assert response.status_code == 200
    assert {c.pk for c in response.context["chapters"]} == {chapter.pk, other_chapter.pk}
    response = staff_client.get(reverse("staff_call_create") + f"?chapter={other_chapter.pk}")
    assert response.context["chapter"] == other_chapter


def test_staff_cannot_create_a_call_in_a_chapter_they_do_not_run(
    staff_client, chapter, other_chapter
):
    """The chapter comes from the request, but only the user's own chapters are candidates."""
    staff_client.post(
        reverse("staff_call_create") + f"?chapter={other_chapter.pk}",
        call_post(other_chapter),
    )
    assert not Call.objects.filter(chapter=other_chapter).exists()
    assert Call.objects.get().chapter == chapter


# --- Requirements, questions, rubric -------------------------------------------------------


@pytest.fixture
def draft_call(chapter, staff_user):
    now = timezone.now()
    return make_call(
        chapter,
        staff_user,
        slug="borrador",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=30),
        publish=False,
        with_structure=False,
    )


def structure_page(client, call):
    response = client.get(reverse("staff_call_structure", args=[call.slug]))
    assert response.status_code == 200
    return browser_form(response.content.decode(), has_field="criteria-TOTAL_FORMS")


def test_staff_define_requirements_questions_and_rubric_with_the_formsets(staff_client, draft_call):
    data = structure_page(staff_client, draft_call)
    data.update(
        {
            "requirements-0-text": "Tener un área de innovación",
            "requirements-0-evidence_requested": "on",
            "requirements-1-text": "Compartir datos abiertos",
            "questions-0-label": "¿Qué proyecto de IA impulsaría?",
            "questions-0-kind": "long_text",
            "questions-0-word_limit": "300",
            "questions-0-required": "on",
            "criteria-TOTAL_FORMS": "2",
            "criteria-0-title": "Capacidad institucional",
            "criteria-0-weight": "60",
            "criteria-0-levels": "0: sin área\n3: área sin presupuesto\n5: área con presupuesto",
            "criteria-1-title": "Motivación",
            "criteria-1-weight": "40",
            "criteria-1-levels": "0: genérica\n5: concreta",
        }
    )
    response = staff_client.post(reverse("staff_call_structure", args=[draft_call.slug]), data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["criteria"]
    ]

    requirements = list(draft_call.requirements.all())
    assert [(r.text, r.evidence_requested) for r in requirements] == [
        ("Tener un área de innovación", True),
        ("Compartir datos abiertos", False),
    ]
    [question] = draft_call.questions.all()
    assert (question.kind, question.word_limit, question.required) == ("long_text", 300, True)
    criteria = list(draft_call.criteria.prefetch_related("levels"))
    assert [(c.title, c.weight) for c in criteria] == [
        ("Capacidad institucional", 60),
        ("Motivación", 40),
    ]
    assert [(lvl.score, lvl.description) for lvl in criteria[0].levels.all()] == [
        (0, "sin área"),
        (3, "área sin presupuesto"),
        (5, "área con presupuesto"),
    ]
    assert AuditEvent.objects.filter(action="call.structure").exists()


def test_saving_the_structure_page_unchanged_keeps_the_structure(staff_client, call):
    """What a browser posts back, blank extra rows included, changes nothing."""
    before = (
        list(call.requirements.values_list("text", "evidence_requested")),
        list(call.questions.values_list("label", "kind", "required", "word_limit", "choices")),
        list(call.criteria.values_list("title", "weight")),
    )
    # No application yet on this call, so the structure is editable.
    data = structure_page(staff_client, call)
    response = staff_client.post(reverse("staff_call_structure", args=[call.slug]), data)
    assert response.status_code == 302, [
        (name, number, form.errors)
        for name in ("requirements", "questions", "criteria")
        for number, form in enumerate(response.context[name])
        if form.errors
    ]
    after = (
        list(call.requirements.values_list("text", "evidence_requested")),
        list(call.questions.values_list("label", "kind", "required", "word_limit", "choices")),
        list(call.criteria.values_list("title", "weight")),
    )
    assert after == before


def test_weights_that_do_not_add_up_to_100_are_refused(staff_client, draft_call):
    data = structure_page(staff_client, draft_call)
    data.update(
        {
            "requirements-0-text": "Tener un área de innovación",
            "criteria-TOTAL_FORMS": "2",
            "criteria-0-title": "Capacidad",
            "criteria-0-weight": "50",
            "criteria-0-levels": "0: no\n5: sí",
            "criteria-1-title": "Motivación",
            "criteria-1-weight": "30",
            "criteria-1-levels": "0: no\n5: sí",
        }
    )
    response = staff_client.post(reverse("staff_call_structure", args=[draft_call.slug]), data)
    assert response.status_code == 400
    expected = "The weights of the criteria add up to 80; they must add up to 100."
    assert expected in page_messages(response)
    assert expected in response.content.decode()
    # Nothing was saved, and what was typed is still on the page.
    assert not EligibilityRequirement.objects.filter(call=draft_call).exists()
    assert not Criterion.objects.filter(call=draft_call).exists()
    assert "Tener un área de innovación" in response.content.decode()


def test_malformed_score_levels_are_reported_at_the_field(staff_client, draft_call):
    data = structure_page(staff_client, draft_call)
    data.update(
        {
            "criteria-0-title": "Capacidad",
            "criteria-0-weight": "100",
            "criteria-0-levels": "cero: nada\n5: todo",
        }
    )
    response = staff_client.post(reverse("staff_call_structure", args=[draft_call.slug]), data)
    assert response.status_code == 400
    errors = response.context["criteria"].forms[0].errors
    assert errors["levels"] == ['Line 1 should read "score: description".']
    assert not Criterion.objects.filter(call=draft_call).exists()


@pytest.mark.parametrize(
    ("typed", "row", "field", "expected"),
    [
        # Found by hand: a 500 on PostgreSQL (smallint), and 200 stored past the model's cap.
        (
            {"criteria-0-levels": "0: nada\n40000: todo"},
            ("criteria", 0),
            "levels",
            "Line 2: Ensure this value is less than or equal to 100.",
        ),
        (
            {"criteria-0-levels": "0: nada\n200: todo"},
            ("criteria", 0),
            "levels",
            "Line 2: Ensure this value is less than or equal to 100.",
        ),
        (
            {"criteria-0-levels": "0: nada\n5: " + "x" * 301},
            ("criteria", 0),
            "levels",
            "Line 2: Ensure this value has at most 300 characters (it has 301).",
        ),
        (
            {"criteria-0-weight": str(10**20)},
            ("criteria", 0),
            "weight",
            "Ensure this value is less than or equal to 100.",
        ),
        (
            {"questions-0-word_limit": "99999999999"},
            ("questions", 0),
            "word_limit",
            "Ensure this value is less than or equal to 2147483647.",
        ),
        (
            {"questions-0-word_limit": str(10**20)},
            ("questions", 0),
            "word_limit",
            "Ensure this value is less than or equal to 2147483647.",
        ),
        (
            {"questions-0-kind": "javascript"},
            ("questions", 0),
            "kind",
            "Select a valid choice. javascript is not one of the available choices.",
        ),
        (
            {"requirements-0-text": "x" * 100_000},
            ("requirements", 0),
            "text",
            "Ensure this value has at most 300 characters (it has 100000).",
        ),
    ],
)
def test_values_the_model_refuses_are_reported_at_their_row_and_field(
    staff_client, draft_call, typed, row, field, expected
):
    """Every row the formsets save is validated as the model does: an error at the field of
    its row, a 400 page with everything typed, nothing saved."""
    data = structure_page(staff_client, draft_call)
    data.update(
        {
            "requirements-0-text": "Tener un área de innovación",
            "questions-0-label": "¿Qué proyecto de IA impulsaría?",
            "questions-0-kind": "long_text",
            "questions-0-word_limit": "300",
            "criteria-0-title": "Capacidad institucional",
            "criteria-0-weight": "100",
            "criteria-0-levels": "0: sin área\n5: área con presupuesto",
        }
    )
    data.update(typed)
    response = staff_client.post(reverse("staff_call_structure", args=[draft_call.slug]), data)
    assert response.status_code == 400
    prefix, number = row
    assert response.context[prefix].forms[number].errors[field] == [expected]
    page = response.content.decode()
    assert "¿Qué proyecto de IA impulsaría?" in page
    assert "Capacidad institucional" in page
    for value in typed.values():
        if len(value) < 1000:
            assert value.split("\n")[-1] in page
    assert not EligibilityRequirement.objects.filter(call=draft_call).exists()
    assert not Question.objects.filter(call=draft_call).exists()
    assert not Criterion.objects.filter(call=draft_call).exists()


def test_the_structure_service_validates_every_row_before_replacing_anything(call, staff_user):
    """`call_set_structure` bulk-creates its rows; it refuses a row the model refuses (a level
    score over 100, a word limit beyond its column) and keeps the structure it had."""
    before = list(CriterionLevel.objects.filter(criterion__call=call).values_list("score"))
    bad_level = structure()
    bad_level["criteria"][0]["levels"][1]["score"] = 200
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        call_setup.call_set_structure(call=call, actor=staff_user, **bad_level)
    assert (
        "Score level 2: Ensure this value is less than or equal to 100." in refused.value.messages
    )
    bad_question = structure()
    bad_question["questions"][0]["kind"] = "javascript"
    with pytest.raises(ValidationError):
        call_setup.call_set_structure(call=call, actor=staff_user, **bad_question)
    assert list(CriterionLevel.objects.filter(criterion__call=call).values_list("score")) == before
    assert call.questions.count() == len(structure()["questions"])


def test_structure_is_frozen_after_the_first_submission(staff_client, call, application, officer):
    fill_in(application, officer)
    services.application_submit(application=application, actor=officer)
    before = (
        list(call.requirements.values_list("pk", "text")),
        list(call.questions.values_list("pk", "label")),
        list(call.criteria.values_list("pk", "title", "weight")),
    )
    url = reverse("staff_call_structure", args=[call.slug])
    page = staff_client.get(url)
    notice = "Applications have been submitted: the requirements, questions and rubric"
    assert notice in page.content.decode()
    assert page.context["locked"] is True

    response = staff_client.post(
        url,
        {
            "requirements-TOTAL_FORMS": "1",
            "requirements-INITIAL_FORMS": "0",
            "requirements-0-text": "Un requisito nuevo",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-title": "Todo",
            "criteria-0-weight": "100",
            "criteria-0-levels": "0: no\n5: sí",
        },
    )
    assert response.status_code == 400
    assert notice in response.content.decode()
    after = (
        list(call.requirements.values_list("pk", "text")),
        list(call.questions.values_list("pk", "label")),
        list(call.criteria.values_list("pk", "title", "weight")),
    )
    assert after == before
    # The service refuses too, whoever calls it.
    with pytest.raises(services.ValidationError):
        call_setup.call_set_structure(
            call=call, actor=None, requirements=[], questions=[], criteria=[]
        )
    assert list(call.requirements.values_list("pk", "text")) == before[0]


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_is_refused_with_the_problems_listed(staff_client, chapter, staff_user):
    call = Call.objects.create(chapter=chapter, title="A medio hacer", slug="a-medio-hacer")
    response = staff_client.post(reverse("staff_call_publish", args=[call.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff_call_structure", args=[call.slug])
    shown = page_messages(response)
    assert "Set the opening, closing and announcement dates." in shown
    assert "Write a summary." in shown
    assert "Define the scoring rubric." in shown
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    # The structure page lists them too, and the button is disabled.
    assert response.context["problems"] == [
        "Set the opening, closing and announcement dates.",
        "Write a summary.",
        "Define the scoring rubric.",
    ]

    now = timezone.now()
    call.summary = "Resumen"
    call.opens_at, call.closes_at = now + timedelta(days=1), now + timedelta(days=20)
    call.announces_at = now + timedelta(days=40)
    call.save()
    response = staff_client.post(reverse("staff_call_publish", args=[call.slug]), follow=True)
    assert "Define the scoring rubric." in page_messages(response)
    assert Call.objects.get(pk=call.pk).status == Call.Status.DRAFT

    call_setup.call_set_structure(
        call=call,
        actor=staff_user,
        requirements=[],
        questions=[],
        criteria=[{"title": "Todo", "weight": 100, "levels": []}],
    )
    response = staff_client.post(reverse("staff_call_publish", args=[call.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("call_detail", args=[call.slug])
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    assert call.published_at is not None
    event = AuditEvent.objects.get(action="call.publish", target_id=str(call.pk))
    assert (event.from_state, event.to_state) == ("draft", "published")


@pytest.mark.parametrize(
    "url_name", ["staff_call_edit", "staff_call_structure", "staff_call_applications"]
)
def test_staff_of_another_chapter_get_403(login, other_staff_user, call, url_name):
    client = login(other_staff_user)
    url = reverse(url_name, args=[call.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Mío"}).status_code == 403
    call.refresh_from_db()
    assert call.title == "Convocatoria CIAR Chile 2026"


def test_staff_of_another_chapter_cannot_publish(login, other_staff_user, chapter, staff_user):
    now = timezone.now()
    call = make_call(
        chapter,
        staff_user,
        slug="lista",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=9),
        publish=False,
    )
    response = login(other_staff_user).post(reverse("staff_call_publish", args=[call.slug]))
    assert response.status_code == 403
    assert Call.objects.get(pk=call.pk).status == Call.Status.DRAFT


def test_officers_and_visitors_cannot_reach_the_staff_pages(officer_client, anonymous, call):
    url = reverse("staff_call_edit", args=[call.slug])
    assert officer_client.get(url).status_code == 403
    response = anonymous.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_staff_without_mfa_are_sent_to_set_it_up(login, chapter):
    from tests.factories import ChapterStaffFactory

    user = ChapterStaffFactory(chapter=chapter).user
    response = login(user).get(reverse("staff_call_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")


# --- Public pages ----------------------------------------------------------------------------


@pytest.fixture
def calls_of_all_phases(chapter, staff_user, call):
    now = timezone.now()
    upcoming = make_call(
        chapter,
        staff_user,
        slug="proxima",
        title="Próxima convocatoria",
        opens_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=35),
    )
    past = make_call(
        chapter,
        staff_user,
        slug="pasada",
        title="Convocatoria pasada",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
    )
    draft = make_call(
        chapter,
        staff_user,
        slug="borrador-secreto",
        title="Borrador secreto",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
        publish=False,
    )
    return {"open": call, "upcoming": upcoming, "past": past, "draft": draft}


def test_call_list_groups_open_upcoming_and_past(anonymous, calls_of_all_phases):
    response = anonymous.get(reverse("call_list"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [c.slug for c in groups["open"]] == ["convocatoria-ciar-2026"]
    assert [c.slug for c in groups["upcoming"]] == ["proxima"]
    assert [c.slug for c in groups["past"]] == ["pasada"]
    page = response.content.decode()
    assert "Borrador secreto" not in page
    assert page.index("Convocatoria CIAR Chile 2026") < page.index("Próxima convocatoria")
    assert page.index("Próxima convocatoria") < page.index("Convocatoria pasada")


def test_a_draft_call_is_not_public(anonymous, officer_client, calls_of_all_phases):
    url = reverse("call_detail", args=["borrador-secreto"])
    assert anonymous.get(url).status_code == 404
    assert officer_client.get(url).status_code == 404
    # Nor can anyone apply to it.
    response = officer_client.post(
        reverse("application_start", args=["borrador-secreto"]), {"municipality": 1}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_call_page_shows_requirements_documents_and_timeline_in_chapter_time(
    anonymous, chapter, staff_user
):
    local_close = (timezone.now() + timedelta(days=20)).astimezone(SANTIAGO)
    closes_at = local_close.replace(hour=23, minute=59, second=0, microsecond=0)
    call = make_call(
        chapter,
        staff_user,
        slug="con-fechas",
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=closes_at,
        report_page_limit=5,
    )
    response = anonymous.get(reverse("call_detail", args=[call.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    for requirement in call.requirements.all():
        assert requirement.text in page
    assert "(with evidence)" in page
    assert "A commitment letter signed by the mayor (PDF)." in page
    assert "A descriptive report of at most 5 pages (PDF)" in page
    assert "up to 2 annexes" in page
    # The closing instant, written in Santiago's time with its offset.
    local = call.closes_at.astimezone(SANTIAGO)
    assert local.hour == 23 and local.minute == 59
    assert f'<time datetime="{local.isoformat()}">' in page
    assert "Santiago time" in page  # the zone by its readable name (coalition.instants)
    assert f'data-countdown="{local.isoformat()}"' in page
    # The rubric is public, with its weights.
    assert "Capacidad institucional</strong> (40%)" in page


def test_apply_button_only_for_approved_officers_while_open(
    login, anonymous, call, officer, pending_officer, plain_user, municipality
):
    url = reverse("call_detail", args=[call.slug])
    start = reverse("application_start", args=[call.slug])

    page = login(officer).get(url).content.decode()
    assert f'action="{start}"' in page
    assert f'value="{municipality.pk}"' in page
    assert "Apply for Peñalolén" in page

    for person in (pending_officer, plain_user):
        page = login(person).get(url).content.decode()
        assert f'action="{start}"' not in page
        assert "Only verified officers of a municipality can apply." in page

    page = anonymous.get(url).content.decode()
    assert f'action="{start}"' not in page
    assert reverse("account_login") in page


def test_no_apply_button_once_closed(login, officer, chapter, staff_user):
    now = timezone.now()
    closed = make_call(
        chapter,
        staff_user,
        slug="cerrada",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(minutes=1),
    )
    response = login(officer).get(reverse("call_detail", args=[closed.slug]))
    page = response.content.decode()
    assert response.context["is_open"] is False
    assert reverse("application_start", args=[closed.slug]) not in page
    assert "This call is closed." in page


def test_officer_of_two_cities_chooses_the_city(login, officer, municipality, chapter, call):
    second = MunicipalityFactory(chapter=chapter, name="Ñuñoa", slug="nunoa")
    OfficerFactory(user=officer, municipality=second)
    page = login(officer).get(reverse("call_detail", args=[call.slug])).content.decode()
    assert '<select id="apply-municipality" name="municipality">' in page
    assert f'<option value="{second.pk}">Ñuñoa</option>' in page
    assert f'<option value="{municipality.pk}">Peñalolén</option>' in page


def test_call_page_links_to_the_existing_application(officer_client, call, application):
    page = officer_client.get(reverse("call_detail", args=[call.slug])).content.decode()
    assert reverse("application_edit", args=[application.pk]) in page
    assert reverse("application_start", args=[call.slug]) not in page
