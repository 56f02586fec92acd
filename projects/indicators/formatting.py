"""Indicator values as words: "45 days", "62.5 %", "Yes", in the reader's number format."""

from __future__ import annotations

from decimal import Decimal

from django.utils.dateformat import format as date_format_raw
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from projects.indicators.models import Indicator


def plain_number(value: Decimal | int | float) -> str:
    """The number without trailing zeros, localised (45, 26.5; 1.000.000 in Spanish)."""
    value = Decimal(value)
    integral = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if integral else value.normalize()
    return number_format(value, force_grouping=True)


def format_value(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if indicator.measure == Indicator.Measure.YES_NO:
        return _("Yes") if value == 1 else _("No")
    if indicator.measure == Indicator.Measure.PERCENTAGE:
        return f"{plain_number(value)} %"
    return f"{plain_number(value)} {indicator.unit}".strip()


def format_percent(percent: Decimal | None) -> str:
    if percent is None:
        return "—"
    return f"{plain_number(percent)} %"


def month_year(day) -> str:
    """ "Jan 2025" in English, "ene 2025" in Spanish, "jan 2025" in Portuguese: the month's
    localised abbreviation, capitalised as each language writes it (Django's "M" capitalises
    it in every language), so the format itself is translated."""
    if day is None:
        return ""
    # Translators: a date format (Django's date filter letters): M = "Jan", b = "jan", Y = 2025.
    return date_format(day, pgettext("short month and year", "M Y"))


def iso(day) -> str:
    return date_format_raw(day, "Y-m-d") if day else ""
