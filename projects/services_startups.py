"""Writes for startups that more than one part needs (created here by the PROJECTS part:
an officer may add a startup while registering a project; the startup pages reuse it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coalition.audit import record_event
from coalition.models import User
from projects.models import Startup
from projects.taxids import normalize_tax_id

STARTUP_FIELDS = {
    "name",
    "country",
    "tax_id",
    "website",
    "description",
    "contact_name",
    "contact_email",
}


def unique_slug(model, text: str, *, fallback: str, max_length: int = 170) -> str:
    base = (slugify(text) or fallback)[:max_length].strip("-") or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def tax_id_taken_message() -> str:
    return _("A startup with this tax id is already registered: choose it from the list.")


@transaction.atomic
def startup_create(*, actor: User | None, sectors=(), **fields) -> Startup:
    """Register a startup. The tax id is checked and stored in its canonical spelling; a
    duplicate (same country and tax id) is refused with a message at the `tax_id` field."""
    unknown = set(fields) - STARTUP_FIELDS
    if unknown:
        raise TypeError(f"unknown startup fields: {sorted(unknown)}")
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the startup's name.")})
    fields["name"] = name
    country = fields.get("country") or ""
    raw_tax_id = fields.get("tax_id") or ""
    if raw_tax_id.strip():
        try:
            fields["tax_id"] = normalize_tax_id(country, raw_tax_id)
        except ValidationError as error:
            raise ValidationError({"tax_id": error.messages}) from error
        taken = Startup.objects.filter(
            country=country, tax_id=fields["tax_id"], merged_into__isnull=True
        )
        if taken.exists():
            raise ValidationError({"tax_id": tax_id_taken_message()})
    else:
        fields["tax_id"] = ""
    startup = Startup(
        slug=unique_slug(Startup, name, fallback="startup"), created_by=actor, **fields
    )
    startup.full_clean(exclude=["slug"])
    try:
        with transaction.atomic():
            startup.save()
    except IntegrityError as error:  # a concurrent registration of the same tax id
        raise ValidationError({"tax_id": tax_id_taken_message()}) from error
    if sectors:
        startup.sectors.set(sectors)
    record_event(actor=actor, action="startup.create", target=startup, to_state="registered")
    return startup
