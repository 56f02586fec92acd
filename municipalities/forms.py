"""Validation only: the forms of the member-city pages."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from coalition.models import Chapter
from coalition.widgets import FastSelect, select_options
from municipalities.models import Country, Membership, Municipality, Programme
from municipalities.selectors import (
    POPULATION_BANDS,
    SORTS,
    DirectoryChoices,
    DirectoryFilters,
)

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}


class DirectoryFilterForm(forms.Form):
    """The directory's query string. Unknown values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=FastSelect)
    region = forms.CharField(label=_("Region or province"), required=False, max_length=120)
    chapter = forms.ChoiceField(label=_("Chapter"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Membership status"), required=False, widget=FastSelect)
    programme = forms.ChoiceField(label=_("Programme"), required=False, widget=FastSelect)
    population = forms.ChoiceField(label=_("Population"), required=False, widget=FastSelect)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=FastSelect)
    stale = forms.BooleanField(label=_("Only profiles over a year old"), required=False)
    active_project = forms.BooleanField(
        label=_("With an active AI project with a startup this year"), required=False
    )

    def __init__(self, data, *, choices: DirectoryChoices, **kwargs):
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        self.fields["country"].choices = anything + list(Country.choices)
        self.fields["chapter"].choices = anything + choices.chapters
        self.fields["status"].choices = anything + list(Membership.Status.choices)
        self.fields["programme"].choices = anything + choices.programmes
        self.fields["population"].choices = anything + [
            (key, label) for key, label, _low, _high in POPULATION_BANDS
        ]
        self.fields["sort"].choices = [(key, label) for key, (label, _o) in SORTS.items()]
        self.regions = choices.regions

    def region_options(self):
        """The region select's options, "Region (country)", the chosen one selected."""
        chosen = str(self["region"].value() or "")
        return select_options(
            [(region, f"{region} ({country})") for country, region in self.regions], chosen
        )

    def filters(self) -> DirectoryFilters:
        if not self.is_bound:
            return DirectoryFilters()
        # is_valid() fills cleaned_data with the valid fields only, so the valid parts of a
        # hand-edited URL still apply.
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q", "").strip(),
            country=data.get("country", ""),
            region=data.get("region", ""),
            chapter=data.get("chapter", ""),
            status=data.get("status", ""),
            programme=data.get("programme", ""),
            population=data.get("population", ""),
            stale=bool(data.get("stale")),
            active_project=bool(data.get("active_project")),
            sort=data.get("sort") or "name",
        )


class StrictDirectoryFilterForm(DirectoryFilterForm):
    """The directory's filters as the open data API reads them: the values its OpenAPI
    document declares, and nothing else. A person's hand-edited directory URL may be forgiven
    (the page shows what it can), but a program must learn that its filter did not apply.

    `stale` and `active_project` are booleans spelled as JSON spells them, and every parameter
    is given at most once (`?status=member&status=former` is not silently read as "former")."""

    BOOLEANS = ("stale", "active_project")

    stale = forms.TypedChoiceField(
        label=DirectoryFilterForm.base_fields["stale"].label,
        required=False,
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        empty_value=False,
    )
    active_project = forms.TypedChoiceField(
        label=DirectoryFilterForm.base_fields["active_project"].label,
        required=False,
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        empty_value=False,
    )

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if len(self.data.getlist(name)) > 1:
                self.add_error(name, _("Give this parameter once."))
        for name in self.BOOLEANS:
            if self.data.get(name) == "" and not self.has_error(name):
                self.add_error(name, _("Write true or false."))
        region = cleaned.get("region")
        if region and region not in {name for _country, name in self.regions}:
            self.add_error("region", _("No listed municipality is in this region."))
        return cleaned


