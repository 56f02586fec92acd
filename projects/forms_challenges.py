"""Validation only: the forms of challenges and of their public list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coalition.widgets import FastSelect, FlatChoices
from municipalities.models import Country
from projects.models import Area, Challenge


class ChallengeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Cities that publish it"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Your own cities; the staff of a chapter may add any of its cities as co-authors."
        ),
    )
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    description = forms.CharField(
        label=_("The problem, in plain words"), max_length=5000, widget=forms.Textarea
    )
    affected = forms.CharField(
        label=_("Who is affected"), max_length=2000, required=False, widget=forms.Textarea
    )
    data_available = forms.CharField(
        label=_("Data available"), max_length=2000, required=False, widget=forms.Textarea
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Challenge.Status.choices,
        help_text=_(
            "A draft is seen only by its cities' officers and the staff; open and "
            "addressed challenges are public."
        ),
    )

    def __init__(self, *args, cities, instance: Challenge | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "municipalities": [c.pk for c in instance.municipalities.all()],
                "area": instance.area,
                "description": instance.description,
                "affected": instance.affected,
                "data_available": instance.data_available,
                "status": instance.status,
            }
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = cities

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Write a title."))
        return title


class ChallengeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    # Written in Python (FastSelect): the city select has an option for every city with a
    # public challenge.
    area = forms.ChoiceField(label=_("Area"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    city = forms.ChoiceField(label=_("City"), required=False, widget=FastSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=FastSelect)

    def __init__(self, data, *, cities, **kwargs):
        """`cities`: (slug, name) pairs."""
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        self.fields["area"].choices = anything + list(Area.choices)
        public = [(status.value, status.label) for status in Challenge.PUBLIC_STATUSES]
        self.fields["status"].choices = anything + public
        self.fields["city"].choices = FlatChoices(anything + list(cities))
        self.fields["country"].choices = anything + list(Country.choices)

    def filters(self) -> dict:
        keys = ("q", "area", "status", "city", "country")
        if not self.is_bound:
            return dict.fromkeys(keys, "")
        self.is_valid()
        return {key: (self.cleaned_data.get(key) or "").strip() for key in keys}
