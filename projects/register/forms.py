"""Validation only: the forms of the AI register."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from coalition.widgets import FastSelect, FlatChoices
from municipalities.models import Country
from projects.models import Area
from projects.register.fields import ENTRY_FIELDS
from projects.register.models import EntryStatus, RegisterEntry, RiskLevel
from projects.register.selectors import RegisterFilters

MAX_IMPACT_ASSESSMENTS = 20


class RegisterFilterForm(forms.Form):
    """The register's query string. Unknown values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    city = forms.ChoiceField(label=_("City"), required=False, widget=FastSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    area = forms.ChoiceField(label=_("Area"), required=False, widget=FastSelect)
    risk = forms.ChoiceField(label=_("Risk level"), required=False, widget=FastSelect)

    def __init__(self, data, *, cities, **kwargs):
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        # Flat lists given as they are: Django would normalise each again, for the field and
        # for its widget, on every page.
        self.fields["city"].choices = FlatChoices(anything + list(cities))
        self.fields["country"].choices = FlatChoices(anything + Country.choices)
        self.fields["status"].choices = FlatChoices(anything + EntryStatus.choices)
        self.fields["area"].choices = FlatChoices(anything + Area.choices)
        self.fields["risk"].choices = FlatChoices(anything + RiskLevel.choices)

    def filters(self) -> RegisterFilters:
        if not self.is_bound:
            return RegisterFilters()
        self.is_valid()  # keeps the valid parts of a hand-edited address
        data = self.cleaned_data
        return RegisterFilters(
            q=data.get("q", "").strip(),
            city=data.get("city", ""),
            country=data.get("country", ""),
            status=data.get("status", ""),
            area=data.get("area", ""),
            risk=data.get("risk", ""),
        )


def parse_impact_assessments(text: str) -> list[dict[str, str]]:
    """One assessment a line: "Title | https://address" (or just the address)."""
    links = []
    check = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_IMPACT_ASSESSMENTS:
        raise ValidationError(
            _("Give at most %(count)s impact assessments."),
            params={"count": MAX_IMPACT_ASSESSMENTS},
        )
    for number, line in enumerate(lines, start=1):
        title, _sep, url = line.rpartition("|") if "|" in line else ("", "", line)
        title, url = title.strip(), url.strip()
        try:
            if len(url) > 500 or len(title) > 200:
                raise ValidationError("too long")
            check(url)
        except ValidationError:
            raise ValidationError(
                _(
                    "Line %(number)s: write a title, a vertical bar and a web address "
                    "starting with https:// (at most 200 and 500 characters)."
                ),
                params={"number": number},
            ) from None
        links.append({"title": title or url, "url": url})
    return links


def links_as_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link.get('title', '')} | {link.get('url', '')}" for link in links or [])


class RegisterEntryForm(forms.ModelForm):
    draft_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10**9)
    impact_assessments_text = forms.CharField(
        label=_("Impact assessments"),
        help_text=_(
            "One a line: a title, a vertical bar, and the web address of the published "
            "assessment. E.g. Data protection impact assessment | https://example.org/dpia.pdf"
        ),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = RegisterEntry
        fields = [name for name in ENTRY_FIELDS if name != "impact_assessments"]
        widgets = {
            "development_started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "in_use_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "retired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _(
                "For everyone: what the system does, why, and what it means for residents, in "
                "two or three plain sentences (at most 600 characters)."
            ),
            "owner_unit": _("The municipal unit responsible, e.g. Dirección de Obras."),
            "procurement": _("How the supplier was chosen: tender, direct contract, pilot..."),
            "objection_procedure": _("Where and how a resident asks for a human review."),
            "data_retention": _("How long the data is kept, and who may access it."),
            "model_description": _("E.g. a text classifier trained on past requests."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["impact_assessments_text"].initial = links_as_text(
                self.instance.impact_assessments
            )
        for name in ("development_started_on", "in_use_since", "retired_on", "next_review_on"):
            self.fields[name].widget.format = "%Y-%m-%d"

    def clean_impact_assessments_text(self) -> list[dict[str, str]]:
        return parse_impact_assessments(self.cleaned_data.get("impact_assessments_text", ""))

    def clean(self):
        cleaned = super().clean()
        started = cleaned.get("development_started_on")
        in_use = cleaned.get("in_use_since")
        retired = cleaned.get("retired_on")
        if started and in_use and in_use < started:
            self.add_error("in_use_since", _("It cannot be in use before development started."))
        for earlier in (started, in_use):
            if earlier and retired and retired < earlier:
                self.add_error("retired_on", _("It cannot be retired before it started."))
                break
        status = cleaned.get("status")
        if status == EntryStatus.IN_USE and not in_use:
            self.add_error("in_use_since", _("Give the date it has been in use since."))
        if status == EntryStatus.RETIRED and not retired:
            self.add_error("retired_on", _("Give the date it was retired."))
        if status != EntryStatus.RETIRED and retired:
            self.add_error("retired_on", _("Only a retired system has a retirement date."))
        return cleaned

    def entry_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["impact_assessments"] = self.cleaned_data["impact_assessments_text"]
        return data


class PublishForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed in this version"),
        help_text=_("Shown in the public history, e.g. 'Monitoring results of 2026 added'."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("withdraw", _("Withdraw from the register")), ("restore", _("Restore"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason for withdrawing (shown to the project's officers)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "withdraw" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for withdrawing the entry."))
        return cleaned
