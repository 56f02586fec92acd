"""The public AI register: one entry per project that uses AI, published in numbered versions.

Two layers, as in the UK Algorithmic Transparency Recording Standard: a short plain-language
summary for everyone, then the details. Officers of the project's cities edit a private draft
(`RegisterEntry`); publishing freezes the draft, with the project's cities and startups of
that moment, into an immutable `RegisterEntryVersion`. The public only ever reads versions,
and only while the project itself is public (`projects.access.public_projects`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class RiskLevel(models.TextChoices):
    MINIMAL = "minimal", _("Minimal risk")
    LIMITED = "limited", _("Limited risk")
    HIGH = "high", _("High risk")


class EntryStatus(models.TextChoices):
    IN_DEVELOPMENT = "in_development", _("In development")
    IN_USE = "in_use", _("In use")
    RETIRED = "retired", _("Retired")


class AlgorithmType(models.TextChoices):
    SELF_LEARNING = "self_learning", _("Self-learning (machine learning)")
    RULE_BASED = "rule_based", _("Rule-based")
    HYBRID = "hybrid", _("Hybrid")


class RegisterEntry(models.Model):
    """The editable draft of a project's register entry, and pointers to what is published."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="register_entry")
    # A stable identifier for open data (the Eurocities schema's `uuid`).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # Layer 1: for everyone.
    summary = models.TextField(_("summary in plain language"), max_length=600, blank=True)

    # Owner and contact (the owners are the project's cities).
    owner_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Supplier (the project's startups) and how it was procured.
    procurement = models.TextField(_("how it was procured"), max_length=3000, blank=True)
    # Purpose.
    purpose = models.TextField(_("purpose"), max_length=5000, blank=True)
    expected_benefit = models.TextField(_("expected benefit"), max_length=3000, blank=True)
    alternatives_considered = models.TextField(
        _("alternatives considered"), max_length=3000, blank=True
    )
    legal_basis = models.TextField(_("legal basis"), max_length=3000, blank=True)
    # Oversight.
    human_oversight = models.TextField(_("human oversight"), max_length=3000, blank=True)
    objection_procedure = models.TextField(
        _("how a resident can object or appeal"), max_length=3000, blank=True
    )
    # Data.
    data_sources = models.TextField(_("data sources"), max_length=5000, blank=True)
    uses_personal_data = models.BooleanField(_("uses personal data"), null=True, blank=True)
    personal_data = models.TextField(_("personal data used"), max_length=3000, blank=True)
    data_retention = models.TextField(_("data retention"), max_length=2000, blank=True)
    # Model.
    algorithm_type = models.CharField(
        _("type of algorithm"), max_length=14, choices=AlgorithmType.choices, blank=True
    )
    model_description = models.TextField(_("kind of model"), max_length=3000, blank=True)
    performance = models.TextField(_("performance"), max_length=3000, blank=True)
    monitoring = models.TextField(_("how performance is monitored"), max_length=3000, blank=True)
    # Risks.
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    risks = models.TextField(_("risks"), max_length=5000, blank=True)
    mitigations = models.TextField(_("mitigations"), max_length=5000, blank=True)
    # [{"title": "...", "url": "https://..."}], checked by the form.
    impact_assessments = models.JSONField(_("impact assessments"), default=list, blank=True)
    # Status with dates.
    status = models.CharField(_("status"), max_length=14, choices=EntryStatus.choices, blank=True)
    development_started_on = models.DateField(_("development started on"), null=True, blank=True)
    in_use_since = models.DateField(_("in use since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review due by"), null=True, blank=True)

    # Bookkeeping.
    # Optimistic locking: a save names the draft revision it started from.
    draft_revision = models.PositiveIntegerField(default=1, editable=False)
    latest_version = models.ForeignKey(
        "RegisterEntryVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    first_published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    # Staff of a participating chapter may take a published entry off the register.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return str(self.project)


class ImmutableVersion(Exception):
    pass


class RegisterEntryVersion(models.Model):
    """One published state of an entry: never changed, never deleted (except with its project).

    `snapshot` holds every field of the entry plus the project's title, cities and startups as
    they were when published; `changes` the fields that differ from the previous version
    ({"field": {"old": ..., "new": ...}}, empty for version 1). Risk level, status and summary
    are copied into columns so the public list filters and searches without reading JSON.
    """

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("published content"))
    changes = models.JSONField(_("changes from the previous version"), default=dict)
    change_note = models.TextField(_("change note"), max_length=1000, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    status = models.CharField(_("status"), max_length=14, choices=EntryStatus.choices)
    summary = models.TextField(_("summary"), max_length=600)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("register entry version")
        verbose_name_plural = _("register entry versions")
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="register_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="register_version_from_1"),
        ]
        indexes = [models.Index(fields=["risk_level", "status"])]

    def __str__(self) -> str:
        return f"{self.entry} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableVersion("A published register version is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersion("A published register version is never deleted.")

    def clean(self) -> None:
        if self.pk is not None:
            raise ValidationError(_("A published version cannot be changed."))
