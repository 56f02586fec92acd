"""Validation only: the forms of startups and of the staff merge.

`StartupForm` is also embedded (with a prefix) in the project form, for an officer who adds
a new startup while registering a project; its `cleaned_data` is exactly the keyword
arguments of `projects.services_startups.startup_create` (besides `actor`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.models import SectorTag, Startup, StartupCountry
from projects.services_startups import duplicate_message, duplicate_of
from projects.taxids import normalize_tax_id


class StartupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    country = forms.ChoiceField(label=_("Country"), choices=StartupCountry.choices)
    tax_id = forms.CharField(
        label=_("Tax id (RUT in Chile, CUIT in Argentina)"),
        max_length=40,
        required=False,
        help_text=_("Checked with its check digit, e.g. 76.086.428-5 or 30-71234567-1."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=SectorTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label=_("Public contact name"), max_length=160, required=False)
    contact_email = forms.EmailField(label=_("Public contact e-mail"), required=False)

    def __init__(self, *args, instance: Startup | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "country": instance.country,
                "tax_id": instance.tax_id,
                "website": instance.website,
                "description": instance.description,
                "sectors": list(instance.sectors.all()),
                "contact_name": instance.contact_name,
                "contact_email": instance.contact_email,
            }
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Write the startup's name."))
        return name

    def clean(self):
        data = super().clean()
        country, tax_id = data.get("country"), (data.get("tax_id") or "").strip()
        if not country or "tax_id" not in data:
            return data
        if not tax_id:
            data["tax_id"] = ""
            return data
        try:
            data["tax_id"] = normalize_tax_id(country, tax_id)
        except ValidationError as error:
            self.add_error("tax_id", error)
            return data
        existing = duplicate_of(
            country=country,
            tax_id=data["tax_id"],
            exclude_pk=self.instance.pk if self.instance is not None else None,
        )
        if existing is not None:
            self.add_error("tax_id", duplicate_message(existing))
        return data


class StartupFilterForm(forms.Form):
    """The public list's query string: unknown values are ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, data, *, sectors, **kwargs):
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        self.fields["country"].choices = anything + list(StartupCountry.choices)
        self.fields["sector"].choices = anything + [(tag.slug, tag.name) for tag in sectors]

    def filters(self) -> dict:
        if not self.is_bound:
            return {"q": "", "country": "", "sector": ""}
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "country": data.get("country") or "",
            "sector": data.get("sector") or "",
        }


class StartupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Startup) -> str:
        if obj.tax_id:
            return f"{obj.name} ({obj.get_country_display()}, {obj.tax_id})"
        return f"{obj.name} ({obj.get_country_display()})"


class StartupMergeForm(forms.Form):
    duplicate = StartupChoiceField(
        label=_("Duplicate (will be merged away)"),
        queryset=Startup.objects.filter(merged_into__isnull=True),
    )
    kept = StartupChoiceField(
        label=_("Record to keep"), queryset=Startup.objects.filter(merged_into__isnull=True)
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        duplicate, kept = data.get("duplicate"), data.get("kept")
        if duplicate is not None and kept is not None and duplicate.pk == kept.pk:
            raise ValidationError(_("Choose two different startups."))
        return data
