from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    """The public AI register: one versioned entry per project that uses AI."""

    name = "projects.register"
    label = "register"
    verbose_name = _("AI register")

    def ready(self) -> None:
        from projects.blocks import register_project_block
        from projects.register import audit_actions
        from projects.register.block import register_block_context

        audit_actions.register()
        _refresh_city_choices_on_entry_changes()
        register_project_block(
            "register", "register/_project_block.html", register_block_context, order=20
        )


def _refresh_city_choices_on_entry_changes() -> None:
    """The list's city filter offers the cities of the public entries, kept per version of
    the directory's data (selectors.cached_listed_cities): publishing, withdrawing or
    restoring an entry changes them, as a change to a project or a city does."""
    from django.db.models.signals import post_delete, post_save

    from municipalities.cache import bump_directory_version
    from projects.register.models import RegisterEntry

    post_save.connect(bump_directory_version, sender=RegisterEntry, weak=False)
    post_delete.connect(bump_directory_version, sender=RegisterEntry, weak=False)
