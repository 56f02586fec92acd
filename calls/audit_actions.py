"""How the audit log reads the actions of calls and applications (registered in CallsConfig)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "call.create": _("%(actor)s created the call %(target)s"),
    "call.edit": _("%(actor)s edited the call %(target)s"),
    "call.structure": _("%(actor)s changed the requirements, questions or rubric of %(target)s"),
    "call.publish": _("%(actor)s published the call %(target)s"),
    "application.start": _("%(actor)s started the application of %(target)s"),
    "application.upload": _("%(actor)s uploaded a document to the application of %(target)s"),
    "application.submit": _("%(actor)s submitted the application of %(target)s"),
    "application.withdraw": _("%(actor)s withdrew the application of %(target)s"),
    "application.screen": _("%(actor)s screened the application of %(target)s"),
    "application.reopen": _("%(actor)s reopened the application of %(target)s for correction"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
