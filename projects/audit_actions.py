"""How the audit log reads the actions on projects (registered in ProjectsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "project.create": _("%(actor)s registered the project %(target)s"),
    "project.edit": _("%(actor)s edited the project %(target)s"),
    "project.status": _("%(actor)s changed the status of the project %(target)s"),
    "project.publish": _("%(actor)s published the project %(target)s"),
    "project.withdraw": _("%(actor)s withdrew the project %(target)s"),
    "project.restore": _("%(actor)s restored the project %(target)s"),
    "project.attachment_add": _("%(actor)s attached a file to the project %(target)s"),
    "project.attachment_remove": _("%(actor)s removed a file of the project %(target)s"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
