"""Writes on startups: create, edit, and the staff merge of duplicates.

`startup_create` is also what the project form calls when an officer adds a new startup while
registering a project (helper PROJECTS); the startup pages reuse it. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coalition.audit import record_event
from projects.models import ProjectStartup, SectorTag, Startup
from projects.taxids import normalize_tax_id

STARTUP_FIELDS = frozenset(
    {"name", "country", "tax_id", "website", "description", "contact_name", "contact_email"}
)
# Path segments under /startups/ that a slug must never take.
RESERVED_SLUGS = frozenset({"new", "merge", "edit"})


def unique_slug(model, text: str, *, fallback: str, max_length: int = 170) -> str:
    base = (slugify(text) or fallback)[:max_length].strip("-") or fallback
    slug, n = base, 1
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def duplicate_of(*, country: str, tax_id: str, exclude_pk: int | None = None) -> Startup | None:
    """The live startup (not merged away) that already holds this canonical tax id."""
    if not tax_id:
        return None
    duplicates = Startup.objects.filter(country=country, tax_id=tax_id, merged_into__isnull=True)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    return duplicates.first()


def duplicate_message(existing: Startup) -> str:
    return _("This tax id is already registered for the startup “%(name)s”: choose it instead.") % {
        "name": existing.name
    }


def _clean_tax_id(country: str, tax_id: str) -> str:
    if not (tax_id or "").strip():
        return ""
    try:
        return normalize_tax_id(country, tax_id)
    except ValidationError as error:
        raise ValidationError({"tax_id": error.messages}) from error


def _save_unique(startup: Startup) -> None:
    """Save, turning a lost race on the tax-id constraint into a message at the field."""
    try:
        with transaction.atomic():
            startup.save()
    except IntegrityError as error:
        existing = duplicate_of(
            country=startup.country, tax_id=startup.tax_id, exclude_pk=startup.pk
        )
        if existing is None:
            raise
        raise ValidationError({"tax_id": duplicate_message(existing)}) from error


@transaction.atomic
def startup_create(*, actor, sectors: Iterable[SectorTag] = (), **fields) -> Startup:
    """Register a startup (`fields`: name, country, tax_id, website, description,
    contact_name, contact_email). The tax id is validated with its check digit and stored in
    its canonical spelling; a duplicate raises ValidationError at `tax_id` naming the holder."""
    unknown = set(fields) - STARTUP_FIELDS
    if unknown:
        raise TypeError(f"unknown startup fields: {sorted(unknown)}")
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Write the startup's name.")})
    fields["name"] = name
    country = fields.get("country") or ""
    fields["tax_id"] = _clean_tax_id(country, fields.get("tax_id") or "")
    existing = duplicate_of(country=country, tax_id=fields["tax_id"])
    if existing is not None:
        raise ValidationError({"tax_id": duplicate_message(existing)})
    startup = Startup(
        slug=unique_slug(Startup, name, fallback="startup"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    startup.full_clean(exclude=["slug", "created_by", "merged_into"], validate_constraints=False)
    _save_unique(startup)
    sectors = list(sectors)
    if sectors:
        startup.sectors.set(sectors)
    record_event(actor=actor, action="startup.create", target=startup)
    return startup


@transaction.atomic
def startup_update(
    *, startup: Startup, actor, sectors: Iterable[SectorTag] | None = None, **fields
) -> Startup:
    """Change a startup's public record; the audit event lists the fields that changed."""
    unknown = set(fields) - STARTUP_FIELDS
    if unknown:
        raise TypeError(f"unknown startup fields: {sorted(unknown)}")
    if "tax_id" in fields or "country" in fields:
        country = fields.get("country", startup.country)
        fields["tax_id"] = _clean_tax_id(country, fields.get("tax_id", startup.tax_id))
        existing = duplicate_of(country=country, tax_id=fields["tax_id"], exclude_pk=startup.pk)
        if existing is not None:
            raise ValidationError({"tax_id": duplicate_message(existing)})
    changed = []
    for field, value in fields.items():
        if getattr(startup, field) != value:
            setattr(startup, field, value)
            changed.append(field)
    new_sectors = None
    if sectors is not None:
        new_sectors = {tag.pk for tag in sectors}
        if set(startup.sectors.values_list("pk", flat=True)) != new_sectors:
            changed.append("sectors")
    if changed:
        startup.full_clean(
            exclude=["slug", "created_by", "merged_into"], validate_constraints=False
        )
        _save_unique(startup)
        if new_sectors is not None:
            startup.sectors.set(list(new_sectors))
        record_event(
            actor=actor, action="startup.update", target=startup, details={"fields": changed}
        )
    return startup


