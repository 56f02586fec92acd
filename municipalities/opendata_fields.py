"""The fields of a member municipality's public open data, declared once.

`FIELDS` is the single definition of what the portal publishes about a municipality: the CSV
and JSON downloads, the JSON API (its pydantic schema, municipalities/schemas.py, is built from
these fields, and the OpenAPI document from that schema) and the documentation page are all
built from it, so a field is added, renamed or described in this one place. Each field reads
its value from a row of plain values through its `Getter`; municipalities/opendata.py builds
the rows and records and writes the CSV cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coalition.links import slug_url_maker
from municipalities.models import Country, Membership, Municipality

# A row: the values of `opendata.COLUMNS` for one municipality, plus its related lists under
# RELATED_COLUMNS.
Row = Mapping[str, Any]
RELATED_COLUMNS = ("memberships", "programmes")


# JSON Schema types and formats as the documentation page names them.
TYPE_WORDS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("decimal number"),
    "boolean": _("true or false"),
    "object": _("record"),
}
FORMAT_WORDS = {
    "uri": _("web address"),
    "date": _("date"),
    "date-time": _("date and time"),
    "email": _("e-mail address"),
}


@dataclass(frozen=True)
class Getter:
    """Reads a field from a row: the `column` (a `values()` path such as "chapter__slug", or
    a related list), turned into its JSON value by `convert`."""

    column: str
    convert: Callable[[Any], Any] | None = None  # None: the column's value as it is
    # The same conversion of a whole column at once, for the downloads (thousands of rows,
    # municipalities/downloads.py); None: `convert` called on each value.
    convert_many: Callable[[Sequence[Any]], list] | None = None

    def __call__(self, row: Row) -> Any:
        value = row[self.column]
        return value if self.convert is None else self.convert(value)

    def convert_column(self, values: Sequence[Any]) -> Sequence[Any]:
        """The JSON values of a column's values (in the same order)."""
        if self.convert is None:
            return values
        if self.convert_many is not None:
            return self.convert_many(values)
        convert = self.convert
        return [convert(value) for value in values]


@dataclass(frozen=True)
class OpenDataField:
    """One published field.

    `type` is a JSON Schema type ("string", "integer", "number", "boolean", "array");
    `nullable` fields are null in JSON and empty in CSV when the municipality has not given
    the value. `schema` holds extra JSON Schema keywords (format, enum, items, minimum,
    maximum): the API's pydantic schema is made from `type`, `nullable` and `schema`.
    """

    name: str
    type: str
    description: Any  # a lazy translation
    get: Getter
    nullable: bool = False
    schema: dict = field(default_factory=dict)

    @property
    def type_label(self) -> str:
        """The type in words of the reader's language, e.g. "whole number, may be empty"
        (the JSON Schema names stay in the schema itself)."""
        if self.type == "array":
            items = self.schema["items"].get("type", "object")
            label = gettext("list of %(items)s") % {"items": TYPE_WORDS.get(items, items)}
        elif "format" in self.schema:
            label = str(FORMAT_WORDS.get(self.schema["format"], TYPE_WORDS.get(self.type)))
        else:
            label = str(TYPE_WORDS.get(self.type, self.type))
        return gettext("%(type)s, may be empty") % {"type": label} if self.nullable else label


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _blanks_to_none(values: Sequence[str | None]) -> list[str | None]:
    return [value or None for value in values]


def _text(column: str) -> Getter:
    """A text field that may be blank: null when not given."""
    return Getter(column, _blank_to_none, _blanks_to_none)


def _value(column: str) -> Getter:
    return Getter(column)


def _to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _to_floats(values: Sequence[Decimal | None]) -> list[float | None]:
    return [None if value is None else float(value) for value in values]


def _coordinate(column: str) -> Getter:
    return Getter(column, _to_float, _to_floats)


def profile_url(slug: str) -> str:
    return _profile_url_maker(settings.SITE_URL, get_script_prefix())(slug)


def profile_urls(slugs: Sequence[str]) -> list[str]:
    url = _profile_url_maker(settings.SITE_URL, get_script_prefix())
    return [url(slug) for slug in slugs]


@lru_cache(maxsize=8)
def _profile_url_maker(site_url: str, _script_prefix: str) -> Callable[[str], str]:
    """The absolute profile address of a slug, reversed once per site URL and script prefix
    rather than once per row (a city's record is also written one at a time)."""
    return slug_url_maker("municipality_profile", prefix=site_url)


MEMBERSHIP_SCHEMA = {
    "title": "MunicipalityMembership",
    "type": "object",
    "required": ["chapter", "status", "founding_member", "joined_on"],
    "properties": {
        "chapter": {"type": "string", "description": _("Slug of the chapter.")},
        "status": {"type": "string", "enum": list(Membership.Status.values)},
        "founding_member": {"type": "boolean"},
        "joined_on": {
            "type": ["string", "null"],
            "format": "date",
            "description": _("Date the municipality joined the chapter, if known."),
        },
    },
}

FIBRE_VALUES = [value for value in Municipality.Fibre.values if value]
YEAR = {"minimum": 1800, "maximum": 2100}

