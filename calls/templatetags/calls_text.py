"""Text of a call written by staff as plain text, shown with its structure."""

from __future__ import annotations

import re

from django import template

register = template.Library()

# A bullet or a number that starts an item: "- ", "* ", "• ", "· ", dashes, "1. ", "2) ", "a) ".
_MARKER = re.compile(r"^\s*(?:[-*•·\u2013\u2014▪◦]|\d{1,2}[.)]|[a-zA-Z][)])\s+")
# Bullets run together on one line ("a • b • c") are items too.
_INLINE_BULLET = re.compile(r"\s+[•·▪]\s+")


@register.filter
def text_items(text: str) -> list[str]:
    """The items of a text written one per line, with or without bullets or numbers.

    Blank lines and the markers themselves are dropped; a text with one item is a list of one
    (the template shows it as a paragraph)."""
    items = []
    for line in (text or "").splitlines():
        for part in _INLINE_BULLET.split(line):
            item = _MARKER.sub("", part).strip()
            if item:
                items.append(item)
    return items
