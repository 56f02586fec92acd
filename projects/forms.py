"""Validation only: the forms of the project pages (filters in projects.forms_filters)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.forms import https_url_fields
from projects import selectors
from projects.models import Project, ProjectStartup, Startup, StartupCountry
from projects.services import PROJECT_FIELDS
from projects.taxids import normalize_tax_id

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    """The project's own fields and its cities; the version it was opened at (hidden)."""

    cities = forms.ModelMultipleChoiceField(
        label=_("Participating cities"),
        queryset=selectors.selectable_cities(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your city, and the other member cities the project is shared with."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        formfield_callback = https_url_fields
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "problem": forms.Textarea(attrs={"rows": 4}),
            "solution": forms.Textarea(attrs={"rows": 4}),
            "ai_technique": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("What anyone reading the public page should know, in a few lines."),
            "ai_technique": _(
                "For example: a model that classifies requests by their text, trained on past "
                "requests. Required to publish a project that uses AI."
            ),
            "challenge": _("A challenge published by a city that this project answers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = selectors.selectable_challenges()
        self.fields["summary"].required = False  # required to publish, not to save a draft
        self.fields["ai_technique"].required = False
        # The model's validators run in full_clean, which this form leaves to the services.
        self.fields["budget"].validators += Project._meta.get_field("budget").validators
        self.fields["budget"].widget.attrs["min"] = 0

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if cleaned.get("budget") is not None and not cleaned.get("budget_currency"):
            self.add_error("budget_currency", _("Choose the currency of the budget."))
        return cleaned

    def _post_clean(self):
        # The model's own check (full_clean) would refuse a draft without a summary: the
        # services check what publication needs.
        pass

    def project_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS}


class NewProjectStatusForm(forms.Form):
    """On the creation page: where the project stands today, and since when."""

    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices, initial="idea")
    status_date = forms.DateField(
        label=_("Since"), widget=DATE_WIDGET, help_text=_("The date it reached this status.")
    )

    def clean_status_date(self):
        value = self.cleaned_data["status_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Project.Status.choices)
    changed_on = forms.DateField(label=_("Date of the change"), widget=DATE_WIDGET)

    def clean_changed_on(self):
        value = self.cleaned_data["changed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of the change cannot be in the future."))
        return value


class StartupRowForm(forms.Form):
    startup = forms.ModelChoiceField(
        label=_("Startup"), queryset=selectors.selectable_startups(), required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=ProjectStartup.Role.choices, initial="provider"
    )


StartupFormSet = forms.formset_factory(
    StartupRowForm, extra=2, max_num=10, validate_max=True, absolute_max=20
)


class NewStartupForm(forms.Form):
    """A startup not yet in the list, registered together with the project."""

    name = forms.CharField(label=_("Name"), max_length=160, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=StartupCountry.choices, initial="CL", required=False
    )
    tax_id = forms.CharField(
        label=_("Tax id (RUT or CUIT)"),
        max_length=40,
        required=False,
        help_text=_("Chile: RUT as 76.123.456-7. Argentina: CUIT as 30-71234567-1."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("What the startup does"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    role = forms.ChoiceField(
        label=_("Role in the project"), choices=ProjectStartup.Role.choices, initial="provider"
    )

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        others = [cleaned.get("tax_id"), cleaned.get("website"), cleaned.get("description")]
        if not name:
            if any(others):
                self.add_error("name", _("Give the startup's name."))
            return cleaned
        cleaned["name"] = name
        country = cleaned.get("country") or ""
        if not country:
            self.add_error("country", _("Choose the startup's country."))
        tax_id = (cleaned.get("tax_id") or "").strip()
        if tax_id and country:
            try:
                cleaned["tax_id"] = normalize_tax_id(country, tax_id)
            except ValidationError as error:
                self.add_error("tax_id", error)
            else:
                taken = Startup.objects.filter(
                    country=country, tax_id=cleaned["tax_id"], merged_into__isnull=True
                ).first()
                if taken is not None:
                    self.add_error(
                        "tax_id",
                        _("%(name)s is already registered with this tax id: choose it above.")
                        % {"name": taken.name},
                    )
        return cleaned

    def wants_startup(self) -> bool:
        return bool(self.cleaned_data.get("name"))

    def startup_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "country": data["country"],
            "tax_id": data.get("tax_id") or "",
            "website": data.get("website") or "",
            "description": data.get("description") or "",
        }


class LinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    url = forms.URLField(label=_("Address"), max_length=500, required=False, assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("url") and not (cleaned.get("title") or "").strip():
            self.add_error("title", _("Give the link a title."))
        if (cleaned.get("title") or "").strip() and not cleaned.get("url") and not self.errors:
            self.add_error("url", _("Give the link's address."))
        return cleaned


LinkFormSet = forms.formset_factory(
    LinkForm, extra=2, max_num=20, validate_max=True, absolute_max=40
)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        # Shown on the edit page beside the project form, which has a "title" too.
        kwargs.setdefault("auto_id", "attachment_%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The officers of the participating cities receive it by e-mail."),
    )
