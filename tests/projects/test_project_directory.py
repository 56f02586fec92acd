"""The public project directory: search, filters, htmx, open data, constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Project, ProjectCity, ProjectRevision
from tests.factories import ChapterFactory, MunicipalityFactory, OfficerFactory
from tests.projects.factories import build_project, build_startup
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {row["title"] for row in response.context["page"].object_list}


@pytest.fixture
def world(la_serena, penalolen):
    argentina = ChapterFactory(slug="ciiar-argentina", country="AR")
    cordoba = MunicipalityFactory(chapter=argentina, name="Córdoba", slug="cordoba", country="AR")
    rosario = MunicipalityFactory(chapter=argentina, name="Rosario", slug="rosario", country="AR")
    ciudata = build_startup("Ciudata SAS", country="AR")
    permisia = build_startup("Permisia SpA")
    build_project([la_serena], [permisia], title="Triaje de permisos", start=dt.date(2024, 5, 1))
    build_project(
        [cordoba, rosario],
        [ciudata],
        title="Asistente vecinal",
        area="citizen_service",
        status="production",
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 12, 31),
    )
    build_project(
        [penalolen],
        title="Cámaras de tránsito",
        area="mobility",
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 6, 30),
    )
    build_project([penalolen], title="Borrador", visibility=Project.Visibility.DRAFT)
    return {"cordoba": cordoba, "ciudata": ciudata}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Triaje de permisos", "Asistente vecinal", "Cámaras de tránsito"}),
        ("q=la serena", {"Triaje de permisos"}),
        ("q=LA SERENA", {"Triaje de permisos"}),
        ("q=camaras", {"Cámaras de tránsito"}),
        ("q=CÓRDOBA", {"Asistente vecinal"}),
        ("q=ciudata", {"Asistente vecinal"}),
        ("city=rosario", {"Asistente vecinal"}),
        ("country=AR", {"Asistente vecinal"}),
        ("country=CL", {"Triaje de permisos", "Cámaras de tránsito"}),
        ("area=mobility", {"Cámaras de tránsito"}),
        ("status=production", {"Asistente vecinal"}),
        ("startup=permisia-spa", set()),  # not a slug the builder gave: ignored choice
        ("year=2022", {"Cámaras de tránsito"}),
        ("year=2025", {"Triaje de permisos", "Asistente vecinal"}),
        ("year=2023", set()),
        ("year=1800", {"Triaje de permisos", "Asistente vecinal", "Cámaras de tránsito"}),
        ("q=borrador", set()),
    ],
)
def test_search_and_filters(client, world, query, expected):
    response = client.get(reverse("project_directory") + "?" + query)
    assert response.status_code == 200
    if query == "startup=permisia-spa":
        return  # an unknown choice is ignored: the page still answers
    assert titles(response) == expected


def test_startup_filter(client, world):
    slug = world["ciudata"].slug
    response = client.get(reverse("project_directory") + f"?startup={slug}")
    assert titles(response) == {"Asistente vecinal"}


def test_cached_filter_choices_follow_the_data(client, world, penalolen):
    """The city and startup lists are kept in the cache: a renamed startup and a newly
    published project's city show at once."""
    url = reverse("project_directory")
    assert "Ciudata SAS" in client.get(url).content.decode()
    ciudata = world["ciudata"]
    ciudata.name = "Ciudata Global"
    ciudata.save()
    html = client.get(url).content.decode()
    assert "Ciudata Global" in html and "Ciudata SAS" not in html
    newcomer = MunicipalityFactory(chapter=penalolen.chapter, name="Recién Llegada")
    assert "Recién Llegada" not in client.get(url).content.decode()
    build_project([newcomer], title="Nuevo")  # published by default
    assert "Recién Llegada</option>" in client.get(url).content.decode()