def https_url_fields(model_field, **kwargs):
    """Form fields for a model, with web addresses typed without a scheme taken as https."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Municipality
        formfield_callback = https_url_fields
        fields = [
            "description",
            "official_website",
            "logo",
            "region",
            "province",
            "population",
            "population_source",
            "population_year",
            "latitude",
            "longitude",
            "mayor",
            "mayor_term_start",
            "mayor_term_end",
            "innovation_unit_name",
            "innovation_unit_head",
            "innovation_team_size",
            "innovation_contact_email",
            "has_digital_plan",
            "digital_plan_year",
            "digital_plan_url",
            "has_innovation_area",
            "fibre_connectivity",
            "online_procedures",
            "ai_initiatives",
            "programmes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "ai_initiatives": forms.Textarea(attrs={"rows": 5}),
            "programmes": forms.CheckboxSelectMultiple,
            "has_digital_plan": forms.NullBooleanSelect,
            "has_innovation_area": forms.NullBooleanSelect,
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "latitude": _("Decimal degrees, between -90 and 90 (south is negative)."),
            "longitude": _("Decimal degrees, between -180 and 180 (west is negative)."),
            "logo": _("PNG, JPEG or WebP, at most 1 MB."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = Programme.objects.order_by("name")
        self.fields["population"].min_value = 1
        self.fields["population"].widget.attrs["min"] = 1

    # Sections of the edit page, in order; each lists the fields it shows.
    SECTIONS = [
        (
            _("Identity"),
            ["description", "official_website", "logo", "region", "province", "programmes"],
        ),
        (
            _("Population and location"),
            ["population", "population_source", "population_year", "latitude", "longitude"],
        ),
        (_("Leadership"), ["mayor", "mayor_term_start", "mayor_term_end"]),
        (
            _("Innovation unit"),
            [
                "innovation_unit_name",
                "innovation_unit_head",
                "innovation_team_size",
                "innovation_contact_email",
            ],
        ),
        (
            _("Digital maturity"),
            [
                "has_digital_plan",
                "digital_plan_year",
                "digital_plan_url",
                "has_innovation_area",
                "fibre_connectivity",
                "online_procedures",
                "ai_initiatives",
            ],
        ),
    ]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        upload = self.files.get(self.add_prefix("logo"))
        if not upload:
            return logo
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo is %(size)s KB; the limit is 1 MB."),
                params={"size": upload.size // 1024},
            )
        image = getattr(logo, "image", None)
        if image is None or image.format not in LOGO_FORMATS:
            raise forms.ValidationError(_("The logo must be a PNG, JPEG or WebP image."))
        return logo

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both coordinates, or neither."))
        start, end = cleaned.get("mayor_term_start"), cleaned.get("mayor_term_end")
        if start and end and end < start:
            self.add_error("mayor_term_end", _("The term cannot end before it starts."))
        return cleaned

    def changed_values(self) -> dict:
        """The cleaned values to hand to the service: a new logo, or None to keep it."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        upload = self.files.get(self.add_prefix("logo"))
        if not upload and data.get("logo") is not False:
            data["logo"] = None
        return data


class RepresentationForm(forms.Form):
    """What every request to represent a municipality says about the person asking."""

    position = forms.CharField(label=_("Your position"), max_length=160)
    message = forms.CharField(
        label=_("Message to the staff (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfficerRequestForm(RepresentationForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(is_listed=True).order_by("country", "name"),
        empty_label=_("Choose your municipality"),
    )
    field_order = ["municipality", "position", "message"]


class MunicipalityProposalForm(RepresentationForm):
    name = forms.CharField(label=_("Name of the municipality"), max_length=160)
    chapter = forms.ModelChoiceField(
        label=_("Coalition"), queryset=Chapter.objects.order_by("name"), empty_label=None
    )
    region = forms.CharField(label=_("Region or province"), max_length=120)
    official_website = forms.URLField(
        label=_("Official website"), required=False, assume_scheme="https"
    )
    field_order = ["name", "chapter", "region", "official_website", "position", "message"]


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The person who asked will read it."),
    )