FIELDS: list[OpenDataField] = [
    OpenDataField(
        "slug",
        "string",
        _("Stable identifier of the municipality, used in its web address."),
        _value("slug"),
    ),
    OpenDataField("name", "string", _("Name of the municipality."), _value("name")),
    OpenDataField(
        "country",
        "string",
        _("Country, as an ISO 3166-1 alpha-2 code: CL (Chile) or AR (Argentina)."),
        _value("country"),
        schema={"enum": list(Country.values)},
    ),
    OpenDataField(
        "region", "string", _("Region (Chile) or province (Argentina)."), _text("region"), True
    ),
    OpenDataField(
        "province",
        "string",
        _("Province (Chile) or department or district (Argentina)."),
        _text("province"),
        True,
    ),
    OpenDataField(
        "population",
        "integer",
        _("Number of inhabitants."),
        _value("population"),
        True,
        {"minimum": 1},
    ),
    OpenDataField(
        "population_source",
        "string",
        _("Source of the population figure, e.g. a census."),
        _text("population_source"),
        True,
    ),
    OpenDataField(
        "population_year",
        "integer",
        _("Year of the population figure."),
        _value("population_year"),
        True,
        YEAR,
    ),
    OpenDataField(
        "latitude",
        "number",
        _("Latitude in decimal degrees (WGS 84); south is negative."),
        _coordinate("latitude"),
        True,
        {"minimum": -90, "maximum": 90},
    ),
    OpenDataField(
        "longitude",
        "number",
        _("Longitude in decimal degrees (WGS 84); west is negative."),
        _coordinate("longitude"),
        True,
        {"minimum": -180, "maximum": 180},
    ),
    OpenDataField(
        "official_website",
        "string",
        _("Official website of the municipality."),
        _text("official_website"),
        True,
        {"format": "uri"},
    ),
    OpenDataField(
        "description",
        "string",
        _("Short description, by the municipality."),
        _text("description"),
        True,
    ),
    OpenDataField("mayor", "string", _("Name of the mayor."), _text("mayor"), True),
    OpenDataField(
        "mayor_term_start",
        "integer",
        _("Year the mayor's term started."),
        _value("mayor_term_start"),
        True,
        YEAR,
    ),
    OpenDataField(
        "mayor_term_end",
        "integer",
        _("Year the mayor's term ends."),
        _value("mayor_term_end"),
        True,
        YEAR,
    ),
    OpenDataField(
        "innovation_unit_name",
        "string",
        _("Name of the unit in charge of innovation."),
        _text("innovation_unit_name"),
        True,
    ),
    OpenDataField(
        "innovation_unit_head",
        "string",
        _("Name of the head of the innovation unit."),
        _text("innovation_unit_head"),
        True,
    ),
    OpenDataField(
        "innovation_team_size",
        "integer",
        _("Number of people in the innovation team."),
        _value("innovation_team_size"),
        True,
        {"minimum": 0},
    ),
    OpenDataField(
        "innovation_contact_email",
        "string",
        _("Public contact e-mail address of the innovation unit."),
        _text("innovation_contact_email"),
        True,
        {"format": "email"},
    ),
    OpenDataField(
        "has_digital_plan",
        "boolean",
        _("Whether the municipality has a digital transformation plan."),
        _value("has_digital_plan"),
        True,
    ),
    OpenDataField(
        "digital_plan_year",
        "integer",
        _("Year the digital transformation plan was approved."),
        _value("digital_plan_year"),
        True,
        YEAR,
    ),
    OpenDataField(
        "digital_plan_url",
        "string",
        _("Link to the digital transformation plan."),
        _text("digital_plan_url"),
        True,
        {"format": "uri"},
    ),
    OpenDataField(
        "has_innovation_area",
        "boolean",
        _("Whether the municipality has a dedicated innovation or technology area."),
        _value("has_innovation_area"),
        True,
    ),
    OpenDataField(
        "fibre_connectivity",
        "string",
        _(
            "Fibre connectivity of the territory: none, partial (part of the territory) or "
            "full (most of the territory)."
        ),
        _text("fibre_connectivity"),
        True,
        {"enum": FIBRE_VALUES},
    ),
    OpenDataField(
        "online_procedures",
        "integer",
        _("Number of municipal procedures available online."),
        _value("online_procedures"),
        True,
        {"minimum": 0},
    ),
    OpenDataField(
        "ai_initiatives",
        "string",
        _(
            "Current artificial intelligence and data initiatives, as described by the "
            "municipality."
        ),
        _text("ai_initiatives"),
        True,
    ),
    OpenDataField(
        "chapter",
        "string",
        _("Slug of the chapter (national coalition) whose staff look after the profile."),
        Getter("chapter__slug"),
    ),
    OpenDataField(
        "memberships",
        "array",
        _(
            "Memberships in the chapters: chapter slug, status (candidate, member, suspended, "
            "former), whether a founding member, and date joined. In CSV, each membership is "
            "written chapter:status:founding_member:joined_on, separated by semicolons."
        ),
        Getter("memberships"),
        schema={"items": MEMBERSHIP_SCHEMA},
    ),
    OpenDataField(
        "programmes",
        "array",
        _(
            "Slugs of the programmes the municipality takes part in. In CSV, separated by "
            "semicolons."
        ),
        Getter("programmes"),
        schema={"items": {"type": "string"}},
    ),
    OpenDataField(
        "profile_updated_at",
        "string",
        _("When the profile was last updated (ISO 8601, UTC)."),
        Getter("profile_updated_at", lambda value: value.isoformat()),
        schema={"format": "date-time"},
    ),
    OpenDataField(
        "profile_url",
        "string",
        _("Address of the municipality's public profile on this portal."),
        Getter("slug", profile_url, profile_urls),
        schema={"format": "uri"},
    ),
]

FIELD_NAMES: list[str] = [f.name for f in FIELDS]
