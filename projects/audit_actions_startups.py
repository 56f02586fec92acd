"""How the audit log reads the actions on startups, challenges and the yearly commitment
(registered in ProjectsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from coalition.audit import register_actions

SENTENCES = {
    "startup.create": _("%(actor)s registered the startup %(target)s"),
    "startup.update": _("%(actor)s edited the startup %(target)s"),
    "startup.merge": _("%(actor)s merged a duplicate startup into %(target)s"),
    "challenge.create": _("%(actor)s created the challenge %(target)s"),
    "challenge.update": _("%(actor)s edited the challenge %(target)s"),
    "challenge.status": _("%(actor)s changed the status of the challenge %(target)s"),
    "commitment.remind": _("%(actor)s reminded %(target)s of its yearly commitment"),
}


def register() -> None:
    register_actions(SENTENCES)
