"""What a register entry holds, in the order and sections the public reads it.

One definition serves the snapshot a version freezes, the entry and version pages, the field
diffs of the history page and the edit form's fieldsets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Area, ProjectStartup
from projects.register.models import AlgorithmType, EntryStatus, RegisterEntry, RiskLevel

# The entry's own fields, copied into every snapshot.
ENTRY_FIELDS = [
    "summary",
    "owner_unit",
    "contact_name",
    "contact_email",
    "procurement",
    "purpose",
    "expected_benefit",
    "alternatives_considered",
    "legal_basis",
    "human_oversight",
    "objection_procedure",
    "data_sources",
    "uses_personal_data",
    "personal_data",
    "data_retention",
    "algorithm_type",
    "model_description",
    "performance",
    "monitoring",
    "risk_level",
    "risks",
    "mitigations",
    "impact_assessments",
    "status",
    "development_started_on",
    "in_use_since",
    "retired_on",
    "next_review_on",
]
DATE_FIELDS = {"development_started_on", "in_use_since", "retired_on", "next_review_on"}
CHOICES = {
    "algorithm_type": AlgorithmType,
    "risk_level": RiskLevel,
    "status": EntryStatus,
    "area": Area,
}
# Taken from the project when publishing (what it was at that moment).
PROJECT_FIELDS = ["title", "area", "cities", "suppliers"]
PROJECT_LABELS = {
    "title": _("Name"),
    "area": _("Area"),
    "cities": _("Owner (cities)"),
    "suppliers": _("Supplier"),
}
# Filled in before an entry may be published.
REQUIRED_TO_PUBLISH = [
    "summary",
    "contact_email",
    "purpose",
    "human_oversight",
    "objection_procedure",
    "data_sources",
    "uses_personal_data",
    "model_description",
    "risk_level",
    "status",
]


@dataclass(frozen=True)
class Section:
    key: str
    heading: Any
    fields: list[str]


# Layer 2, after the summary (layer 1).
SECTIONS = [
    Section(
        "owner",
        _("Owner and contact"),
        ["title", "cities", "owner_unit", "contact_name", "contact_email"],
    ),
    Section("supplier", _("Supplier and procurement"), ["suppliers", "procurement"]),
    Section(
        "purpose",
        _("Purpose and expected benefit"),
        ["area", "purpose", "expected_benefit", "alternatives_considered", "legal_basis"],
    ),
    Section(
        "oversight", _("Human oversight and appeal"), ["human_oversight", "objection_procedure"]
    ),
    Section(
        "data",
        _("Data used"),
        ["data_sources", "uses_personal_data", "personal_data", "data_retention"],
    ),
    Section(
        "model",
        _("Model, performance and monitoring"),
        ["algorithm_type", "model_description", "performance", "monitoring"],
    ),
    Section(
        "risks",
        _("Risks and mitigations"),
        ["risk_level", "risks", "mitigations", "impact_assessments"],
    ),
    Section(
        "status",
        _("Status and dates"),
        ["status", "development_started_on", "in_use_since", "retired_on", "next_review_on"],
    ),
]
ALL_FIELDS = ["summary"] + [name for section in SECTIONS for name in section.fields]


def label(name: str) -> str:
    if name in PROJECT_LABELS:
        return str(PROJECT_LABELS[name])
    return str(RegisterEntry._meta.get_field(name).verbose_name).capitalize()


def snapshot_of(entry: RegisterEntry) -> dict[str, Any]:
    """Every field of the entry and what it shows of its project, as JSON-ready values.
    The project's city and startup links must be prefetched (see selectors.entry_for_edit)."""
    project = entry.project
    data: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        value = getattr(entry, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    data["title"] = project.title
    data["area"] = project.area
    data["cities"] = [
        {
            "name": link.municipality.name,
            "slug": link.municipality.slug,
            "country": link.municipality.country,
        }
        for link in sorted(project.city_links.all(), key=lambda link: link.municipality.name)
    ]
    data["suppliers"] = [
        {"name": link.startup.name, "slug": link.startup.slug, "role": link.role}
        for link in sorted(project.startup_links.all(), key=lambda link: link.startup.name)
    ]
    return data


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, with both values (raw, as in the snapshots)."""
    if old is None:
        return {}
    return {
        name: {"old": old.get(name), "new": new.get(name)}
        for name in ALL_FIELDS
        if old.get(name) != new.get(name)
    }


def display(name: str, value: Any) -> Any:
    """A snapshot value as the reader sees it: words for codes, local dates, yes/no; lists
    stay lists (of strings or {"title", "url"} links) for the template to lay out."""
    if value in (None, "", []):
        return ""
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if name in DATE_FIELDS:
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if name == "uses_personal_data":
        return gettext("Yes") if value else gettext("No")
    if name == "cities":
        return [city["name"] for city in value]
    if name == "suppliers":
        roles = dict(ProjectStartup.Role.choices)
        return [f"{s['name']} ({roles.get(s['role'], s['role'])})" for s in value]
    if name == "impact_assessments":
        return [link for link in value if isinstance(link, dict)]
    return value


def display_text(name: str, value: Any) -> str:
    """A value as one line of text (for diffs): lists joined, links as their titles."""
    shown = display(name, value)
    if isinstance(shown, list):
        return "; ".join(
            f"{item.get('title', '')} <{item.get('url', '')}>" if isinstance(item, dict) else item
            for item in shown
        )
    return str(shown)


# How the entry page lays out a value (`text` for any other field): decided here once per
# field rather than by comparing field names in the template for every row.
LAYOUTS = {
    "impact_assessments": "links",
    "cities": "list",
    "suppliers": "list",
    "contact_email": "email",
}


def sections_for(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The detail layer of a snapshot: each section with its rows (name, label, shown value
    and its layout)."""
    return [
        {
            "key": section.key,
            "heading": section.heading,
            "rows": [
                {
                    "name": name,
                    "label": label(name),
                    "value": display(name, snapshot.get(name)),
                    "layout": LAYOUTS.get(name, "text"),
                }
                for name in section.fields
            ],
        }
        for section in SECTIONS
    ]


def missing_for_publication(entry: RegisterEntry) -> list[str]:
    """Labels of the fields still empty that publishing needs."""
    missing = []
    for name in REQUIRED_TO_PUBLISH:
        value = getattr(entry, name)
        if value is None or value == "":
            missing.append(label(name))
    return missing
