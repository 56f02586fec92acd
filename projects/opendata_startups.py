"""Open data of startups and challenges, each defined once as a field list.

Rows are read with `values()`, and each list-valued column (sectors, cities, projects) with
one more query for all rows: a fixed number of queries whatever the number of records. Only
what the public pages show is published: startups with a published project, challenges that
are open or addressed, and only published projects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coalition.csvexport import csv_lines
from projects.downloads import open_data_response
from projects.models import Challenge, Project, ProjectStartup, SectorTag
from projects.selectors_startups import public_startups


@dataclass(frozen=True)
class Field:
    name: str
    description: Any
    get: Callable[[dict], Any]


def _col(column: str) -> Callable[[dict], Any]:
    return lambda row: row[column]


def _absolute(name: str) -> Callable[[dict], str]:
    return lambda row: settings.SITE_URL.rstrip("/") + reverse(name, args=[row["slug"]])


# --- Startups ------------------------------------------------------------------------------

STARTUP_COLUMNS = [
    "id",
    "slug",
    "name",
    "country",
    "tax_id",
    "website",
    "description",
    "contact_name",
    "contact_email",
]
STARTUP_FIELDS = [
    Field("slug", _("Stable identifier of the startup"), _col("slug")),
    Field("name", _("Name"), _col("name")),
    Field("country", _("Country (ISO 3166-1 alpha-2; XX for another)"), _col("country")),
    Field("tax_id", _("Tax id (RUT or CUIT, canonical spelling)"), _col("tax_id")),
    Field("website", _("Website"), _col("website")),
    Field("description", _("Description"), _col("description")),
    Field("sectors", _("Sectors"), _col("sectors")),
    Field("contact_name", _("Public contact name"), _col("contact_name")),
    Field("contact_email", _("Public contact e-mail"), _col("contact_email")),
    Field("projects", _("Published projects (identifiers)"), _col("projects")),
    Field("url", _("Page on the portal"), _absolute("startup_detail")),
]


def startup_rows(startups: QuerySet | None = None) -> list[dict]:
    """The rows of `startups` (default: every public one, by name), three queries at most;
    the API reads a page of them the same way."""
    if startups is None:
        startups = public_startups().order_by("name", "pk")
    rows = list(startups.prefetch_related(None).values(*STARTUP_COLUMNS))
    ids = [row["id"] for row in rows]
    sectors: dict[int, list[str]] = defaultdict(list)
    projects: dict[int, list[str]] = defaultdict(list)
    if ids:
        through = SectorTag.startups.through.objects.filter(startup_id__in=ids)
        for startup_id, name in through.order_by("sectortag__name").values_list(
            "startup_id", "sectortag__name"
        ):
            sectors[startup_id].append(name)
        links = ProjectStartup.objects.filter(
            startup_id__in=ids, project__visibility=Project.Visibility.PUBLISHED
        ).order_by("project__slug")
        for startup_id, slug in links.values_list("startup_id", "project__slug"):
            projects[startup_id].append(slug)
    for row in rows:
        row["sectors"] = sectors[row["id"]]
        row["projects"] = projects[row["id"]]
    return rows


# --- Challenges ----------------------------------------------------------------------------

CHALLENGE_COLUMNS = [
    "id",
    "slug",
    "title",
    "area",
    "status",
    "description",
    "affected",
    "data_available",
    "published_at",
]
CHALLENGE_FIELDS = [
    Field("slug", _("Stable identifier of the challenge"), _col("slug")),
    Field("title", _("Title"), _col("title")),
    Field("area", _("Area (code)"), _col("area")),
    Field("status", _("Status: open or addressed"), _col("status")),
    Field("description", _("The problem"), _col("description")),
    Field("affected", _("Who is affected"), _col("affected")),
    Field("data_available", _("Data available"), _col("data_available")),
    Field("cities", _("Cities that publish it (identifiers)"), _col("cities")),
    Field("countries", _("Their countries"), _col("countries")),
    Field("projects", _("Published projects that address it (identifiers)"), _col("projects")),
    Field("published_at", _("First published at"), _col("published_at")),
    Field("url", _("Page on the portal"), _absolute("challenge_detail")),
]


def challenge_rows(challenges: QuerySet | None = None) -> list[dict]:
    """The rows of `challenges` (default: every open or addressed one, newest first), three
    queries at most; the API reads a page of them the same way."""
    if challenges is None:
        challenges = Challenge.objects.filter(status__in=Challenge.PUBLIC_STATUSES).order_by(
            "-published_at", "-pk"
        )
    rows = list(challenges.prefetch_related(None).values(*CHALLENGE_COLUMNS))
    ids = [row["id"] for row in rows]
    cities: dict[int, list[str]] = defaultdict(list)
    countries: dict[int, list[str]] = defaultdict(list)
    projects: dict[int, list[str]] = defaultdict(list)
    if ids:
        through = Challenge.municipalities.through.objects.filter(challenge_id__in=ids)
        for challenge_id, slug, country in through.order_by("municipality__name").values_list(
            "challenge_id", "municipality__slug", "municipality__country"
        ):
            cities[challenge_id].append(slug)
            if country not in countries[challenge_id]:
                countries[challenge_id].append(country)
        published = Project.objects.filter(
            challenge_id__in=ids, visibility=Project.Visibility.PUBLISHED
        ).order_by("slug")
        for challenge_id, slug in published.values_list("challenge_id", "slug"):
            projects[challenge_id].append(slug)
    for row in rows:
        row["cities"] = cities[row["id"]]
        row["countries"] = countries[row["id"]]
        row["projects"] = projects[row["id"]]
    return rows


# --- Rendering -----------------------------------------------------------------------------


def records(rows: list[dict], fields: list[Field]) -> Iterator[dict]:
    for row in rows:
        yield {f.name: f.get(row) for f in fields}


def as_csv(rows: list[dict], fields: list[Field]) -> str:
    names = [f.name for f in fields]
    return "".join(
        csv_lines(names, ([record[n] for n in names] for record in records(rows, fields)))
    )


def as_json(rows: list[dict], fields: list[Field]) -> str:
    return json.dumps(
        list(records(rows, fields)), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1
    )


def _download(content: str, *, name: str, content_type: str) -> HttpResponse:
    return open_data_response(content, filename=name, content_type=content_type)


def startups_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        as_csv(startup_rows(), STARTUP_FIELDS), name="startups.csv", content_type="text/csv"
    )


def startups_json(request: HttpRequest) -> HttpResponse:
    return _download(
        as_json(startup_rows(), STARTUP_FIELDS),
        name="startups.json",
        content_type="application/json",
    )


def challenges_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        as_csv(challenge_rows(), CHALLENGE_FIELDS), name="challenges.csv", content_type="text/csv"
    )


def challenges_json(request: HttpRequest) -> HttpResponse:
    return _download(
        as_json(challenge_rows(), CHALLENGE_FIELDS),
        name="challenges.json",
        content_type="application/json",
    )
