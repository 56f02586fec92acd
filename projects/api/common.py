"""What the projects' API endpoints share: slugs in paths, a detail's 404, typing the open
data field lists, and plain JSON values (`coalition.api.strict` reads the filter forms)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.serializers.json import DjangoJSONEncoder
from pydantic import Field

from coalition.api import model_from_fields, not_found

SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
_ENCODER = DjangoJSONEncoder()


def the_one(records: list[dict], message: str) -> dict:
    """The record a detail endpoint found, or a 404 that says `message`."""
    if not records:
        raise not_found(message)
    return records[0]


_CONVERTED = (dt.date, dt.time, decimal.Decimal, uuid.UUID)


def jsonable(record: dict[str, Any]) -> dict[str, Any]:
    """A record's dates, instants, decimals and UUIDs as the downloads write them
    (DjangoJSONEncoder); lists of plain values are left as they are."""
    return {
        key: _ENCODER.default(value) if isinstance(value, _CONVERTED) else value
        for key, value in record.items()
    }


@dataclass(frozen=True)
class TypedField:
    """A field of an open data list (name and description from there) with its JSON type."""

    name: str
    description: Any
    type: str
    nullable: bool
    schema: dict


def typed(name: str, fields: Iterable[Any], types: dict[str, tuple]) -> type:
    """The pydantic model of records made by an open data field list (`fields`: objects with
    `name` and `description`), typed by `types`: name -> (type, nullable[, schema]). A field
    the list gains without a type here is published as any JSON value (tests/projects/
    test_api.py fails until it is typed)."""
    typed_fields = []
    for f in fields:
        type_, nullable, *rest = types.get(f.name, ("any", True))
        typed_fields.append(
            TypedField(f.name, f.description, type_, nullable, rest[0] if rest else {})
        )
    return model_from_fields(name, typed_fields)


# Shorthands for the type tables.
TEXT = ("string", False)
TEXT_OR_NULL = ("string", True)
TEXTS = ("array", False, {"items": {"type": "string"}})
URL = ("string", False, {"format": "uri"})
URL_OR_NULL = ("string", True, {"format": "uri"})
DATE_OR_NULL = ("string", True, {"format": "date"})
INSTANT = ("string", False, {"format": "date-time"})
INSTANT_OR_NULL = ("string", True, {"format": "date-time"})


def choice(values: Iterable[str], *, nullable: bool = False) -> tuple:
    return ("string", nullable, {"enum": list(values)})
