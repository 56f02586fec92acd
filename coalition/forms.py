from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(TemplatesSetting):
    """Renders each field group inside one wrapper, so that layout and errors stay together."""

    field_template_name = "forms/field.html"


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.language = self.cleaned_data["language"]
        user.save(update_fields=["full_name", "language"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
