"""The staff's structure page of a call: requirements, extra questions and the rubric, as
formsets whose every row is validated exactly as its model (the rows are bulk-created by
`calls.call_setup.call_set_structure`, where no model validation runs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Criterion, CriterionLevel, EligibilityRequirement, Question


def model_formfield(model: type[models.Model], name: str, **kwargs) -> forms.Field:
    """The form field the model field itself builds, with its value limits written into the
    field (so the browser shows them): the model's Min/MaxValueValidators, and for integers
    the range of the column on PostgreSQL. SQLite stores 64-bit integers in any integer
    column, so without that bound a value accepted on the embedded database would fail in
    production."""
    model_field = model._meta.get_field(name)
    low, high = BaseDatabaseOperations.integer_field_ranges.get(
        model_field.get_internal_type(), (None, None)
    )
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    if low is not None:
        kwargs["min_value"] = max(low, kwargs.get("min_value", low))
    if high is not None:
        kwargs["max_value"] = min(high, kwargs.get("max_value", high))
    return model_field.formfield(**kwargs)


class RowForm(forms.ModelForm):
    """A formset row validated exactly as the model does: its fields are the model's own, and
    ModelForm's `_post_clean` runs `full_clean()` on the unsaved row (validators, column ranges
    of the database in use, choices), putting each error at its field. The rows are
    bulk-created later, where no model validation runs, so this is where it must happen."""


class RequirementForm(RowForm):
    class Meta:
        model = EligibilityRequirement
        fields = ["text", "evidence_requested"]


class QuestionForm(RowForm):
    # The select always posts a kind: an initial equal to the first option keeps a blank
    # extra row "unchanged", so the formset does not validate (and refuse) it. (With an
    # initial, the model field offers no blank choice.)
    kind = model_formfield(Question, "kind", initial=Question.Kind.SHORT_TEXT)
    word_limit = model_formfield(Question, "word_limit", min_value=1, required=False)
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Question
        fields = ["label", "kind", "help_text", "required", "word_limit", "choices"]

    def clean(self):
        cleaned = super().clean()
        lines = [line.strip() for line in cleaned.get("choices", "").splitlines() if line.strip()]
        if cleaned.get("kind") == Question.Kind.CHOICE and len(lines) < 2:
            self.add_error("choices", _("A single-choice question needs at least two choices."))
        cleaned["choices"] = lines if cleaned.get("kind") == Question.Kind.CHOICE else []
        if cleaned.get("kind") != Question.Kind.LONG_TEXT:
            cleaned["word_limit"] = None
        return cleaned


class CriterionForm(RowForm):
    weight = model_formfield(Criterion, "weight", label=_("Weight (%)"))
    levels = forms.CharField(
        label=_("Score levels"),
        help_text=_('One per line, as "score: what it means", e.g. "0: no plan".'),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Criterion
        fields = ["title", "description", "weight"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_levels(self) -> list[dict[str, Any]]:
        """Each line becomes a CriterionLevel, validated by the model before it is kept; an
        error names its line and keeps the text as typed (nothing is cut)."""
        levels, seen = [], set()
        for number, line in enumerate(self.cleaned_data["levels"].splitlines(), start=1):
            if not line.strip():
                continue
            score, sep, description = line.partition(":")
            score = score.strip()
            if not sep or not score.isascii() or not score.isdigit() or not description.strip():
                raise forms.ValidationError(
                    _('Line %(number)s should read "score: description".'),
                    params={"number": number},
                )
            level = CriterionLevel(score=int(score), description=description.strip())
            try:
                level.full_clean(exclude=["criterion"], validate_unique=False)
            except ValidationError as error:
                raise forms.ValidationError(
                    _("Line %(number)s: %(problem)s"),
                    params={"number": number, "problem": " ".join(error.messages)},
                ) from error
            if level.score in seen:
                raise forms.ValidationError(
                    _("The score %(score)s appears twice."), params={"score": level.score}
                )
            seen.add(level.score)
            levels.append({"score": level.score, "description": level.description})
        if len(levels) < 2:
            raise forms.ValidationError(_("Describe at least two score levels."))
        return levels


RequirementFormSet = forms.formset_factory(RequirementForm, extra=2, can_delete=True)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)


def structure_formsets(call: Call):
    """Unbound formsets showing the call's current requirements, questions and rubric."""
    requirements = RequirementFormSet(
        prefix="requirements",
        initial=[
            {"text": r.text, "evidence_requested": r.evidence_requested}
            for r in call.requirements.all()
        ],
    )
    questions = QuestionFormSet(
        prefix="questions",
        initial=[
            {
                "label": q.label,
                "kind": q.kind,
                "help_text": q.help_text,
                "required": q.required,
                "word_limit": q.word_limit,
                "choices": "\n".join(q.choices),
            }
            for q in call.questions.all()
        ],
    )
    criteria = CriterionFormSet(
        prefix="criteria",
        initial=[
            {
                "title": c.title,
                "description": c.description,
                "weight": c.weight,
                "levels": "\n".join(f"{lvl.score}: {lvl.description}" for lvl in c.levels.all()),
            }
            for c in call.criteria.all()
        ],
    )
    return requirements, questions, criteria


def formset_rows(formset) -> list[dict[str, Any]]:
    """Cleaned rows of a formset, without deleted and untouched extra forms."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
