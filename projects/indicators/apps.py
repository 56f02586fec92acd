from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """Impact indicators of projects, shaped like the IATI results standard."""

    name = "projects.indicators"
    label = "indicators"
    verbose_name = _("Impact indicators")

    def ready(self) -> None:
        from projects.indicators import audit_actions, block

        audit_actions.register()
        block.register()
