"""Schemas every part of the API shares: the error, the page of results, its parameters.

The OpenAPI document is generated from these pydantic models, and the same models serialise
the responses, so the document cannot say one thing while the API does another.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

URI = {"format": "uri"}


# --- Shapes of the JSON Schema ------------------------------------------------------------


# Free text in a query (a search): anything but NUL, which no form accepts. Declared so
# that the document tells clients (and schemathesis) what the API refuses.
TEXT_PATTERN = r"^[^\x00]*$"


def type_lists_for_nullable(schema: dict[str, Any], *_args: Any) -> None:
    """Write a nullable property as OpenAPI 3.1 writes it, `"type": ["integer", "null"]`
    (with `null` among the enum values), rather than pydantic's `anyOf` of two schemas: the
    same meaning, and the spelling the document has always used, so clients generated from it
    do not change. Use as a model's `json_schema_extra`."""
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if not options or len(options) != 2 or {"type": "null"} not in options:
            continue
        other = next(option for option in options if option != {"type": "null"})
        if not isinstance(other.get("type"), str):
            continue  # a $ref or a union: leave pydantic's anyOf
        merged = {**other, **{k: v for k, v in prop.items() if k != "anyOf"}}
        merged["type"] = [other["type"], "null"]
        if "enum" in other:
            merged["enum"] = [*other["enum"], None]
        prop.clear()
        prop.update(merged)


class PublicModel(BaseModel):
    """Base of the published records: nullable fields as type lists."""

    model_config = ConfigDict(json_schema_extra=type_lists_for_nullable)


# --- Models from field lists --------------------------------------------------------------

_PYTHON_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": bool}
_CONSTRAINTS = {"minimum": "ge", "maximum": "le", "maxLength": "max_length"}
_EXTRA_KEYWORDS = ("format",)


def _field(type_: str | list[str], schema: dict[str, Any], name: str, description=None):
    """(annotation, FieldInfo) of a JSON-Schema-like declaration: a type (or [type, "null"]),
    enum, items, properties, minimum, maximum, maxLength, format."""
    nullable = isinstance(type_, list)
    if nullable:
        type_ = next(t for t in type_ if t != "null")
    if type_ == "array":
        items = schema["items"]
        annotation: Any = list[_field(items.get("type", "object"), items, name)[0]]
    elif type_ == "object":
        annotation = model_from_schema(schema.get("title", name), schema)
    elif "enum" in schema:
        annotation = Literal[tuple(value for value in schema["enum"] if value is not None)]
    else:
        annotation = _PYTHON_TYPES.get(type_, Any)  # "any": whatever JSON value
    if nullable:
        annotation = annotation | None
    kwargs = {keyword: schema[key] for key, keyword in _CONSTRAINTS.items() if key in schema}
    extra = {key: schema[key] for key in _EXTRA_KEYWORDS if key in schema}
    info = Field(
        description=description if description is not None else schema.get("description"),
        json_schema_extra=extra or None,
        **kwargs,
    )
    return annotation, info


def model_from_schema(name: str, schema: dict[str, Any]) -> type[BaseModel]:
    """A pydantic model for a JSON-Schema-like object (type, properties, required)."""
    fields = {
        prop: _field(details["type"], details, f"{name}{prop.title()}")
        for prop, details in schema["properties"].items()
    }
    return create_model(name, __base__=PublicModel, **fields)


def model_from_fields(name: str, fields: Iterable[Any]) -> type[BaseModel]:
    """The pydantic model of a published record from its field list (objects with `name`,
    `type`, `nullable`, `description` and `schema`, like municipalities.opendata.FIELDS): the
    one definition gives the downloads, the API's serialisation and its OpenAPI schema."""
    definitions = {}
    for f in fields:
        type_: str | list[str] = [f.type, "null"] if f.nullable else f.type
        definitions[f.name] = _field(type_, f.schema, f"{name}{f.name.title()}", f.description)
    return create_model(name, __base__=PublicModel, **definitions)


# --- Values that depend on the data, computed once per OpenAPI document ----------------------

_DOCUMENT_MEMO: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "api_document_memo", default=None
)


@contextmanager
def document_memo():
    """While the OpenAPI document is built: `memo()` computes each value once."""
    token = _DOCUMENT_MEMO.set({})
    try:
        yield
    finally:
        _DOCUMENT_MEMO.reset(token)