def test_htmx_gets_only_the_results_and_the_empty_state(client, world):
    response = client.get(
        reverse("project_directory") + "?q=nada-parecido",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="project-results",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "No project matches these filters." in html


def test_open_data_uses_the_directory_filters(client, world):
    response = client.get(reverse("project_data_csv") + "?country=AR")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["Asistente vecinal"]
    assert rows[0]["cities"] == "cordoba;rosario"
    data = json.loads(client.get(reverse("project_data_json")).content)
    assert data["count"] == 3
    assert "Borrador" not in {p["title"] for p in data["projects"]}


def test_open_data_writes_each_kind_of_value_plainly(client, world, settings):
    """Dates and instants in ISO 8601, a decimal budget without trailing zeros, an empty text
    as null (JSON) or an empty cell (CSV), the lists and the address, alike in both."""
    project = Project.objects.get(title="Asistente vecinal")
    Project.objects.filter(pk=project.pk).update(
        budget=Decimal("1500000.5000"), budget_currency="CLP", funding_source=""
    )
    project.refresh_from_db()
    data = json.loads(client.get(reverse("project_data_json")).content)
    record = next(p for p in data["projects"] if p["slug"] == project.slug)
    assert record["start_date"] == "2025-02-01" and record["end_date"] == "2025-12-31"
    assert record["budget"] == "1500000.5" and record["budget_currency"] == "CLP"
    assert record["funding_source"] is None and record["challenge"] is None
    assert record["published_at"] == project.published_at.isoformat()
    assert record["cities"] == ["cordoba", "rosario"] and record["countries"] == ["AR"]
    assert record["startups"] == [f"{world['ciudata'].slug}:provider"]
    path = reverse("project_detail", args=[project.slug])
    assert record["url"] == settings.SITE_URL + path
    response = client.get(reverse("project_data_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["slug"] == project.slug)
    assert (row["budget"], row["funding_source"], row["uses_ai"]) == ("1500000.5", "", "true")
    assert row["city_names"] == "Córdoba;Rosario" and row["url"] == record["url"]


def test_city_profile_lists_its_published_projects(client, world, la_serena):
    html = client.get(reverse("municipality_profile", args=[la_serena.slug])).content.decode()
    project = Project.objects.get(title="Triaje de permisos")
    url = reverse("project_detail", args=[project.slug])
    assert f'<a href="{url}">Triaje de permisos</a>' in html
    assert f"— {project.get_area_display()} · {project.get_status_display()}</span>" in html
    assert "Borrador" not in html
    # A project shared with other cities names them all.
    html = client.get(reverse("municipality_profile", args=["rosario"])).content.decode()
    assert "Asistente vecinal" in html and "Córdoba, Rosario</span>" in html


def test_home_page_panel(client, world):
    html = client.get(reverse("home")).content.decode()
    assert "Triaje de permisos" in html and "3 collaborative projects" in html
    shared = Project.objects.get(title="Asistente vecinal")
    assert f"— Córdoba, Rosario · {shared.get_status_display()}</span>" in html
    assert "Borrador" not in html


# --- Constant queries ---------------------------------------------------------------------


def build_many(count: int, cities, startups) -> Project:
    project = None
    for n in range(count):
        project = build_project(
            cities[n % len(cities) :][:2] or cities[:1],
            startups[n % len(startups) :][:2],
            title=f"Proyecto {n}",
            visibility=Project.Visibility.PUBLISHED if n % 4 else Project.Visibility.DRAFT,
        )
    return project


def pages(project) -> list[tuple[str, str]]:
    """(who may open it: public, officer or staff; its address)."""
    return [
        ("public", reverse("project_directory")),
        ("public", reverse("project_directory") + "?q=proyecto&country=CL&year=2025"),
        ("public", reverse("project_detail", args=[project.slug])),
        ("public", reverse("project_history", args=[project.slug])),
        ("public", reverse("project_data_csv")),
        ("public", reverse("project_data_json")),
        ("public", reverse("home")),
        ("public", reverse("municipality_profile", args=["la-serena"])),
        ("staff", reverse("staff_projects")),
        ("staff", reverse("staff_project_withdraw", args=[project.slug])),
        ("officer", reverse("officer_dashboard")),
        ("officer", reverse("project_create")),
        ("officer", reverse("project_edit", args=[project.slug])),
        ("officer", reverse("project_status", args=[project.slug])),
    ]


def test_pages_run_the_same_number_of_queries_for_n_and_3n_projects(
    client, la_serena, penalolen, staff, officer
):
    cities = [la_serena, penalolen, *MunicipalityFactory.create_batch(3, chapter=la_serena.chapter)]
    startups = [build_startup() for _ in range(3)]
    OfficerFactory(municipality=penalolen, user=officer)
    counts = []
    for total in (4, 12):
        project = build_many(total - Project.objects.count(), cities, startups)
        Project.objects.filter(pk=project.pk).update(visibility="published")
        ProjectCity.objects.get_or_create(project=project, municipality=la_serena)
        for n in range(total // 2):
            ProjectRevision.objects.create(
                project=project, author=officer, changes={"title": {"old": str(n), "new": "x"}}
            )
        row = []
        for role, user in (("public", None), ("officer", officer), ("staff", staff)):
            client.logout()
            if user:
                client.force_login(user)
            for index, (kind, url) in enumerate(pages(project)):
                if kind != "public" and (user is None or kind != role):
                    continue
                row.append((role, index, page_queries(client, url)))
        counts.append(row)
    assert counts[0] == counts[1]
