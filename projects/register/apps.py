from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    """The public AI register: one versioned entry per project that uses AI."""

    name = "projects.register"
    label = "register"
    verbose_name = _("AI register")
