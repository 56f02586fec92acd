"""Validation only: forms of calls (staff) and applications (officers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.forms_structure import (  # noqa: F401 - the structure forms, as calls.forms had them
    CriterionForm,
    CriterionFormSet,
    QuestionForm,
    QuestionFormSet,
    RequirementForm,
    RequirementFormSet,
    RowForm,
    formset_rows,
    model_formfield,
    structure_formsets,
)
from calls.models import (
    Application,
    Call,
    Document,
    Question,
)
from calls.services import FORM_FIELDS
from municipalities.models import Municipality

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    """A call's own fields. Render and validate it inside `timezone.override(chapter zone)`
    so that the instants typed are read as the chapter's wall-clock time."""

    class Meta:
        model = Call
        fields = [
            "title",
            "slug",
            "summary",
            "objectives",
            "benefits",
            "commitments",
            "contact_email",
            "opens_at",
            "closes_at",
            "announces_at",
            "report_page_limit",
            "max_upload_mb",
            "max_annexes",
        ]
        widgets = {
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "announces_at": DATETIME_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "benefits": forms.Textarea(attrs={"rows": 5}),
            "commitments": forms.Textarea(attrs={"rows": 5}),
        }
        # "Slug" is jargon: say what it is.
        labels = {"slug": _("Address of the call page")}
        help_texts = {
            "slug": _(
                "The end of the page's web address, e.g. ciar-chile-2027: lowercase letters, "
                "digits and hyphens."
            )
        }

    def clean(self):
        cleaned = super().clean()
        opens, closes, announces = (
            cleaned.get("opens_at"),
            cleaned.get("closes_at"),
            cleaned.get("announces_at"),
        )
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        if closes and announces and announces < closes:
            self.add_error("announces_at", _("Results cannot be announced before the call closes."))
        return cleaned


class ApplicationStartForm(forms.Form):
    """Which municipality starts an application. Anything but the id of an existing
    municipality (text, a negative or huge number, nothing) is "no such municipality"."""

    municipality = forms.ModelChoiceField(queryset=Municipality.objects.all())


class ApplicationForm(forms.Form):
    """The registration form. Nothing is required while drafting (the completeness check
    at submission says what is missing); formats and limits are checked at every save."""

    contact_name = forms.CharField(label=_("Contact person"), max_length=160, required=False)
    contact_role = forms.CharField(
        label=_("Role of the contact person"), max_length=160, required=False
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    innovation_unit = forms.CharField(
        label=_("Innovation unit"),
        max_length=200,
        required=False,
        help_text=_("The unit, department or area dedicated to innovation or digital government."),
    )
    innovation_team = forms.CharField(
        label=_("The unit's team"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    digital_plan = forms.CharField(
        label=_("Digital transformation plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your plan, programme or policy: when it was approved, what it covers, a link."
        ),
    )
    initiatives = forms.CharField(
        label=_("Current digital and AI initiatives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why your municipality wants to join, and what it will contribute."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, application: Application, **kwargs):
        if not args and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(application)
        super().__init__(*args, **kwargs)
        self.application = application
        call = application.call
        for requirement in call.requirements.all():
            self.fields[f"requirement_{requirement.pk}"] = forms.BooleanField(
                label=requirement.text, required=False
            )
            if requirement.evidence_requested:
                self.fields[f"evidence_{requirement.pk}"] = forms.CharField(
                    label=_("Evidence"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        for question in call.questions.all():
            self.fields[f"question_{question.pk}"] = self.question_field(question)

    @staticmethod
    def initial_from(application: Application) -> dict[str, Any]:
        initial: dict[str, Any] = {f: getattr(application, f) for f in FORM_FIELDS}
        initial["version"] = application.version
        for key, declaration in application.declarations.items():
            initial[f"requirement_{key}"] = declaration.get("accepted", False)
            initial[f"evidence_{key}"] = declaration.get("evidence", "")
        for key, answer in application.answers.items():
            initial[f"question_{key}"] = answer
        return initial

    @staticmethod
    def question_field(question: Question) -> forms.Field:
        common = {"label": question.label, "help_text": question.help_text, "required": False}
        kind = question.kind
        if kind == Question.Kind.LONG_TEXT:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
            if question.word_limit:
                limit = question.word_limit
                field.help_text = " ".join(
                    filter(
                        None, [question.help_text, str(_("At most %(n)s words.") % {"n": limit})]
                    )
                )

                def within_limit(value, limit=limit):
                    words = len(value.split())
                    if words > limit:
                        raise forms.ValidationError(
                            _("%(words)s words; the limit is %(limit)s."),
                            params={"words": words, "limit": limit},
                        )

                field.validators.append(within_limit)
            return field
        if kind == Question.Kind.NUMBER:
            return forms.DecimalField(max_digits=14, decimal_places=2, **common)
        if kind == Question.Kind.CHOICE:
            return forms.ChoiceField(
                choices=[("", "—"), *[(c, c) for c in question.choices]], **common
            )
        if kind == Question.Kind.YES_NO:
            return forms.ChoiceField(
                choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
                **common,
            )
        return forms.CharField(max_length=300, **common)

    def requirement_fields(self):
        for requirement in self.application.call.requirements.all():
            evidence = f"evidence_{requirement.pk}"
            yield (
                requirement,
                self[f"requirement_{requirement.pk}"],
                self[evidence] if evidence in self.fields else None,
            )

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.application.call.questions.all()]

    def draft_data(self) -> dict[str, Any]:
        """What can be saved: every valid field. Invalid ones keep their stored value."""
        cleaned = self.cleaned_data
        data: dict[str, Any] = {f: cleaned[f] for f in FORM_FIELDS if f in cleaned}
        declarations = dict(self.application.declarations)
        for requirement in self.application.call.requirements.all():
            key = str(requirement.pk)
            entry = dict(declarations.get(key, {}))
            if f"requirement_{key}" in cleaned:
                entry["accepted"] = bool(cleaned[f"requirement_{key}"])
            if f"evidence_{key}" in cleaned:
                entry["evidence"] = cleaned[f"evidence_{key}"]
            declarations[key] = entry
        data["declarations"] = declarations
        answers = dict(self.application.answers)
        for question in self.application.call.questions.all():
            name = f"question_{question.pk}"
            if name in cleaned:
                value = cleaned[name]
                answers[str(question.pk)] = (
                    str(value) if value is not None and not isinstance(value, str) else value or ""
                )
        data["answers"] = answers
        return data


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=Document.Kind.choices, widget=forms.HiddenInput)
    # The letter or report the page showed in the slot (0: none). An upload from a page that
    # no longer shows the slot's current file is refused (see application_upload_document).
    replaces = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Ineligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the application is ineligible."),
    )

    def __init__(self, *args, **kwargs):
        # Shown on one page with ReopenForm, which also has a "reason": distinct ids keep
        # each label and help text tied to its own box.
        kwargs.setdefault("auto_id", "screen_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "ineligible" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason why the application is ineligible."))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The officers of the municipality will read it."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reopen_%s")  # see ScreeningForm
        super().__init__(*args, **kwargs)


class StaffApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Municipality"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Application.Status.choices]
    )
    # The verdict on the commitment letter's signature (calls.signatures).
    signature = forms.ChoiceField(
        label=_("Letter signature"),
        required=False,
        choices=[
            ("", _("Any")),
            *Document.Signature.choices,
            ("no_letter", _("No letter uploaded")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("municipality", _("Municipality")),
            ("region", _("Region")),
            ("status", _("Status")),
            ("submitted", _("Submitted at")),
        ],
    )
