"""The query strings of the project directory, the staff list and the open data."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.widgets import FastSelect, FlatChoices
from municipalities.models import Country
from projects.models import Area, Project
from projects.selectors import ProjectFilters

FIRST_YEAR = 2015


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year + 2, FIRST_YEAR - 1, -1)]


class ProjectFilterForm(forms.Form):
    """Unknown values are ignored rather than failing the page (a hand-edited URL still
    shows what it can). The selects are written in Python (`FastSelect`): the city and
    startup lists have an option for every city and startup with a published project."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    city = forms.ChoiceField(label=_("City"), required=False, widget=FastSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=FastSelect)
    area = forms.ChoiceField(label=_("Area"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    startup = forms.ChoiceField(label=_("Startup"), required=False, widget=FastSelect)
    year = forms.ChoiceField(label=_("Active in"), required=False, widget=FastSelect)

    def __init__(self, data=None, *, cities=(), startups=(), **kwargs):
        super().__init__(data, **kwargs)
        anything = [("", _("Any"))]
        self.fields["city"].choices = FlatChoices(anything + list(cities))
        self.fields["country"].choices = anything + list(Country.choices)
        self.fields["area"].choices = anything + list(Area.choices)
        self.fields["status"].choices = anything + list(Project.Status.choices)
        self.fields["startup"].choices = FlatChoices(anything + list(startups))
        self.fields["year"].choices = anything + year_choices()

    def filters(self) -> ProjectFilters:
        if not self.is_bound:
            return ProjectFilters()
        self.is_valid()
        data = self.cleaned_data
        year = data.get("year")
        return ProjectFilters(
            q=(data.get("q") or "").strip(),
            city=data.get("city") or "",
            country=data.get("country") or "",
            area=data.get("area") or "",
            status=data.get("status") or "",
            startup=data.get("startup") or "",
            year=int(year) if year else None,
            visibility=(data.get("visibility") or ""),
        )


class StaffProjectFilterForm(ProjectFilterForm):
    visibility = forms.ChoiceField(label=_("Visibility"), required=False, widget=FastSelect)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["visibility"].choices = [("", _("Any")), *Project.Visibility.choices]
