from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import audit_actions, audit_actions_startups
        from projects.home import register_panels

        audit_actions_startups.register()
        audit_actions.register()
        register_panels()
