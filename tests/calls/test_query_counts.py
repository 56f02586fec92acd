"""The calls pages run the same number of queries for 3 or 30 calls, applications,
documents, requirements and questions."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls import call_setup, services
from calls.models import Application
from tests.calls.helpers import add_document, complete_draft, make_call, structure
from tests.factories import MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return [q["sql"] for q in captured.captured_queries]


def shape(sql: str) -> str:
    """The query without its literal values, to say which one repeats."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def assert_constant(few: list[str], many: list[str]) -> None:
    grown = Counter(map(shape, many)) - Counter(map(shape, few))
    report = "\n".join(f"{count} more x {sql[:400]}" for sql, count in grown.most_common(3))
    assert len(many) == len(few), f"queries that grow with the data:\n{report}"


def big_structure(n: int) -> dict:
    base = structure()
    return {
        "requirements": [
            {"text": f"Requisito {i}", "evidence_requested": i % 2 == 0} for i in range(n)
        ],
        "questions": [
            {**base["questions"][i % len(base["questions"])], "label": f"Pregunta {i}"}
            for i in range(n)
        ],
        "criteria": [
            {
                "title": f"Criterio {i}",
                "weight": 100 // n + (100 % n if i == 0 else 0),
                "levels": [{"score": s, "description": f"Nivel {s}"} for s in range(3)],
            }
            for i in range(n)
        ],
    }


def add_applications(call, chapter, count: int, *, documents: int = 2, submit=True) -> None:
    """Applications of new cities, each with a letter, a report and annexes."""
    for number in range(Application.objects.filter(call=call).count(), count):
        municipality = MunicipalityFactory(chapter=chapter, name=f"Comuna {number:02d}")
        officer = OfficerFactory(municipality=municipality).user
        application = services.application_start(
            call=call, municipality=municipality, actor=officer
        )
        services.application_save_draft(
            application=application,
            actor=officer,
            version=application.version,
            data=complete_draft(application),
        )
        add_document(application, "letter", number)
        add_document(application, "report", number)
        for annex in range(documents - 2):
            add_document(application, "annex", number * 100 + annex)
        if submit and number % 2:
            Application.objects.filter(pk=application.pk).update(
                status=Application.Status.SUBMITTED,
                submitted_at=timezone.now(),
                content_hash="a" * 64,
            )


def test_public_call_list(anonymous, chapter, staff_user):
    now = timezone.now()

    def add_calls(count):
        for number in range(count):
            offset = timedelta(days=number)
            phase = number % 3
            make_call(
                chapter,
                staff_user,
                slug=f"c{count}-{number}",
                opens_at=now + (offset if phase == 0 else -offset - timedelta(days=40)),
                closes_at=now + offset + timedelta(days=50 if phase != 2 else -30),
                with_structure=number == 0,
                publish=False,
            )
        from calls.models import Call

        Call.objects.update(status=Call.Status.PUBLISHED)

    add_calls(3)
    few = queries(anonymous, reverse("call_list"))
    add_calls(30)
    many = queries(anonymous, reverse("call_list"))
    assert_constant(few, many)


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_public_call_page(login, chapter, staff_user, officer, municipality, who):
    now = timezone.now()
    call = make_call(
        chapter,
        staff_user,
        slug="grande",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    client = login(officer if who == "officer" else None)
    url = reverse("call_detail", args=[call.slug])
    call_setup.call_set_structure(call=call, actor=staff_user, **big_structure(3))
    add_applications(call, chapter, 3, submit=False)
    few = queries(client, url)
    call_setup.call_set_structure(call=call, actor=staff_user, **big_structure(30))
    add_applications(call, chapter, 30, submit=False)
    many = queries(client, url)
    assert_constant(few, many)


def test_application_page(login, chapter, staff_user, officer, municipality):
    now = timezone.now()
    call = make_call(
        chapter,
        staff_user,
        slug="muchas-preguntas",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        max_annexes=10,
    )
    call_setup.call_set_structure(call=call, actor=staff_user, **big_structure(3))
    application = services.application_start(call=call, municipality=municipality, actor=officer)
    add_document(application, "letter", 1)
    add_document(application, "report", 2)
    add_document(application, "annex", 3)
    client = login(officer)
    url = reverse("application_edit", args=[application.pk])
    few = queries(client, url)

    Application.objects.filter(pk=application.pk).update(declarations={}, answers={})
    # Structure cannot be replaced under an application with answers; start over.
    call_setup.call_set_structure(call=call, actor=staff_user, **big_structure(30))
    for number in range(4, 31):
        add_document(application, "annex", number)
    application.refresh_from_db()
    services.application_save_draft(
        application=application,
        actor=officer,
        version=application.version,
        data=complete_draft(application),
    )
    many = queries(client, url)
    assert_constant(few, many)

    # The staff view of the same application too.
    staff = login(staff_user)
    staff_url = reverse("staff_application", args=[application.pk])
    assert_constant(queries(staff, staff_url), queries(staff, staff_url))


@pytest.fixture
def staff_table(login, chapter, staff_user):
    now = timezone.now()
    call = make_call(
        chapter,
        staff_user,
        slug="tabla",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    return call, login(staff_user), reverse("staff_call_applications", args=[call.slug])


@pytest.mark.parametrize(
    "params",
    [{}, {"format": "csv"}, {"sort": "submitted", "status": "submitted"}, {"q": "comuna"}],
    ids=["table", "csv", "filtered", "search"],
)
def test_staff_applications_table(staff_table, chapter, params):
    call, client, url = staff_table
    add_applications(call, chapter, 3, documents=3)
    few = queries(client, url, **params)
    add_applications(call, chapter, 30, documents=5)
    many = queries(client, url, **params)
    assert_constant(few, many)


def test_staff_call_list(login, chapter, staff_user):
    client = login(staff_user)
    now = timezone.now()
    for number in range(3):
        make_call(
            chapter,
            staff_user,
            slug=f"s{number}",
            opens_at=now,
            closes_at=now + timedelta(days=3),
            with_structure=False,
            publish=False,
        )
    few = queries(client, reverse("staff_call_list"))
    for number in range(3, 30):
        make_call(
            chapter,
            staff_user,
            slug=f"s{number}",
            opens_at=now,
            closes_at=now + timedelta(days=3),
            with_structure=False,
            publish=False,
        )
    many = queries(client, reverse("staff_call_list"))
    assert_constant(few, many)