def memo(key: str, compute: Callable[[], Any]) -> Any:
    values = _DOCUMENT_MEMO.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]


def current_enum(key: str, values: Callable[[], Iterable[str]], *, empty: bool = True):
    """A `json_schema_extra` that declares the values a parameter accepts now (chapters,
    programmes: rows of the database), read when the document is built, once per document.
    `empty` adds "", which a form sends for "any"."""

    def extra(schema: dict[str, Any]) -> None:
        schema["enum"] = memo(key, lambda: [*([""] if empty else []), *values()])

    return extra


# --- Errors --------------------------------------------------------------------------------


# What every error of the API answers (no docstring: it would be the schema's description).
class Error(BaseModel):
    model_config = ConfigDict(title="Error")

    error: str = Field(description=_("A code: not_found, invalid_parameter, invalid_page..."))
    message: str = Field(description=_("What went wrong, in the language asked for."))
    fields: dict[str, list[str]] = Field(
        None,  # absent, never null: only a refusal of parameters has it
        description=_("For a refused parameter: its name and what is wrong."),
    )


ERROR_DESCRIPTIONS = {
    400: _("A parameter is not one this document allows; the error names it."),
    404: _("Nothing is published at this address."),
    405: _("This address is read-only: use GET."),
}


def responses(ok, ok_description, *errors: int, content: dict | None = None) -> dict:
    """`response` and `openapi_extra` for an operation: its 200 (a model; or None with the
    `content` of a non-JSON answer, e.g. {"text/csv": {"schema": {"type": "string"}}}) and
    the errors it may answer (every address answers 405 to other methods than GET, HEAD and
    OPTIONS)."""
    response = {**({200: ok} if ok is not None else {}), **{s: Error for s in (*errors, 405)}}
    descriptions = {200: ok_description, **ERROR_DESCRIPTIONS}
    extra = {"responses": {s: {"description": descriptions[s]} for s in (200, *errors, 405)}}
    if content is not None:
        extra["responses"][200]["content"] = content
    return {"response": response, "openapi_extra": extra}


# --- Pages of results ----------------------------------------------------------------------


def _whole_number(value: Any) -> Any:
    """Digits only: pydantic alone would take " 1", "1_000" or a full-width one."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("not a whole number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class PageParams(BaseModel):
    page: WholeNumber = Field(
        1, ge=1, description=_("Page number, from 1. A page after the last one is empty.")
    )
    page_size: WholeNumber = Field(
        PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=lazy(
            lambda: gettext("Results per page, at most %(max)d.") % {"max": MAX_PAGE_SIZE}, str
        )(),
    )


# The words of a refused page or page size (keyed by the parameter).
WHOLE_NUMBER_MESSAGES = {
    "page": lambda: gettext("%(name)s must be a whole number from 1.") % {"name": "page"},
    "page_size": lambda: (
        gettext("%(name)s must be a whole number from 1 to %(max)d.")
        % {"name": "page_size", "max": MAX_PAGE_SIZE}
    ),
}


def page_schema(item: type[BaseModel], name: str) -> type[BaseModel]:
    """The page of `item`s every list answers: {count, next, previous, results}."""
    link = (str | None, Field(json_schema_extra=URI))
    return create_model(
        name,
        __base__=PublicModel,
        count=(int, Field(ge=0)),
        next=link,
        previous=link,
        results=(list[item], ...),
    )


def list_schema(item: type[BaseModel], name: str) -> type[BaseModel]:
    """A whole download as one JSON document: {count, results}."""
    return create_model(name, count=(int, Field(ge=0)), results=(list[item], ...))


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    rows: QuerySet,
    paging: PageParams,
    records: Callable[[QuerySet], list[dict]],
) -> dict[str, Any]:
    """One page of `rows` (an ordered queryset) as `records` turns them into JSON: a count
    query, then whatever `records` costs for the page's slice. A page after the last is empty,
    and its previous link leads back to the last page with results."""
    count = rows.count()
    size = paging.page_size
    last = max(1, -(-count // size))
    number = paging.page
    if number > last:
        return {
            "count": count,
            "next": None,
            "previous": _page_link(request, last) if count else None,
            "results": [],
        }
    start = (number - 1) * size
    return {
        "count": count,
        "next": _page_link(request, number + 1) if number < last else None,
        "previous": _page_link(request, number - 1) if number > 1 else None,
        "results": records(rows[start : start + size]) if count else [],
    }
