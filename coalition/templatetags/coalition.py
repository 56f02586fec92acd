from datetime import datetime

from django import template
from django.utils.html import format_html

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
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), text)


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
