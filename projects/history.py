"""How a project revision reads: each changed field's label, and old and new values as text
in the reader's language (choices by their label, never their code)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project, ProjectStartup
from projects.services import CITIES, LINKS, STARTUPS

EXTRA_LABELS = {
    CITIES: gettext_lazy("Participating cities"),
    STARTUPS: gettext_lazy("Startups"),
    LINKS: gettext_lazy("Links"),
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def _choices(field: str) -> dict[str, str]:
    try:
        model_field = Project._meta.get_field(field)
    except Exception:
        return {}
    return {str(value): str(label) for value, label in model_field.flatchoices}


def value_text(field: str, value: str) -> str:
    if not value:
        return ""
    if field == STARTUPS:
        roles = dict(ProjectStartup.Role.choices)
        lines = []
        for line in value.splitlines():
            name, _sep, role = line.rpartition("|")
            lines.append(f"{name} ({roles.get(role, role)})" if name else line)
        return "\n".join(lines)
    if field == "status" and "|" in value:  # "pilot|2025-03-01": a dated status change
        status, _sep, day = value.partition("|")
        return _("%(status)s since %(date)s") % {
            "status": _choices("status").get(status, status),
            "date": day,
        }
    if field == "uses_ai":
        return _("yes") if value == "yes" else _("no")
    choices = _choices(field)
    if choices:
        return choices.get(value, value)
    return value


def field_label(field: str) -> str:
    if field in EXTRA_LABELS:
        return str(EXTRA_LABELS[field])
    try:
        return str(Project._meta.get_field(field).verbose_name).capitalize()
    except Exception:
        return field


def revision_rows(revision) -> list[ChangeRow]:
    return [
        ChangeRow(
            field_label(field),
            value_text(field, change.get("old", "")),
            value_text(field, change.get("new", "")),
        )
        for field, change in revision.changes.items()
    ]
