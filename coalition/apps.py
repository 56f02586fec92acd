from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "coalition"
    verbose_name = _("Coalition")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from coalition import lookups
        from coalition.audit import register_actions
        from coalition.postgres import use_psycopg_timestamp_loader
        from coalition.prepared_statements import replan_after_migrations

        lookups.register()
        connection_created.connect(use_psycopg_timestamp_loader)
        connection_created.connect(replan_after_migrations)

        register_actions(
            {
                "coalition_summary.request": _("%(actor)s asked for the coalition summary PDF"),
                "coalition_summary.render": _("%(actor)s prepared the coalition summary PDF"),
            }
        )
