"""The pydantic schemas of the municipalities' part of the API, built from what the API uses.

The record schema comes from `opendata.FIELDS` (so the downloads, the API and its OpenAPI
document share one field list); the filter parameters mirror `StrictDirectoryFilterForm`, the
form that reads them after pydantic (its choices are the enums, its lengths the maxLengths;
the chapters, programmes and regions that exist now are declared when the document is built).
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field

from coalition.api import current_enum, list_schema, model_from_fields, page_schema
from coalition.api.schemas import TEXT_PATTERN
from coalition.models import Chapter
from municipalities import opendata, selectors
from municipalities.forms import DirectoryFilterForm
from municipalities.models import Country, Membership, Programme

# A slug as `Municipality.slug` (a SlugField) holds it.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]

Municipality = model_from_fields("Municipality", opendata.FIELDS)
MunicipalityPage = page_schema(Municipality, "MunicipalityPage")
MunicipalityList = list_schema(Municipality, "MunicipalityList")


# --- Filters ---------------------------------------------------------------------------------

ANY_NOTE = _("Empty: any.")
LABELS = {name: field.label for name, field in DirectoryFilterForm.base_fields.items()}


def _describe(name: str, note, *, choices: bool = True):
    """The form's label, then a note (and "Empty: any." for a choice), in the reader's
    language when the document is built."""
    if choices:
        return format_lazy("{}. {} {}", LABELS[name], note, ANY_NOTE)
    return format_lazy("{}. {}", LABELS[name], note)


def _chapters() -> list[str]:
    return list(Chapter.objects.order_by("name").values_list("slug", flat=True))


def _programmes() -> list[str]:
    return list(Programme.objects.order_by("name").values_list("slug", flat=True))


def _regions() -> list[str]:
    return sorted({region for _country, region in selectors.listed_regions()})


CountryCode = Literal[("", *Country.values)]
StatusCode = Literal[("", *Membership.Status.values)]
PopulationBand = Literal[("", *(key for key, *_rest in selectors.POPULATION_BANDS))]
SortKey = Literal[tuple(selectors.SORTS)]


class MunicipalityFilters(BaseModel):
    """The member directory's filters. The values that pass here are then read by the
    directory's own form (`StrictDirectoryFilterForm`), which also checks them against the
    chapters, programmes and regions that exist."""

    q: str = Field(
        "",
        pattern=TEXT_PATTERN,
        max_length=DirectoryFilterForm.base_fields["q"].max_length,
        description=_describe(
            "q",
            _("Words to find in the name, region or province; case and accents ignored."),
            choices=False,
        ),
    )
    country: CountryCode = Field(
        "", description=_describe("country", _("ISO 3166-1 alpha-2 country code."))
    )
    region: str = Field(
        "",
        max_length=DirectoryFilterForm.base_fields["region"].max_length,
        description=_describe(
            "region", _("Exact region or province name, one that has a listed municipality.")
        ),
        json_schema_extra=current_enum("municipalities.regions", _regions),
    )
    chapter: str = Field(
        "",
        description=_describe(
            "chapter", _("Chapter slug: municipalities with a membership in that chapter.")
        ),
        json_schema_extra=current_enum("municipalities.chapters", _chapters),
    )
    status: StatusCode = Field(
        "",
        description=_describe(
            "status",
            _("Membership status; with chapter, the status in that chapter, else in any chapter."),
        ),
    )
    programme: str = Field(
        "",
        description=_describe("programme", _("Programme slug.")),
        json_schema_extra=current_enum("municipalities.programmes", _programmes),
    )
    population: PopulationBand = Field(
        "",
        description=_describe(
            "population",
            _(
                "Population band: small (< 50,000), medium (50,000 to 199,999), "
                "large (200,000 to 499,999), xlarge (500,000 or more), unknown."
            ),
        ),
    )
    stale: bool = Field(
        False,
        description=_describe(
            "stale", _("Only profiles not updated for more than a year."), choices=False
        ),
    )
    active_project: bool = Field(
        False,
        description=_describe(
            "active_project",
            _(
                "Only cities with a published collaborative AI project with a startup active "
                "this year (the yearly commitment)."
            ),
            choices=False,
        ),
    )
    sort: SortKey = Field(
        "name", description=_describe("sort", _("Order of the results."), choices=False)
    )
