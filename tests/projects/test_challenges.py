"""Challenges: officers publish them for their own cities, staff of the chapter moderate,
drafts are never public by any URL, the list filters, and pages keep constant queries."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coalition.models import AuditEvent
from projects import selectors_startups
from projects.models import Challenge, Project
from tests.factories import (
    ChapterFactory,
    ChapterStaffFactory,
    MunicipalityFactory,
    OfficerFactory,
    enable_totp,
)
from tests.projects.startups_world import make_challenge, make_project, make_startup

pytestmark = pytest.mark.django_db


@pytest.fixture
def renca(db):
    return MunicipalityFactory(name="Renca", slug="renca")


@pytest.fixture
def officer(renca):
    return OfficerFactory(municipality=renca).user


def form_data(city, **extra):
    return {
        "title": "Atención vecinal saturada",
        "municipalities": [city.pk],
        "area": "citizen_service",
        "description": "Las solicitudes vecinales tardan semanas.",
        "affected": "Vecinos",
        "data_available": "Registro de solicitudes 2023-2025",
        "status": "draft",
        **extra,
    }


def test_officer_creates_a_draft_then_opens_it(client, officer, renca):
    client.force_login(officer)
    assert client.get(reverse("challenge_new")).status_code == 200
    response = client.post(reverse("challenge_new"), form_data(renca))
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert list(challenge.municipalities.all()) == [renca]
    assert challenge.status == "draft" and challenge.published_at is None
    assert challenge.created_by == officer
    # Draft: not public by any URL.
    client.logout()
    assert client.get(reverse("challenge_detail", args=[challenge.slug])).status_code == 404
    assert challenge.title.encode() not in client.get(reverse("challenge_list")).content
    assert challenge.slug not in client.get(reverse("challenge_data_json")).content.decode()
    assert challenge.slug not in client.get(reverse("challenge_data_csv")).content.decode()
    client.force_login(officer)
    response = client.post(
        reverse("challenge_edit", args=[challenge.slug]), form_data(renca, status="open")
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "open" and challenge.published_at is not None
    assert AuditEvent.objects.filter(action="challenge.status", to_state="open").exists()
    client.logout()
    assert client.get(reverse("challenge_detail", args=[challenge.slug])).status_code == 200


def test_an_officer_cannot_name_another_city(client, officer, renca):
    elsewhere = MunicipalityFactory(name="Quilicura")
    client.force_login(officer)
    response = client.post(reverse("challenge_new"), form_data(elsewhere))
    assert response.status_code == 200
    assert not Challenge.objects.exists()


def test_another_citys_officer_is_refused(client, renca):
    draft = make_challenge([renca], status="draft")
    public = make_challenge([renca])
    client.force_login(OfficerFactory().user)
    assert client.get(reverse("challenge_detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("challenge_edit", args=[draft.slug])).status_code == 404
    assert client.get(reverse("challenge_edit", args=[public.slug])).status_code == 403
    response = client.post(
        reverse("challenge_edit", args=[public.slug]), form_data(renca, title="Hijacked")
    )
    assert response.status_code == 403
    public.refresh_from_db()
    assert public.title != "Hijacked"


def test_anonymous_and_users_without_a_city_cannot_create(client):
    assert client.get(reverse("challenge_new")).status_code == 302
    client.force_login(OfficerFactory(status="pending").user)
    assert client.get(reverse("challenge_new")).status_code == 403


def test_chapter_staff_moderate_but_not_other_chapters(client, renca):
    draft = make_challenge([renca], status="draft")
    own = ChapterStaffFactory(chapter=renca.chapter).user
    other = ChapterStaffFactory(chapter=ChapterFactory()).user
    enable_totp(own)
    enable_totp(other)
    client.force_login(other)
    assert client.get(reverse("challenge_detail", args=[draft.slug])).status_code == 404
    client.force_login(own)
    assert client.get(reverse("challenge_detail", args=[draft.slug])).status_code == 200
    response = client.post(
        reverse("challenge_edit", args=[draft.slug]), form_data(renca, status="open")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "open"


def test_a_co_author_keeps_the_cities_it_cannot_name(client, renca, officer):
    partner = MunicipalityFactory(name="Quilicura")
    challenge = make_challenge([renca, partner])
    client.force_login(officer)
    response = client.post(
        reverse("challenge_edit", args=[challenge.slug]), form_data(renca, status="open")
    )
    assert response.status_code == 302
    assert set(challenge.municipalities.all()) == {renca, partner}


def test_page_lists_only_published_projects(client, renca):
    challenge = make_challenge([renca])
    startup = make_startup("Permisia")
    make_project([renca], [startup], challenge=challenge, title="Asistente publicado")
    make_project(
        [renca], challenge=challenge, title="Borrador oculto", visibility=Project.Visibility.DRAFT
    )
    body = client.get(reverse("challenge_detail", args=[challenge.slug])).content
    assert b"Asistente publicado" in body and b"Borrador oculto" not in body
    # Its status as a label, its cities and its startups, linked.
    startup_url = reverse("startup_detail", args=[startup.slug])
    assert f"Pilot · {renca.name}".encode() in body
    assert f'<a href="{startup_url}">Permisia</a>'.encode() in body
    data = json.loads(client.get(reverse("challenge_data_json")).content)
    assert len(data[0]["projects"]) == 1 and data[0]["cities"] == ["renca"]


def test_page_lists_its_projects_a_page_at_a_time(client, renca, monkeypatch):
    monkeypatch.setattr(selectors_startups, "PAGE_SIZE", 2)
    challenge = make_challenge([renca])
    startup = make_startup("Permisia")
    for title in ("Cuarto", "Primero", "Segundo"):
        make_project([renca], [startup], challenge=challenge, title=title)
    url = reverse("challenge_detail", args=[challenge.slug])
    body = client.get(url).content.decode()
    assert "Cuarto" in body and "Primero" in body and "Segundo" not in body
    assert "Page 1 of 2" in body and 'href="?page=2" rel="next"' in body
    body = client.get(url, {"page": "2"}).content.decode()
    assert "Segundo" in body and "Cuarto" not in body
    assert f'<a href="{reverse("startup_detail", args=[startup.slug])}">Permisia</a>' in body


def test_list_cards_show_labels_cities_and_published_projects(client, renca):
    partner = MunicipalityFactory(name="Antofagasta <norte>")
    challenge = make_challenge([renca, partner], title="Desafío compartido")
    make_project([renca], challenge=challenge)
    make_project([renca], challenge=challenge)
    make_project([renca], challenge=challenge, visibility=Project.Visibility.DRAFT)
    body = client.get(reverse("challenge_list")).content.decode()
    url = reverse("challenge_detail", args=[challenge.slug])
    assert f'<h3><a href="{url}">Desafío compartido</a></h3>' in body
    assert '<span class="badge badge-open">Open</span>' in body
    assert '<span class="tag">Citizen service</span>' in body
    assert "Antofagasta &lt;norte&gt;, Renca</p>" in body  # by name, escaped
    assert "2 published projects address it" in body  # not the draft


def test_list_filters(client, renca):
    other = MunicipalityFactory(name="Rosario", slug="rosario", country="AR")
    make_challenge([renca], title="Desafío chileno")
    addressed = make_challenge([other], title="Desafío argentino", status="addressed")
    addressed.area = "mobility"
    addressed.save()
    url = reverse("challenge_list")
    assert b"argentino" not in client.get(url, {"country": "CL"}).content
    assert b"chileno" not in client.get(url, {"city": "rosario"}).content
    assert b"chileno" not in client.get(url, {"status": "addressed"}).content
    assert b"argentino" not in client.get(url, {"area": "citizen_service"}).content
    assert b"chileno" not in client.get(url, {"q": "argentino"}).content
    # A draft status in the URL never shows drafts.
    make_challenge([renca], title="Borrador", status="draft")
    assert b"Borrador" not in client.get(url, {"status": "draft"}).content
    assert client.get(url, {"city": "nope", "page": "-1", "area": "x" * 500}).status_code == 200


def test_the_city_filter_offers_the_cities_of_public_challenges(client, renca):
    rosario = MunicipalityFactory(name="Rosario <Santa Fe>", slug="rosario", country="AR")
    draft_only = MunicipalityFactory(name="Ciudad en borrador", slug="borrador")
    make_challenge([renca, rosario], title="Desafío compartido")
    make_challenge([draft_only], title="Borrador", status="draft")
    body = client.get(reverse("challenge_list"), {"city": "rosario"}).content.decode()
    select = re.search(r'<select [^>]*name="city"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert '<option value="rosario" selected>Rosario &lt;Santa Fe&gt;</option>' in select
    assert f'<option value="{renca.slug}">' in select
    assert "borrador" not in select and select.count("<option") == 3  # and "Any"


def test_list_and_page_run_a_constant_number_of_queries(client):
    def build(n):
        cities = [MunicipalityFactory() for _ in range(n)]
        challenges = [make_challenge(cities) for _ in range(n)]
        for _ in challenges:
            make_project(cities, challenge=challenges[0])
        return challenges[0]

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = build(2)
    small = (
        count(reverse("challenge_list")),
        count(reverse("challenge_detail", args=[first.slug])),
    )
    first = build(6)
    large = (
        count(reverse("challenge_list")),
        count(reverse("challenge_detail", args=[first.slug])),
    )
    assert small == large


def test_edit_pages_keep_a_constant_number_of_queries(client, renca):
    staff = ChapterStaffFactory(chapter=renca.chapter).user
    enable_totp(staff)
    client.force_login(staff)
    challenge = make_challenge([renca])

    def build(n):
        for _ in range(n):
            city = MunicipalityFactory(chapter=renca.chapter)
            challenge.municipalities.add(city)
            make_project([city], challenge=challenge)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    build(2)
    urls = [reverse("challenge_new"), reverse("challenge_edit", args=[challenge.slug])]
    small = [count(url) for url in urls]
    build(6)
    assert [count(url) for url in urls] == small
