"""How the audit log reads the register's actions (registered in RegisterConfig)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "register.create": _("%(actor)s started the AI register entry of %(target)s"),
    "register.save": _("%(actor)s changed the draft AI register entry of %(target)s"),
    "register.publish": _("%(actor)s published a version of the AI register entry of %(target)s"),
    "register.withdraw": _("%(actor)s withdrew the AI register entry of %(target)s"),
    "register.restore": _("%(actor)s restored the AI register entry of %(target)s"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
