from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import audit_actions, audit_actions_startups
        from projects.home import register_panels

        audit_actions_startups.register()
        _refresh_directory_on_project_changes()
        audit_actions.register()
        register_panels()
        from projects import api  # the versioned JSON API (helper API)

        api.mount_routers()


def _refresh_directory_on_project_changes() -> None:
    """The directory's "with an active project" filter reads projects: a change to one must
    refresh the cached directory like a change to a city does (municipalities.cache). The
    project directory's cached filter choices name startups: a renamed or merged startup
    refreshes them too."""
    from django.db.models.signals import post_delete, post_save

    from municipalities.cache import bump_directory_version
    from projects.models import (
        Project,
        ProjectCity,
        ProjectStartup,
        ProjectStatusChange,
        Startup,
    )

    for model in (Project, ProjectCity, ProjectStartup, ProjectStatusChange, Startup):
        post_save.connect(bump_directory_version, sender=model, weak=False)
        post_delete.connect(bump_directory_version, sender=model, weak=False)
