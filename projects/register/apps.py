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
        register_project_block(
            "register", "register/_project_block.html", register_block_context, order=20
        )
