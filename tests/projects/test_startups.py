"""Startups: tax ids with their check digit, uniqueness across spellings, the public list and
page (public only with a published project), editing, and the open data."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coalition.models import AuditEvent
from projects import selectors_startups
from projects.forms_startups import StartupForm
from projects.models import Project, SectorTag, Startup
from projects.services_startups import startup_create, startup_update
from projects.taxids import normalize_cuit, normalize_rut, normalize_tax_id
from tests.factories import ChapterStaffFactory, MunicipalityFactory, OfficerFactory, enable_totp
from tests.projects.startups_world import CUIT_CIUDATA, RUT_PERMISIA, make_project, make_startup

# --- Check digits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["76.086.428-5", "76086428-5", "760864285", " 76.086.428 - 5 ", "76 086 428 5"]
)
def test_rut_spellings_share_one_canonical_form(typed):
    assert normalize_rut(typed) == "76086428-5"


def test_rut_with_k_check_digit_in_either_case():
    # 10.000.013-K: the modulo-11 check digit of 10000013 is K.
    assert normalize_rut("10.000.013-k") == "10000013-K"
    assert normalize_rut("10000013K") == "10000013-K"


@pytest.mark.parametrize("typed", ["76.086.428-4", "76.086.428-K", "10.000.013-0"])
def test_rut_with_a_wrong_check_digit_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalize_rut(typed)
    assert error.value.code == "rut_check_digit"


@pytest.mark.parametrize("typed", ["", "12-3", "ABCDEFGH-1", "123.456.789.012-3", "76086428-X"])
def test_rut_in_a_wrong_format_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalize_rut(typed)
    assert error.value.code == "rut_format"


@pytest.mark.parametrize(
    "typed", ["30-71234567-1", "30712345671", "30.71234567.1", "30 71234567 1"]
)
def test_cuit_spellings_share_one_canonical_form(typed):
    assert normalize_cuit(typed) == "30-71234567-1"


def test_cuit_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        normalize_cuit("30-71234567-2")
    assert error.value.code == "cuit_check_digit"


@pytest.mark.parametrize("typed", ["3071234567", "99-71234567-1", "30-7123456A-1", ""])
def test_cuit_in_a_wrong_format_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalize_cuit(typed)
    assert error.value.code == "cuit_format"


def test_other_countries_keep_the_id_as_written():
    assert normalize_tax_id("BR", " 12.345.678/0001-90 ") == "12.345.678/0001-90"


# --- The form and the service ------------------------------------------------------------


@pytest.mark.django_db
def test_form_gives_the_check_digit_message_at_the_field():
    with translation.override("en"):
        form = StartupForm({"name": "Permisia", "country": "CL", "tax_id": "76.086.428-4"})
        assert not form.is_valid()
        assert "check digit" in form.errors["tax_id"][0]


@pytest.mark.django_db
def test_a_duplicate_in_another_spelling_is_refused_naming_the_holder():
    officer = OfficerFactory().user
    startup_create(actor=officer, name="Permisia SpA", country="CL", tax_id=RUT_PERMISIA)
    form = StartupForm({"name": "Permisia", "country": "CL", "tax_id": "760864285"})
    assert not form.is_valid()
    assert "Permisia SpA" in form.errors["tax_id"][0]
    with pytest.raises(ValidationError) as error:
        startup_create(actor=officer, name="Permisia bis", country="CL", tax_id="76086428-5")
    assert "Permisia SpA" in error.value.message_dict["tax_id"][0]
    # The same number in another country is another company.
    assert startup_create(actor=officer, name="Other", country="XX", tax_id="76086428-5")


@pytest.mark.django_db
def test_create_stores_the_canonical_id_sectors_and_an_audit_event():
    officer = OfficerFactory().user
    tag = SectorTag.objects.create(name="GovTech", slug="govtech")
    startup = startup_create(
        actor=officer, name=" Ciudata SAS ", country="AR", tax_id="30712345671", sectors=[tag]
    )
    assert (startup.name, startup.tax_id, startup.slug) == (
        "Ciudata SAS",
        CUIT_CIUDATA,
        "ciudata-sas",
    )
    assert list(startup.sectors.all()) == [tag]
    assert startup.created_by == officer
    assert AuditEvent.objects.filter(action="startup.create", target_id=str(startup.pk)).exists()


@pytest.mark.django_db
def test_update_refuses_a_duplicate_and_audits_changed_fields():
    officer = OfficerFactory().user
    first = make_startup("Primera", tax_id="76086428-5")
    second = make_startup("Segunda")
    with pytest.raises(ValidationError):
        startup_update(startup=second, actor=officer, country="CL", tax_id="76.086.428-5")
    startup_update(startup=second, actor=officer, website="https://segunda.example")
    event = AuditEvent.objects.get(action="startup.update")
    assert event.details == {"fields": ["website"]}
    assert first.tax_id == "76086428-5"


# --- Public list and page ----------------------------------------------------------------


@pytest.fixture
def city(db):
    return MunicipalityFactory(name="La Serena", slug="la-serena")


@pytest.mark.django_db
def test_list_shows_only_startups_with_a_published_project(client, city):
    public = make_startup("Permisia")
    hidden = make_startup("Borrador SpA")
    make_project([city], [public])
    make_project([city], [hidden], visibility=Project.Visibility.DRAFT)
    withdrawn = make_startup("Retirada SpA")
    make_project([city], [withdrawn], visibility=Project.Visibility.WITHDRAWN)
    response = client.get(reverse("startup_list"))
    assert response.status_code == 200
    assert b"Permisia" in response.content
    assert b"Borrador" not in response.content
    assert b"Retirada" not in response.content


@pytest.mark.django_db
def test_list_lines_show_country_sectors_and_published_projects(client, city):
    startup = make_startup("Permisia", country="CL")
    startup.sectors.add(
        SectorTag.objects.create(name="Visión <computacional>", slug="vision"),
        SectorTag.objects.create(name="Agua", slug="agua"),
    )
    make_project([city], [startup])
    make_project([city], [startup])
    make_project([city], [startup], visibility=Project.Visibility.DRAFT)
    body = client.get(reverse("startup_list")).content.decode()
    line = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", body, re.S).group(0)
    url = reverse("startup_detail", args=[startup.slug])
    assert f'<a href="{url}">Permisia</a>' in line
    assert "<td>Chile</td>" in line
    # Sectors by name, escaped; the published projects only.
    assert (
        '<span class="tag">Agua</span> <span class="tag">Visión &lt;computacional&gt;</span>'
        in line
    )
    assert '<td class="number">2</td>' in line


@pytest.mark.django_db
def test_list_filters_by_country_sector_and_words(client, city):
    tag = SectorTag.objects.create(name="Computer vision", slug="vision")
    chilean = make_startup("Permisia", country="CL")
    chilean.sectors.add(tag)
    argentine = make_startup("Ciudata", country="AR")
    make_project([city], [chilean, argentine])
    url = reverse("startup_list")
    assert b"Ciudata" not in client.get(url, {"country": "CL"}).content
    assert b"Permisia" not in client.get(url, {"country": "AR"}).content
    assert b"Ciudata" not in client.get(url, {"sector": "vision"}).content
    assert b"Permisia" not in client.get(url, {"q": "ciud"}).content
    # Hostile values never fail the page.
    assert client.get(url, {"country": "ZZ", "sector": "nope", "page": "9999"}).status_code == 200
    htmx = client.get(
        url, {"country": "AR"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="startup-results"
    )
    assert b"<html" not in htmx.content and b"Ciudata" in htmx.content


@pytest.mark.django_db
def test_page_lists_published_projects_and_their_cities(client, city):
    other = MunicipalityFactory(name="Coquimbo")
    startup = make_startup("Permisia")
    make_project([city, other], [startup], title="Triaje de permisos")
    make_project([city], [startup], title="Proyecto secreto", visibility=Project.Visibility.DRAFT)
    response = client.get(reverse("startup_detail", args=[startup.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Triaje de permisos" in body
    assert "Proyecto secreto" not in body
    # The startup's role and the project's status as labels; the cities by name, linked.
    assert "Provider · Pilot" in body
    coquimbo = reverse("municipality_profile", args=[other.slug])
    assert body.index(f'href="{coquimbo}">Coquimbo</a>') < body.index(f">{city.name}</a>")


@pytest.mark.django_db
def test_page_lists_its_projects_a_page_at_a_time(client, city, monkeypatch):
    monkeypatch.setattr(selectors_startups, "PAGE_SIZE", 2)
    startup = make_startup("Permisia")
    for title in ("Cuarto", "Primero", "Segundo", "Tercero"):
        make_project([city], [startup], title=title)
    url = reverse("startup_detail", args=[startup.slug])

    def titles(**query):
        body = client.get(url, query).content.decode()
        return re.findall(r'<h3><a href="/[^"]*">([^<]+)</a></h3>', body), body

    first, body = titles()
    assert first == ["Cuarto", "Primero"]  # by title
    assert "Page 1 of 2" in body and 'href="?page=2" rel="next"' in body
    assert titles(page="2")[0] == ["Segundo", "Tercero"]
    # Past the end, or no page number at all: the last and the first page, never an error.
    assert titles(page="99")[0] == ["Segundo", "Tercero"]
    assert titles(page="x")[0] == ["Cuarto", "Primero"]


@pytest.mark.django_db
def test_page_without_published_project_is_404_but_seen_by_creator_staff_and_officers(client, city):
    creator = OfficerFactory().user
    project_officer = OfficerFactory(municipality=city).user
    stranger_officer = OfficerFactory().user
    staff = ChapterStaffFactory().user
    enable_totp(staff)
    startup = make_startup("Nueva", created_by=creator)
    make_project([city], [startup], visibility=Project.Visibility.DRAFT)
    url = reverse("startup_detail", args=[startup.slug])
    assert client.get(url).status_code == 404
    for user, expected in [
        (stranger_officer, 404),
        (creator, 200),
        (project_officer, 200),
        (staff, 200),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == expected, user


@pytest.mark.django_db
def test_only_its_creator_or_staff_edit_a_startup(client, city):
    creator = OfficerFactory().user
    other = OfficerFactory().user
    startup = make_startup("Permisia", created_by=creator, tax_id="76086428-5")
    make_project([city], [startup])
    url = reverse("startup_edit", args=[startup.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Hijacked", "country": "CL"}).status_code == 403
    client.force_login(creator)
    response = client.post(url, {"name": "Permisia SpA", "country": "CL", "tax_id": "76086428-4"})
    assert response.status_code == 200 and b"check digit" in response.content
    response = client.post(
        url, {"name": "Permisia SpA", "country": "CL", "tax_id": "760864285", "website": ""}
    )
    assert response.status_code == 302
    startup.refresh_from_db()
    assert startup.name == "Permisia SpA"


@pytest.mark.django_db
def test_list_and_page_run_a_constant_number_of_queries(client, city):
    tag = SectorTag.objects.create(name="GovTech", slug="govtech")

    def build(n):
        startups = []
        for _ in range(n):
            startup = make_startup()
            startup.sectors.add(tag)
            startups.append(startup)
        cities = [MunicipalityFactory() for _ in range(n)]
        for startup in startups:
            make_project(cities, {startups[0], startup})
        return startups[0]

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = build(2)
    small = (count(reverse("startup_list")), count(reverse("startup_detail", args=[first.slug])))
    build(6)
    first_many = Startup.objects.order_by("-pk")[5]
    large = (
        count(reverse("startup_list")),
        count(reverse("startup_detail", args=[first_many.slug])),
    )
    assert small == large


@pytest.mark.django_db
def test_open_data_lists_public_startups_only(client, city):
    tag = SectorTag.objects.create(name="GovTech", slug="govtech")
    public = make_startup("=Permisia", tax_id="76086428-5")
    public.sectors.add(tag)
    project = make_project([city], [public])
    make_project([city], [make_startup("Oculta")], visibility=Project.Visibility.DRAFT)
    data = json.loads(client.get(reverse("startup_data_json")).content)
    assert [row["name"] for row in data] == ["=Permisia"]
    assert data[0]["sectors"] == ["GovTech"] and data[0]["projects"] == [project.slug]
    csv_text = client.get(reverse("startup_data_csv")).content.decode()
    assert "Oculta" not in csv_text
    assert "'=Permisia" in csv_text  # never a spreadsheet formula
    assert csv_text.splitlines()[0].startswith("\ufeffslug,name,country,tax_id")
