"""Writes of the AI register: save the draft, publish a version, withdraw and restore.

Each is atomic, locks the entry's row, and records its audit event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.audit import record_event
from coalition.models import User
from projects.access import project_chapter_id
from projects.models import Project
from projects.register import fields
from projects.register.models import RegisterEntry, RegisterEntryVersion


def _lock(entry: RegisterEntry) -> RegisterEntry:
    """Reload the entry's row under lock, keeping the prefetched project."""
    locked = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    locked.project = entry.project
    return locked


@transaction.atomic
def register_entry_save(
    *, project: Project, actor: User, data: dict[str, Any], draft_revision: int | None
) -> tuple[RegisterEntry, list[str]]:
    """Create or change the draft of `project`'s entry. `draft_revision` is the revision the
    editor started from (None for a new entry): if someone saved in between, nothing is
    saved and the editor is told. Returns the entry and the names of the changed fields."""
    if not project.uses_ai:
        raise ValidationError(_("Only a project that uses AI has a register entry."))
    entry = RegisterEntry.objects.select_for_update().filter(project=project).first()
    created = entry is None
    if created:
        if draft_revision not in (None, 0):
            raise ValidationError(_("This entry no longer exists; reload the page."))
        entry = RegisterEntry(project=project)
    elif draft_revision != entry.draft_revision:
        raise ValidationError(
            _(
                "Someone else saved this entry while you were editing it. Your changes are "
                "below: copy what you need, reload the page and apply them again."
            )
        )
    entry.project = project
    changed = []
    for name, value in data.items():
        if name not in fields.ENTRY_FIELDS:
            raise ValueError(f"not a register field: {name}")
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed.append(name)
    if not changed and not created:
        return entry, []
    if not created:
        entry.draft_revision += 1
    entry.updated_by = actor
    entry.full_clean(exclude=["project", "latest_version"])
    entry.save()
    record_event(
        actor=actor,
        action="register.create" if created else "register.save",
        target=entry,
        chapter=project_chapter_id(project),
        details={"project": project.slug, "fields": changed},
    )
    return entry, changed


@transaction.atomic
def register_entry_publish(
    *,
    entry: RegisterEntry,
    actor: User | None,
    change_note: str = "",
    at: datetime | None = None,
) -> RegisterEntryVersion:
    """Freeze the draft, with the project's cities and startups of now, as the next version.

    Refused when a field publishing needs is empty, or when nothing changed since the latest
    version (so a double submit does not make two versions). `at` is for demo data only."""
    project = entry.project
    entry = _lock(entry)
    missing = fields.missing_for_publication(entry)
    if missing:
        raise ValidationError(
            _("Fill in these fields before publishing: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    if not project.uses_ai:
        raise ValidationError(_("Only a project that uses AI has a register entry."))
    snapshot = fields.snapshot_of(entry)
    previous = RegisterEntryVersion.objects.filter(entry=entry).order_by("-number").first()
    if previous is not None and previous.snapshot == snapshot:
        raise ValidationError(
            _("Nothing changed since version %(number)s: there is nothing to publish.")
            % {"number": previous.number}
        )
    if previous is not None and not change_note.strip():
        raise ValidationError(_("Say in a few words what changed in this version."))
    number = previous.number + 1 if previous else 1
    published_at = at or timezone.now()
    try:
        with transaction.atomic():
            version = RegisterEntryVersion.objects.create(
                entry=entry,
                number=number,
                snapshot=snapshot,
                changes=fields.diff(previous.snapshot if previous else None, snapshot),
                change_note=change_note.strip(),
                risk_level=entry.risk_level,
                status=entry.status,
                summary=entry.summary,
                published_at=published_at,
                published_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise ValidationError(_("This version was just published; reload the page.")) from None
    entry.latest_version = version
    if entry.first_published_at is None:
        entry.first_published_at = published_at
    entry.save(update_fields=["latest_version", "first_published_at", "updated_at"])
    record_event(
        actor=actor,
        action="register.publish",
        target=entry,
        chapter=project_chapter_id(project),
        to_state=f"v{number}",
        details={"project": project.slug, "version": number, "fields": sorted(version.changes)},
    )
    return version


@transaction.atomic
def register_entry_withdraw(*, entry: RegisterEntry, actor: User, reason: str) -> RegisterEntry:
    """Staff take a published entry off the public register, with a reason."""
    project = entry.project
    entry = _lock(entry)
    if entry.withdrawn_at is not None:
        raise ValidationError(_("This entry is already withdrawn from the register."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for withdrawing the entry."))
    entry.withdrawn_at = timezone.now()
    entry.withdrawal_reason = reason.strip()
    entry.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    record_event(
        actor=actor,
        action="register.withdraw",
        target=entry,
        chapter=project_chapter_id(project),
        from_state="listed",
        to_state="withdrawn",
        details={"project": project.slug, "reason": entry.withdrawal_reason},
    )
    return entry


@transaction.atomic
def register_entry_restore(*, entry: RegisterEntry, actor: User) -> RegisterEntry:
    """Staff put a withdrawn entry back on the register."""
    project = entry.project
    entry = _lock(entry)
    if entry.withdrawn_at is None:
        raise ValidationError(_("This entry is not withdrawn."))
    entry.withdrawn_at = None
    entry.withdrawal_reason = ""
    entry.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    record_event(
        actor=actor,
        action="register.restore",
        target=entry,
        chapter=project_chapter_id(project),
        from_state="withdrawn",
        to_state="listed",
        details={"project": project.slug},
    )
    return entry
