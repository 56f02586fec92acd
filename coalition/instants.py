"""The one way to show an instant: in the time zone of the chapter it belongs to, with the
zone's readable name ("14:30, hora de Santiago"). Pages, e-mails and PDFs use it through the
`{% instant %}` tag (coalition/templatetags/coalition.py); chapter-less events (a staff
member's own sign-in, a site-wide change) use the site's default zone, named just the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import dates, formats
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

# Zones of the coalition's chapters and their neighbours, named as a reader says them.
ZONE_NAMES = {
    "America/Santiago": _("Santiago time"),
    "America/Argentina/Buenos_Aires": _("Buenos Aires time"),
    "America/Sao_Paulo": _("São Paulo time"),
    "America/Montevideo": _("Montevideo time"),
    "America/Asuncion": _("Asunción time"),
    "America/La_Paz": _("La Paz time"),
    "America/Lima": _("Lima time"),
    "America/Bogota": _("Bogotá time"),
    "America/Mexico_City": _("Mexico City time"),
    "Pacific/Easter": _("Easter Island time"),
    "America/Punta_Arenas": _("Punta Arenas time"),
    "UTC": _("UTC"),
}


def zone_of(where) -> str:
    """The zone name of a chapter, of anything with a `chapter`, or a zone name itself;
    the site's default when there is none."""
    if where is None or where == "":
        return settings.TIME_ZONE
    if isinstance(where, str):
        return where
    zone = getattr(where, "time_zone", None)
    if zone:
        return zone
    chapter = getattr(where, "chapter", None)
    return zone_of(chapter) if chapter is not None else settings.TIME_ZONE


def zone_name(where) -> str:
    """ "Santiago time": the readable name of a zone (translated); for a zone not listed,
    its city ("America/Caracas" -> "Caracas time")."""
    zone = zone_of(where)
    if zone in ZONE_NAMES:
        return str(ZONE_NAMES[zone])
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return gettext("%(city)s time") % {"city": city}


def in_zone(value: datetime | str | None, where) -> datetime | None:
    """`value` (an aware datetime or an ISO 8601 string, as e-mail tasks pass it) in the
    zone of `where`."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(ZoneInfo(zone_of(where)))
    except (TypeError, ValueError, ZoneInfoNotFoundError):
        return None


def format_instant(
    value: datetime | str | None, where, *, fmt: str = "DATETIME_FORMAT", with_zone: bool = True
) -> str:
    """ "1 de diciembre de 2026 a las 14:30 (hora de Santiago)" in the active language."""
    local = in_zone(value, where)
    if local is None:
        return ""
    return format_local(local, where, fmt=fmt, with_zone=with_zone)


def format_local(
    local: datetime, where, *, fmt: str = "DATETIME_FORMAT", with_zone: bool = True
) -> str:
    """`format_instant` of an instant already in the zone of `where`."""
    return local_formatter(where, fmt=fmt, with_zone=with_zone)(local)


def local_formatter(
    where, *, fmt: str = "DATETIME_FORMAT", with_zone: bool = True
) -> Callable[[datetime], str]:
    """`format_local` for many instants of one place (a column of a table): the language,
    the format and the zone's name are looked up once, not for every instant."""
    language = get_language()
    pieces = _format_pieces(language, fmt)
    before, after = _zone_wrapping(language, zone_of(where)) if with_zone else ("", "")

    def format_one(local: datetime) -> str:
        formatter = None
        parts = [before]
        for kind, piece in pieces:
            if kind is _LITERAL:
                parts.append(piece)
            elif kind is _FAST:
                parts.append(piece(local))
            else:
                formatter = formatter or DateFormat(local)
                parts.append(str(getattr(formatter, piece)()))
        parts.append(after)
        return "".join(parts)

    return format_one


# Pages list hundreds of instants (a call's applications, the audit log): what depends only
# on the language, the format and the zone is worked out once, not for every instant.


_LITERAL, _FAST, _DJANGO = "literal", "fast", "django"


@lru_cache(maxsize=128)
def _format_pieces(language: str, fmt: str) -> tuple[tuple[str, Any], ...]:
    """The localised format (`formats.date_format`'s) split into literal text and format
    characters, as `django.utils.dateformat.Formatter.format` splits it every time; the
    common characters become small functions (month names translated once), the others
    are left to Django's DateFormat."""
    fast = {
        "j": lambda local: str(local.day),
        "d": lambda local: f"{local.day:02d}",
        "n": lambda local: str(local.month),
        "m": lambda local: f"{local.month:02d}",
        "Y": lambda local: f"{local.year:04d}",
        "H": lambda local: f"{local.hour:02d}",
        "G": lambda local: str(local.hour),
        "i": lambda local: f"{local.minute:02d}",
    }
    months = [str(dates.MONTHS[number]) for number in range(1, 13)]
    fast["F"] = lambda local: months[local.month - 1]
    abbreviations = [str(dates.MONTHS_AP[number]) for number in range(1, 13)]
    fast["N"] = lambda local: abbreviations[local.month - 1]
    fast["P"] = _twelve_hour_clock()
    pieces: list[tuple[str, Any]] = []
    for index, piece in enumerate(re_formatchars.split(str(formats.get_format(fmt)))):
        if index % 2:
            pieces.append((_FAST, fast[piece]) if piece in fast else (_DJANGO, piece))
        elif piece:
            pieces.append((_LITERAL, re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def _twelve_hour_clock() -> Callable[[datetime], str]:
    """Django's "P" of English dates ("1 a.m.", "1:30 p.m.", "midnight", "noon"), its words
    translated once per language: they are asked of Django's formatter, so they stay Django's
    (tests/coalition/test_instant_formats.py compares the two)."""
    midnight = str(DateFormat(datetime(2000, 1, 1, 0, 0)).P())
    noon = str(DateFormat(datetime(2000, 1, 1, 12, 0)).P())
    am = str(DateFormat(datetime(2000, 1, 1, 1, 0)).a())
    pm = str(DateFormat(datetime(2000, 1, 1, 13, 0)).a())

    def clock(local: datetime) -> str:
        hour, minute = local.hour, local.minute
        if minute == 0 and hour in (0, 12):
            return noon if hour else midnight
        twelve = hour % 12 or 12
        hours_minutes = f"{twelve}:{minute:02d}" if minute else str(twelve)
        return f"{hours_minutes} {pm if hour > 11 else am}"

    return clock


@lru_cache(maxsize=128)
def _zone_wrapping(language: str, zone: str) -> tuple[str, str]:
    """What goes before and after the formatted instant: "%(when)s (%(zone)s)" translated."""
    marker = "\x00"
    wrapped = gettext("%(when)s (%(zone)s)") % {"when": marker, "zone": zone_name(zone)}
    before, _marker, after = wrapped.partition(marker)
    return before, after
