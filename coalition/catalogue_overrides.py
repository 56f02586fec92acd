"""Strings of Django and allauth that the project's catalogues translate better.

The project's `locale/` comes first in Django's lookup, so an entry here overrides the
library's: allauth's Portuguese leaves "sign in" in English and capitalises "Lembrar de Mim",
and Django's Portuguese capitalises month names inside dates ("1 de Dezembro"). Nothing calls
these; they are listed so that `makemessages` keeps the entries in the catalogues.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

ALLAUTH = [
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Remember Me"),
    # The sign-in label: another library's Portuguese catalogue answers "Email" first.
    gettext_noop("Email"),
]

MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]

MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
