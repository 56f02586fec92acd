"""The public open data of a project, defined once (like municipalities.opendata).

`FIELDS` is the single list of what the portal publishes about a published project; the CSV
and JSON downloads and the API are built from it. Rows are read as tuples and the cities and
startups of all rows with one query each: three queries whatever the number of projects. A
download has thousands of rows, so each field's values are made a column at a time
(`field_columns`); the JSON records are zipped from those columns, and the CSV is written
from them directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import pydantic_core
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coalition.csvexport import csv_columns, plain_decimal
from coalition.links import slug_url_maker
from projects.models import Project, ProjectCity, ProjectStartup

# The columns values() reads for each project.
VALUE_COLUMNS = [
    "id",
    "slug",
    "title",
    "area",
    "status",
    "uses_ai",
    "ai_technique",
    "problem",
    "solution",
    "summary",
    "start_date",
    "end_date",
    "budget",
    "budget_currency",
    "funding_source",
    "challenge__slug",
    "published_at",
    "updated_at",
]


# A value per row, by column of VALUE_COLUMNS and of the related lists (`field_columns`).
Columns = dict[str, Sequence[Any]]


@dataclass(frozen=True)
class OpenDataField:
    name: str
    description: Any
    column: Callable[[Columns], Sequence[Any]]  # the field's JSON values, one per row


# A download has thousands of rows: each field's values are made a column at a time, by a
# maker of the column's kind chosen where the field is declared, not by a call per row.
def _col(column: str, *, blank_is_null: bool = False) -> Callable[[Columns], Sequence[Any]]:
    """Text, a boolean or a slug as it is (an empty text as null with `blank_is_null`)."""
    if blank_is_null:
        return lambda columns: [value or None for value in columns[column]]
    return itemgetter(column)


def _iso(column: str) -> Callable[[Columns], list[str | None]]:
    """A date or an instant in ISO 8601."""
    return lambda columns: [
        None if value is None else value.isoformat() for value in columns[column]
    ]


def _decimal(column: str) -> Callable[[Columns], list[str | None]]:
    """A decimal number as plain text."""
    return lambda columns: [
        None if value is None else plain_decimal(value) for value in columns[column]
    ]


FIELDS: list[OpenDataField] = [
    OpenDataField("slug", _("Identifier of the project in the portal's addresses."), _col("slug")),
    OpenDataField("title", _("Title of the project."), _col("title")),
    OpenDataField(
        "cities",
        _("Slugs of the participating member cities (in CSV, separated by semicolons)."),
        itemgetter("_city_slugs"),
    ),
    OpenDataField(
        "city_names",
        _("Names of the participating cities (in CSV, separated by semicolons)."),
        itemgetter("_city_names"),
    ),
    OpenDataField(
        "countries",
        _("ISO codes of the countries of the participating cities."),
        lambda columns: [sorted(set(countries)) for countries in columns["_countries"]],
    ),
    OpenDataField(
        "startups",
        _(
            "Startups and their role, written slug:role (provider or co_developer); in CSV, "
            "separated by semicolons."
        ),
        itemgetter("_startups"),
    ),
    OpenDataField(
        "area",
        _("Area of municipal work (procedures, citizen_service, safety...)."),
        _col("area"),
    ),
    OpenDataField(
        "status",
        _("Status: idea, pilot, production, evaluated or retired."),
        _col("status"),
    ),
    OpenDataField(
        "uses_ai", _("Whether the project uses artificial intelligence."), _col("uses_ai")
    ),
    OpenDataField(
        "ai_technique",
        _("The AI technique, in plain words."),
        _col("ai_technique", blank_is_null=True),
    ),
    OpenDataField("problem", _("The problem, in plain words."), _col("problem")),
    OpenDataField("solution", _("The solution, in plain words."), _col("solution")),
    OpenDataField("summary", _("Public summary."), _col("summary")),
    OpenDataField("start_date", _("Start date (ISO 8601), if known."), _iso("start_date")),
    OpenDataField("end_date", _("End date (ISO 8601), if known."), _iso("end_date")),
    OpenDataField("budget", _("Budget, if published (decimal number)."), _decimal("budget")),
    OpenDataField(
        "budget_currency",
        _("Currency of the budget (CLP, ARS or USD)."),
        _col("budget_currency", blank_is_null=True),
    ),
    OpenDataField(
        "funding_source",
        _("Source of the funding."),
        _col("funding_source", blank_is_null=True),
    ),
    OpenDataField(
        "challenge",
        _("Slug of the challenge the project addresses, if any."),
        _col("challenge__slug"),
    ),
    OpenDataField(
        "published_at",
        _("When the project was first published (ISO 8601, UTC)."),
        _iso("published_at"),
    ),
    OpenDataField(
        "updated_at", _("When the project was last changed (ISO 8601, UTC)."), _iso("updated_at")
    ),
    # `field_columns` reverses the address once for all the rows.
    OpenDataField("url", _("Address of the project's public page."), itemgetter("_url")),
]
FIELD_NAMES = [f.name for f in FIELDS]


def field_columns(projects: QuerySet[Project]) -> list[Sequence[Any]]:
    """The records of `projects` as columns: a list of values per field of `FIELDS`, in their
    order, each value in the row order of `projects` (three queries)."""
    values = list(projects.values_list(*VALUE_COLUMNS))
    transposed = list(zip(*values, strict=True)) or [()] * len(VALUE_COLUMNS)
    columns: Columns = dict(zip(VALUE_COLUMNS, transposed, strict=True))
    # A page (the API's slice) sends its few ids; a whole download names its projects with a
    # subquery of the same filter, not with thousands of parameters to send and bind.
    ids = list(columns["id"]) if projects.query.is_sliced else projects.order_by().values("id")
    # Each project's cities (slugs, names, countries) and startups ("slug:role"), in the order
    # the records list them: read as tuples and grouped once. Sorted by project first, so the
    # database compares names (under its collation, the costly part) only within a project.
    city_slugs, city_names, countries, startups = (defaultdict(list) for _list in range(4))
    for project_id, slug, name, country in (
        ProjectCity.objects.filter(project_id__in=ids)
        .order_by("project_id", "municipality__name")
        .values_list(
            "project_id", "municipality__slug", "municipality__name", "municipality__country"
        )
    ):
        city_slugs[project_id].append(slug)
        city_names[project_id].append(name)
        countries[project_id].append(country)
    for project_id, slug, role in (
        ProjectStartup.objects.filter(project_id__in=ids)
        .order_by("project_id", "startup__name")
        .values_list("project_id", "startup__slug", "role")
    ):
        startups[project_id].append(f"{slug}:{role}")
    for name, by_project in (
        ("_city_slugs", city_slugs),
        ("_city_names", city_names),
        ("_countries", countries),
        ("_startups", startups),
    ):
        columns[name] = [by_project.get(pk, []) for pk in columns["id"]]
    url = slug_url_maker("project_detail", prefix=settings.SITE_URL)
    columns["_url"] = [url(slug) for slug in columns["slug"]]
    return [f.column(columns) for f in FIELDS]


def rows(projects: QuerySet[Project]) -> list[dict]:
    """The published projects of `projects` as records (three queries)."""
    columns = field_columns(projects)
    return [dict(zip(FIELD_NAMES, values, strict=True)) for values in zip(*columns, strict=True)]


def csv_text(projects: QuerySet[Project]) -> Iterator[str]:
    return csv_columns(FIELD_NAMES, field_columns(projects))


def json_document(records: list[dict]) -> bytes:
    """The JSON download: compact UTF-8, written by pydantic's serialiser (three to four
    times faster than the json module for 2,000 records; every value is already plain)."""
    return pydantic_core.to_json(
        {"licence": "CC BY 4.0", "count": len(records), "projects": records}
    )
