"""How the audit log reads the indicators' actions (registered in IndicatorsConfig)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "indicator.create": _("%(actor)s added an impact indicator: %(target)s"),
    "indicator.update": _("%(actor)s changed the impact indicator %(target)s"),
    "indicator.delete": _("%(actor)s deleted the impact indicator %(target)s"),
    "indicator.target_set": _("%(actor)s set a target of the indicator %(target)s"),
    "indicator.target_delete": _("%(actor)s removed a target of the indicator %(target)s"),
    "measurement.report": _("%(actor)s reported a measurement of %(target)s"),
    "measurement.delete": _("%(actor)s removed a measurement of %(target)s"),
    "measurement.import": _("%(actor)s imported measurements from a CSV file into %(target)s"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
