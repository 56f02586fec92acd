from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The evaluation committee of a call: conflicts, assignments, reviews, decisions."""

    name = "calls.review"
    label = "review"
    verbose_name = _("Evaluation committee")

    def ready(self) -> None:
        from calls.review import audit_actions

        audit_actions.register()
        from calls.review import signals  # noqa: F401  (connects the receivers)
