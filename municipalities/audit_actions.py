"""How the audit log reads the actions on member cities (registered in MunicipalitiesConfig)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "municipality.profile_edit": _("%(actor)s edited the profile of %(target)s"),
    "municipality.propose": _("%(actor)s proposed the municipality %(target)s"),
    "municipality.list": _("%(actor)s listed %(target)s in the public directory"),
    "membership.join": _("%(actor)s recorded the membership of %(target)s"),
    "officer.request": _("%(actor)s asked to represent a municipality: %(target)s"),
    "officer.approve": _("%(actor)s approved an officer: %(target)s"),
    "officer.refuse": _("%(actor)s refused an officer: %(target)s"),
    "officer.leave": _("%(actor)s stopped representing a municipality: %(target)s"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
