"""Forms of the indicators: validation only (the services write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.pdfcheck import format_size
from coalition.csvexport import plain_decimal
from projects.indicators.csvio import MAX_BYTES, MAX_ROWS
from projects.indicators.models import (
    INDICATOR_FIELDS,
    Indicator,
    Measurement,
    Target,
    check_value,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        widgets = {
            "baseline_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "baseline_value": _(
                "The value before the project started. Percentages go from 0 to 100; for yes "
                "or no, enter 1 (yes) or 0 (no)."
            ),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project

    def clean(self):
        cleaned = super().clean()
        measure = cleaned.get("measure")
        if self.instance.pk and measure and measure != self.initial.get("measure"):
            for model, label in ((Target, _("target")), (Measurement, _("measurement"))):
                for value in model.objects.filter(indicator=self.instance).values_list(
                    "value", flat=True
                ):
                    try:
                        check_value(measure, value, "measure")
                    except forms.ValidationError:
                        self.add_error(
                            "measure",
                            _(
                                "A %(kind)s of this indicator (%(value)s) does not fit this "
                                "measure; correct it first."
                            )
                            % {"kind": label, "value": plain_decimal(value)},
                        )
                        return cleaned
        return cleaned

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Indicator.objects.filter(project=self.instance.project, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This project already has an indicator of that name."))
        return name


class PeriodValueForm(forms.ModelForm):
    """A period and a value of one indicator (a target or a measurement)."""

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.indicator = indicator
        self.fields["value"].help_text = value_help(indicator)


def value_help(indicator: Indicator) -> str:
    if indicator.measure == Indicator.Measure.PERCENTAGE:
        return _("A percentage from 0 to 100.")
    if indicator.measure == Indicator.Measure.YES_NO:
        return _("1 for yes, 0 for no.")
    if indicator.unit:
        return _("In %(unit)s.") % {"unit": indicator.unit}
    return ""


class TargetForm(PeriodValueForm):
    class Meta:
        model = Target
        fields = ["period_start", "period_end", "value"]
        widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET}
        labels = {"value": _("Target value")}


class MeasurementForm(PeriodValueForm):
    evidence_link = forms.URLField(
        label=_("Evidence link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Optional. A public page that shows the value."),
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF)"),
        required=False,
        help_text=_("Optional. A PDF of at most 10 MB, e.g. the report the value comes from."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Measurement
        fields = ["period_start", "period_end", "value", "method", "evidence_link"]
        widgets = {"period_start": DATE_WIDGET, "period_end": DATE_WIDGET}
        help_texts = {
            "method": _(
                'How the value was obtained, e.g. "Average of the permits closed '
                'in the period, from the permit system".'
            ),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if (
            start
            and end
            and Measurement.objects.filter(
                indicator=self.indicator, period_start=start, period_end=end
            ).exists()
        ):
            self.add_error(
                "period_start",
                _("A measurement of this indicator for that period is already reported."),
            )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The same columns as the export (download it to start from), in UTF-8, at most "
            "%(size)s and %(rows)s rows."
        ) % {"size": format_size(MAX_BYTES), "rows": MAX_ROWS}


class ConfirmImportForm(forms.Form):
    token = forms.CharField(max_length=64)
