"""The register as open data, in the columns of the Eurocities Algorithmic Transparency Standard.

Column names follow the attribute names of the Algorithmic Transparency Standard v0.3.1, the
data schema for city algorithm registers published by Eurocities' Digital Forum Lab
(algorithmregister.org/standard, built on the Amsterdam and Helsinki registers and the Dutch
standard), wherever one of our fields maps to an attribute; the fields it has no attribute for
follow under our own names. `MAPPING` below is the table the README prints.

Every row comes from one `values()` query over the public entries: each latest version's
snapshot already holds the project's title, cities and startups as published.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse

from coalition.csvexport import csv_lines as write_csv
from projects.register.selectors import public_entries

STANDARD_VERSION = "0.3.1"
LANGUAGE = "es"

# Our project areas as the standard's `domain` values (its own fixed English list).
DOMAINS = {
    "procedures": "government",
    "citizen_service": "government",
    "safety": "public safety",
    "connectivity": "generic",
    "mobility": "traffic and transportation",
    "environment": "environment, spacial planning and water",  # sic, as the standard spells it
    "health": "health and health care",
    "education": "education and science",
    "social": "subsidies, benefits and allowances",
    "urban": "housing, living and living environment",
    "finance": "finance",
    "other": "generic",
}
STATUSES = {"in_development": "development", "in_use": "operational", "retired": "retired"}
RISK_CATEGORIES = {"minimal": "minimal risk", "limited": "limited risk", "high": "high risk"}
ALGORITHM_TYPES = {"self_learning": "self-learning", "rule_based": "rule-based", "hybrid": "hybrid"}


@dataclass(frozen=True)
class Column:
    name: str
    ours: str  # our field, as the README's mapping table names it
    get: Callable[[dict[str, Any]], Any]
    eurocities: bool = True  # whether `name` is an attribute of the standard


def _snap(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row["latest_version__snapshot"].get(name) or None


def _date(key: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda row: row[key].date().isoformat() if row.get(key) else None


def _cities(row: dict[str, Any]) -> list[str]:
    return [city["name"] for city in row["latest_version__snapshot"].get("cities", [])]


def _countries(row: dict[str, Any]) -> list[str]:
    countries = [city["country"] for city in row["latest_version__snapshot"].get("cities", [])]
    return sorted(set(countries))


def _mapped(name: str, table: dict[str, str]) -> Callable[[dict[str, Any]], str | None]:
    return lambda row: table.get(row["latest_version__snapshot"].get(name) or "")


def _assessments(part: str) -> Callable[[dict[str, Any]], list[str]]:
    return lambda row: [
        link.get(part, "")
        for link in row["latest_version__snapshot"].get("impact_assessments", [])
        if isinstance(link, dict)
    ]


def _url(name: str, slug: str) -> str | None:
    try:
        return settings.SITE_URL + reverse(name, args=[slug])
    except NoReverseMatch:
        return None


def _suppliers(part: str) -> Callable[[dict[str, Any]], list[str]]:
    return lambda row: [
        s.get(part, "") for s in row["latest_version__snapshot"].get("suppliers", [])
    ]


COLUMNS: list[Column] = [
    Column("standard_version", "(constant 0.3.1)", lambda row: STANDARD_VERSION),
    Column("uuid", "entry identifier", lambda row: str(row["uuid"])),
    Column("lang", "(constant es: entries are written in Spanish)", lambda row: LANGUAGE),
    Column("publication_date", "date of version 1", _date("first_published_at")),
    Column("last_change_date", "date of the latest version", _date("latest_version__published_at")),
    Column("revision_date", "next review due by", _snap("next_review_on")),
    Column("name", "project title", _snap("title")),
    Column("organization", "owner (the project's cities)", _cities),
    Column("department", "responsible unit", _snap("owner_unit")),
    Column("country", "cities' countries (ISO 3166-1 alpha-2)", _countries),
    Column("contact_email", "contact e-mail", _snap("contact_email")),
    Column("contact_name", "contact name", _snap("contact_name")),
    Column("description_short", "summary (layer 1; up to 600 characters)", _snap("summary")),
    Column(
        "website",
        "entry page on this portal",
        lambda row: _url("register_entry", row["project__slug"]),
    ),
    Column("status", "status", _mapped("status", STATUSES)),
    Column(
        "domain",
        "project area (mapped to the standard's list)",
        lambda row: DOMAINS.get(row["project__area"]),
    ),
    Column("area", "geographical area: the cities", _cities),
    Column("goal", "purpose", _snap("purpose")),
    Column("risks", "risks", _snap("risks")),
    Column("risk_category", "risk level", _mapped("risk_level", RISK_CATEGORIES)),
    Column("lawful_basis", "legal basis", _snap("legal_basis")),
    Column(
        "documentation",
        "project page on this portal",
        lambda row: _url("project_detail", row["project__slug"]),
    ),
    Column("source_data", "data sources", _snap("data_sources")),
    Column("algorithm_type", "type of algorithm", _mapped("algorithm_type", ALGORITHM_TYPES)),
    Column("methods_and_models", "kind of model", _snap("model_description")),
    Column("performance", "performance", _snap("performance")),
    Column("alternatives_considered", "alternatives considered", _snap("alternatives_considered")),
    Column("AIA_description", "impact assessments (titles)", _assessments("title")),
    Column("AIA_url", "impact assessments (addresses)", _assessments("url")),
    Column("monitoring", "how performance is monitored", _snap("monitoring")),
    Column("human_intervention", "human oversight", _snap("human_oversight")),
    Column(
        "objection_procedure", "how a resident can object or appeal", _snap("objection_procedure")
    ),
    # No attribute in the standard: our own names.
    Column(
        "project_slug", "project identifier on this portal", lambda row: row["project__slug"], False
    ),
    Column("version", "version number", lambda row: row["latest_version__number"], False),
    Column(
        "portal_area",
        "project area (the portal's own code)",
        lambda row: row["project__area"],
        False,
    ),
    Column("risk_mitigations", "mitigations", _snap("mitigations"), False),
    Column("expected_benefit", "expected benefit", _snap("expected_benefit"), False),
    Column("supplier", "supplier (the project's startups)", _suppliers("name"), False),
    Column("supplier_role", "supplier role (provider, co_developer)", _suppliers("role"), False),
    Column("procurement", "how it was procured", _snap("procurement"), False),
    Column(
        "personal_data",
        "uses personal data (true/false)",
        lambda row: row["latest_version__snapshot"].get("uses_personal_data"),
        False,
    ),
    Column("personal_data_description", "personal data used", _snap("personal_data"), False),
    Column("data_retention", "data retention", _snap("data_retention"), False),
    Column(
        "development_started_on", "development started on", _snap("development_started_on"), False
    ),
    Column("in_use_since", "in use since", _snap("in_use_since"), False),
    Column("retired_on", "retired on", _snap("retired_on"), False),
    Column(
        "change_note",
        "what changed in the latest version",
        lambda row: row["latest_version__change_note"] or None,
        False,
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
# Attributes of the standard with no field of ours (left out of the downloads).
NOT_MAPPED = [
    "contact_phone",
    "revision_note",
    "keywords",
    "remark",
    "decision_making_process",
    "impact",
    "proportionality",
    "training_data",
    "data_bias",
    "connected_data_sources",
    "DPIA_description",
    "DPIA_url",
    "description",
    "product_information",
    "codebase_url",
    "product_page",
    "type",
    "rollback",
]

VALUES = [
    "uuid",
    "first_published_at",
    "project__slug",
    "project__area",
    "latest_version__number",
    "latest_version__published_at",
    "latest_version__change_note",
    "latest_version__snapshot",
]


def rows():
    """One query, whatever the number of entries (values() streams no related objects)."""
    return public_entries().order_by("project__slug").values(*VALUES)


def record(row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: column.get(row) for column in COLUMNS}


def csv_lines() -> Iterator[str]:
    records = (record(row) for row in rows().iterator(chunk_size=500))
    return write_csv(COLUMN_NAMES, ([data[name] for name in COLUMN_NAMES] for data in records))


def json_chunks() -> Iterator[str]:
    yield (
        '{"standard": "Eurocities Algorithmic Transparency Standard", '
        f'"standard_version": "{STANDARD_VERSION}", "results": ['
    )
    separator = ""
    for row in rows().iterator(chunk_size=500):
        yield separator + json.dumps(record(row), cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ", "
    yield "]}"