# --- Merging duplicates --------------------------------------------------------------------


def merge_preview(*, duplicate: Startup, kept: Startup) -> dict:
    """What a merge would move, for the staff's confirmation page (a fixed number of queries)."""
    duplicate_links = list(
        ProjectStartup.objects.filter(startup=duplicate)
        .select_related("project")
        .order_by("project__title")
    )
    kept_project_ids = set(
        ProjectStartup.objects.filter(startup=kept).values_list("project_id", flat=True)
    )
    kept_tags = set(kept.sectors.values_list("pk", flat=True))
    return {
        "moved_links": [ln for ln in duplicate_links if ln.project_id not in kept_project_ids],
        "shared_links": [ln for ln in duplicate_links if ln.project_id in kept_project_ids],
        "new_tags": [tag for tag in duplicate.sectors.all() if tag.pk not in kept_tags],
        "former_duplicates": list(duplicate.merged_duplicates.all()),
    }


@transaction.atomic
def startup_merge(*, duplicate: Startup, kept: Startup, actor) -> Startup:
    """Fold `duplicate` into `kept`: its project links and sector tags move to `kept` (a
    project linked to both keeps its one link to `kept`), startups merged earlier into the
    duplicate now point at `kept`, and the duplicate stays as a pointer (`merged_into`) so
    that its address redirects. Empty fields of `kept` take the duplicate's value."""
    locked = {
        s.pk: s for s in Startup.objects.select_for_update().filter(pk__in=[duplicate.pk, kept.pk])
    }
    if duplicate.pk == kept.pk:
        raise ValidationError(_("Choose two different startups."))
    duplicate, kept = locked[duplicate.pk], locked[kept.pk]
    if duplicate.merged_into_id is not None or kept.merged_into_id is not None:
        raise ValidationError(_("One of these startups has already been merged into another."))
    preview = merge_preview(duplicate=duplicate, kept=kept)
    moved_ids = [link.pk for link in preview["moved_links"]]
    ProjectStartup.objects.filter(pk__in=moved_ids).update(startup=kept)
    ProjectStartup.objects.filter(startup=duplicate).delete()  # projects linked to both
    kept.sectors.add(*duplicate.sectors.all())
    Startup.objects.filter(merged_into=duplicate).update(merged_into=kept)
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into", "updated_at"])
    filled = []
    for field in ("website", "description", "contact_name", "contact_email"):
        if not getattr(kept, field) and getattr(duplicate, field):
            setattr(kept, field, getattr(duplicate, field))
            filled.append(field)
    if not kept.tax_id and duplicate.tax_id and duplicate.country == kept.country:
        kept.tax_id = duplicate.tax_id  # the duplicate no longer holds it (merged_into set)
        filled.append("tax_id")
    if filled:
        kept.save()
    record_event(
        actor=actor,
        action="startup.merge",
        target=kept,
        details={
            "duplicate": duplicate.pk,
            "duplicate_name": duplicate.name,
            "moved_links": len(moved_ids),
            "shared_links": len(preview["shared_links"]),
            "new_tags": [tag.name for tag in preview["new_tags"]],
            "filled": filled,
        },
    )
    return kept
