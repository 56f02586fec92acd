from collections.abc import Callable
from datetime import datetime
from html import escape as escape_text
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coalition import audit, instants

register = template.Library()


@register.filter
def as_instant(value: str, time_zone: str) -> datetime | None:
    """An ISO 8601 instant (as passed to e-mail tasks) in the given time zone."""
    return instants.in_zone(value, time_zone)


@register.filter
def zone_name(where) -> str:
    """ "Santiago time" for a chapter, an object with a chapter, or a zone name."""
    return instants.zone_name(where)


@register.simple_tag
def instant(value, where=None, fmt: str = "DATETIME_FORMAT", zone: bool = True, html: bool = True):
    """An instant in the zone of the chapter it belongs to, with the zone's name:
    `{% instant call.closes_at call.chapter %}`; `where` may be a chapter, an object with a
    chapter, a zone name or nothing (the site's default). `html=False` for plain text (e-mail
    bodies, subjects, attributes)."""
    local = instants.in_zone(value, where)
    if local is None:
        return ""
    text = instants.format_local(local, where, fmt=fmt, with_zone=zone)
    if not html:
        return text
    return time_element(local, text)


def instant_formatter(where, fmt: str = "DATETIME_FORMAT") -> Callable[[datetime], SafeString]:
    """`{% instant value where %}` for many aware instants of one place (a column of a table
    with hundreds of rows), with the zone, the language and the format looked up once."""
    zone = ZoneInfo(instants.zone_of(where))
    text_of = instants.local_formatter(where, fmt=fmt)

    def format_one(value: datetime) -> SafeString:
        local = value.astimezone(zone)
        return time_element(local, text_of(local))

    return format_one


def time_element(local: datetime, text: str) -> SafeString:
    """`<time datetime="…">text</time>`; the text escaped, as format_html would (an ISO 8601
    instant has only digits and "-:.T+" to write: nothing to escape)."""
    return SafeString(f'<time datetime="{local.isoformat()}">{escape_text(text)}</time>')


@register.filter
def audit_sentence(event) -> str:
    """An audit event as a sentence: "Camila Rojas submitted the application of …"."""
    return audit.describe(event)


@register.filter
def audit_state(event, value: str) -> str:
    """A state of the event's target by its translated label."""
    return audit.state_label(event, value)


@register.simple_tag
def content_lang(chapter) -> str:
    """` lang="es"` for text written in a chapter's language (call texts, city profiles,
    answers), so that it is read with the right voice inside an English or Portuguese page:
    `<p{% content_lang call.chapter %}>{{ call.summary }}</p>`."""
    language = getattr(chapter, "default_language", "")
    return format_html(' lang="{}"', language) if language else ""
