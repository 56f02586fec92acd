"""Forms of the committee's results: validation only; services decide who may do what."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.review.models import CommitteeExport, Decision
from calls.review.ranking import SORT_KEYS


class RankingSortForm(forms.Form):
    sort = forms.ChoiceField(choices=[(key, key) for key in SORT_KEYS], required=False)
    order = forms.ChoiceField(choices=[("desc", "desc"), ("asc", "asc")], required=False)

    def ordering(self) -> tuple[str | None, bool]:
        if not self.is_valid():
            return None, True
        return self.cleaned_data["sort"] or None, self.cleaned_data["order"] != "asc"


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the committee decided so; kept in the record, not sent to the city."),
    )
    note_for_applicant = forms.CharField(
        label=_("Note for the applicant"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the city's officers with the decision when results are published."),
    )

    def clean_rationale(self) -> str:
        value = self.cleaned_data["rationale"].strip()
        if not value:
            raise forms.ValidationError(_("Every decision needs its rationale."))
        return value


class ProposeForm(forms.Form):
    publish_now = forms.BooleanField(
        label=_("Publish as soon as it is approved, before the announcement date"),
        required=False,
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=CommitteeExport.Kind.choices)
