from datetime import datetime
from zoneinfo import ZoneInfo

from django import template

register = template.Library()


@register.filter
def as_instant(value: str, time_zone: str) -> datetime | None:
    """An ISO 8601 instant (as passed to e-mail tasks) in the given time zone."""
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(time_zone))
    except (TypeError, ValueError):
        return None
