"""Member municipalities, their memberships, programmes, officers and profile history."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.models import Chapter

STALE_AFTER = timedelta(days=365)


def fold(text: str) -> str:
    """Lower-case, accent-free text, so that "maipu" finds "Maipú"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Country(models.TextChoices):
    CHILE = "CL", _("Chile")
    ARGENTINA = "AR", _("Argentina")


class Programme(models.Model):
    """A programme some members take part in, e.g. "Municipios a la vanguardIA"."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    class Fibre(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        NONE = "none", _("No fibre")
        PARTIAL = "partial", _("Part of the territory")
        FULL = "full", _("Most of the territory")

    # Identity
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("chapter"),
        help_text=_("The chapter whose staff look after this profile and its officers."),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    province = models.CharField(_("province"), max_length=120, blank=True)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    population_source = models.CharField(_("population source"), max_length=255, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    official_website = models.URLField(_("official website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    description = models.TextField(_("short description"), max_length=1000, blank=True)

    # Leadership
    mayor = models.CharField(_("mayor"), max_length=160, blank=True)
    mayor_term_start = models.PositiveSmallIntegerField(
        _("term starts (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    mayor_term_end = models.PositiveSmallIntegerField(
        _("term ends (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )

    # Innovation unit
    innovation_unit_name = models.CharField(_("innovation unit"), max_length=200, blank=True)
    innovation_unit_head = models.CharField(_("head of the unit"), max_length=160, blank=True)
    innovation_team_size = models.PositiveSmallIntegerField(_("team size"), null=True, blank=True)
    innovation_contact_email = models.EmailField(_("public contact e-mail"), blank=True)

    # Digital maturity (seed 003: plan, dedicated area, connectivity, online procedures, AI)
    has_digital_plan = models.BooleanField(
        _("has a digital transformation plan"), null=True, blank=True
    )
    digital_plan_year = models.PositiveSmallIntegerField(
        _("year the plan was approved"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    digital_plan_url = models.URLField(_("link to the plan"), blank=True)
    has_innovation_area = models.BooleanField(
        _("has a dedicated innovation or technology area"), null=True, blank=True
    )
    fibre_connectivity = models.CharField(
        _("fibre connectivity"), max_length=10, choices=Fibre.choices, blank=True
    )
    online_procedures = models.PositiveIntegerField(
        _("procedures available online"), null=True, blank=True
    )
    ai_initiatives = models.TextField(_("current AI and data initiatives"), blank=True)

    programmes = models.ManyToManyField(
        Programme, related_name="municipalities", blank=True, verbose_name=_("programmes")
    )
    # A municipality proposed by an officer stays hidden until staff approve the officer.
    is_listed = models.BooleanField(_("listed publicly"), default=True)
    profile_updated_at = models.DateTimeField(_("profile last updated"), default=timezone.now)
    # Accent- and case-free name and places, for search on any database.
    search_text = models.CharField(max_length=500, editable=False, db_index=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="municipality_coordinates_both_or_none",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="municipality_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="municipality_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0),
                name="municipality_population_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "region"]),
            # The directory's default listing, listed municipalities by name, and their count
            # (an index of the listed alone is small enough to count them from it).
            models.Index(
                fields=["name"], condition=Q(is_listed=True), name="municipality_listed_by_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(" ".join([self.name, self.region, self.province]))[:500]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_stale(self) -> bool:
        return timezone.now() - self.profile_updated_at > STALE_AFTER


class Membership(models.Model):
    """A municipality's place in a chapter: its status, cohort and whether it founded it."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        MEMBER = "member", _("Member")
        SUSPENDED = "suspended", _("Suspended")
        FORMER = "former", _("Former member")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("chapter")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE
    )
    cohort = models.ForeignKey(
        "calls.Call",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohort_memberships",
        verbose_name=_("cohort"),
        help_text=_("The call the municipality came in through; empty for founders."),
    )
    founding_member = models.BooleanField(_("founding member"), default=False)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["chapter__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "chapter"], name="unique_membership_per_chapter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.chapter} ({self.get_status_display()})"


class Officer(models.Model):
    """A user's request to represent a municipality, and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_links",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="officers",
        verbose_name=_("municipality"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    position = models.CharField(_("position"), max_length=160, blank=True)
    message = models.TextField(_("message to the staff"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="unique_officer_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.municipality}"


class ProfileRevision(models.Model):
    """One saved edit of a profile: who, when, and each changed field's old and new value."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("municipality"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    # {"field_name": {"old": "...", "new": "..."}} with values as display text.
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("profile revision")
        verbose_name_plural = _("profile revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.municipality} @ {self.created_at:%Y-%m-%d %H:%M}"
