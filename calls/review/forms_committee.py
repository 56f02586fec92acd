"""Validation only: the forms of the committee pages (staff) and of reviewing (members)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.forms import DATETIME_WIDGET, model_formfield
from calls.models import Application, Call, CommitteeMember, Criterion
from calls.review.committee import founding_cities
from calls.review.models import ConflictDeclaration

# --- Staff ------------------------------------------------------------------------------------


class CommitteeSettingsForm(forms.ModelForm):
    """Render and validate inside `timezone.override(chapter zone)`, like `CallForm`, so that
    the deadline typed is the chapter's wall-clock time."""

    class Meta:
        model = Call
        fields = ["review_deadline", "reviewers_per_application", "review_load_cap"]
        widgets = {"review_deadline": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reviewers_per_application", "review_load_cap"):
            self.fields[name] = model_formfield(Call, name)

    def clean_review_deadline(self):
        deadline = self.cleaned_data.get("review_deadline")
        closes = self.instance.closes_at
        if deadline and closes and deadline <= closes:
            raise forms.ValidationError(_("The review deadline comes after the call closes."))
        return deadline


class NameMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Someone without an account gets an invitation to sign up."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CommitteeMember.Kind.choices, widget=forms.RadioSelect
    )
    municipality = forms.ModelChoiceField(
        label=_("Founding city (officials)"), queryset=None, required=False
    )
    affiliation = forms.CharField(label=_("Affiliation (experts)"), max_length=200, required=False)
    is_chair = forms.BooleanField(label=_("Chair of the committee"), required=False)

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = founding_cities(call)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == CommitteeMember.Kind.OFFICIAL and not cleaned.get("municipality"):
            self.add_error("municipality", _("An official represents a founding city: choose it."))
        if kind == CommitteeMember.Kind.EXPERT:
            cleaned["municipality"] = None
            if not cleaned.get("affiliation", "").strip():
                self.add_error("affiliation", _("Give the expert's affiliation."))
        return cleaned


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirm", _("Confirm: the member does not review this application")),
            ("dismiss", _("Dismiss: the member may review it")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BulkAssignForm(forms.Form):
    """Ids outside this call's active members and eligible applications are refused."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            CommitteeMember.objects.filter(call=call, withdrawn_at__isnull=True)
            .select_related("user")
            .order_by("pk")
        )
        self.fields["applications"].queryset = (
            Application.objects.filter(call=call, status=Application.Status.ELIGIBLE)
            .select_related("municipality")
            .order_by("municipality__name")
        )
        # The labels name the city and the person, not the call (one query each otherwise).
        self.fields["members"].label_from_instance = lambda member: str(member.user)
        self.fields["applications"].label_from_instance = lambda a: a.municipality.name


class PlanConfirmForm(forms.Form):
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)


# --- Members ----------------------------------------------------------------------------------


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind of conflict"),
        choices=[("", "—"), *ConflictDeclaration.Kind.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the coalition staff only."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_conflict") and not cleaned.get("kind"):
            self.add_error("kind", _("Choose the kind of conflict."))
        return cleaned


CANNOT_ASSESS = "na"


class ReviewForm(forms.Form):
    """One radio group per criterion (its levels and "cannot assess"), a comment per
    criterion, the comments, and the version the page was loaded at. Every choice is
    optional here: the service decides what a draft may leave open and what submitting needs.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    overall_comment = forms.CharField(
        label=_("Comment for the committee"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    applicant_note = forms.CharField(
        label=_("Note for the applicant (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The committee may pass it on to the city with the decision."),
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            choices = [(str(lvl.pk), str(lvl)) for lvl in criterion.levels.all()]
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.title,
                choices=[*choices, (CANNOT_ASSESS, _("I cannot assess it"))],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"c{criterion.pk}_comment"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.title},
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def review_data(self) -> dict[str, Any]:
        """What the service takes; fields that did not validate are left out."""
        data = self.cleaned_data
        scores = {}
        for criterion in self.criteria:
            choice = data.get(f"c{criterion.pk}") or ""
            scores[criterion.pk] = {
                "level": int(choice) if choice and choice != CANNOT_ASSESS else None,
                "cannot_assess": choice == CANNOT_ASSESS,
                "comment": data.get(f"c{criterion.pk}_comment", ""),
            }
        return {
            "overall_comment": data.get("overall_comment", ""),
            "applicant_note": data.get("applicant_note", ""),
            "scores": scores,
        }


def review_initial(review, scores: dict) -> dict[str, Any]:
    """The form's initial values from the stored review."""
    initial: dict[str, Any] = {"version": review.version if review else 0}
    if review is None:
        return initial
    initial["overall_comment"] = review.overall_comment
    initial["applicant_note"] = review.applicant_note
    for criterion_id, score in scores.items():
        choice = CANNOT_ASSESS if score.cannot_assess else (str(score.level_id or ""))
        initial[f"c{criterion_id}"] = choice
        initial[f"c{criterion_id}_comment"] = score.comment
    return initial
