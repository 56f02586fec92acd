"""`FastSelect` writes what Django's own select writes (same options, escaping and selection),
and `FlatChoices` is taken by a ChoiceField as it is (validation unchanged)."""

from __future__ import annotations

import re

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from coalition.widgets import FastSelect, FlatChoices

CHOICES = [
    ("", _("Any")),
    ("a&b", 'Quote " and <tag> & ampersand'),
    ("maipu", "Maipú"),
    ("safe", mark_safe("<b>kept</b>")),
    (3, "A number"),
    ("maipu", "Twice, not selected twice"),
]


def normalise(html: str) -> str:
    """Whitespace between tags and the order of the select's two attributes aside."""
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r'<select name="(\w+)" id="(\w+)"', r'<select id="\2" name="\1"', html)


def test_fast_select_writes_what_django_writes():
    for value in ["", "maipu", "a&b", "3", "unknown", None]:
        django_select = forms.Select(choices=CHOICES)
        fast = FastSelect(choices=CHOICES)
        expected = django_select.render("city", value, {"id": "id_city"})
        assert normalise(fast.render("city", value, {"id": "id_city"})) == normalise(expected)


class CityForm(forms.Form):
    city = forms.ChoiceField(required=False, widget=FastSelect)

    def __init__(self, data=None, *, cities=()):
        super().__init__(data)
        self.fields["city"].choices = FlatChoices([("", "Any"), *cities])


def test_flat_choices_validate_and_render_like_a_list():
    cities = [("maipu", "Maipú"), ("cordoba", "Córdoba")]
    form = CityForm({"city": "cordoba"}, cities=cities)
    assert form.is_valid()
    assert form.cleaned_data["city"] == "cordoba"
    assert '<option value="cordoba" selected>Córdoba</option>' in str(form["city"])
    refused = CityForm({"city": "nowhere"}, cities=cities)
    assert not refused.is_valid()
    assert list(refused.fields["city"].choices) == [("", "Any"), *cities]
    # A second form is not affected by the first one's choices.
    assert list(CityForm().fields["city"].choices) == [("", "Any")]
