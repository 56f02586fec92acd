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


class SummaryRequestForm(forms.Form):
    """Which chapter a new summary is for: those the user runs, or all for a superuser."""

    chapter = forms.ModelChoiceField(label=_("Chapter"), queryset=None)

    def __init__(self, *args, chapters, allow_all: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chapter"]
        field.queryset = chapters
        field.required = not allow_all
        field.empty_label = _("All chapters") if allow_all else None
        # Whoever runs a single chapter has nothing to choose: the summary is of that one.
        self.has_choice = allow_all or len(chapters) != 1
        self.only_chapter = None if self.has_choice else chapters[0]
        if self.only_chapter is not None:
            field.required = False
            field.widget = forms.HiddenInput()
            field.initial = self.only_chapter.pk

    def clean_chapter(self):
        if self.only_chapter is not None:
            return self.only_chapter
        return self.cleaned_data["chapter"]
