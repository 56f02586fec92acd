"""Form widgets rendered in Python, for forms shown on busy pages.

Django renders a select through its template engine, one included template per option: for
the directory's filters (about seventy options) that was a fifth of the page's time. `FastSelect`
writes the same HTML (attributes and escaping as Django's widget, one `selected` option)
directly; it supports flat choices only, which is what those forms use. Long lists of
choices (every city with a project) are given as `FlatChoices`, which Django does not
normalise again.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString


class FlatChoices(BaseChoiceIterator):
    """Flat (value, label) pairs, taken as they are by a `ChoiceField` and its widget: given
    a list, Django normalises it again for the field and for the widget on every form, one
    call per option (thousands for a select of cities)."""

    def __init__(self, pairs) -> None:
        self.pairs = list(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        wanted = {str(v) for v in self.format_value(value)}
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), _options(self.choices, wanted)
        )


def _escape(text) -> str:
    """`conditional_escape` without its per-call wrappers (thousands of options a page)."""
    if isinstance(text, SafeData):
        return str(text)
    return html.escape(str(text))


def _options(choices, wanted: set[str]) -> SafeString:
    """The `<option>`s of flat (value, label) choices; the first value in `wanted` is
    selected, as Django's single select marks one option. Escaped as Django escapes."""
    options = []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        if option_value in wanted:
            wanted = set()
            selected = " selected"
        else:
            selected = ""
        options.append(
            f'<option value="{_escape(option_value)}"{selected}>{_escape(label)}</option>'
        )
    return SafeString("".join(options))


def select_options(choices, selected: str) -> SafeString:
    """`<option>`s of (value, label) pairs with `selected` marked, for a select written in a
    template around them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )
