from datetime import date

from django import template

register = template.Library()


@register.filter
def iso_date(value: str):
    """ "2026-03-31" -> a date, for e-mails whose context is JSON."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
