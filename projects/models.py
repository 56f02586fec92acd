"""Govtech startups, the challenges cities publish, and the collaborative projects between them.

Indicators (projects/indicators) and the public AI register (projects/register) hang off
`Project` in their own apps. Publication rule, everywhere: a project, a challenge or a
startup page is public only when `projects.selectors` says so; drafts are private to the
officers of the participating cities and the staff of their chapters.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipalities.models import Municipality


class Area(models.TextChoices):
    """The fields of municipal work the seeds name (trámites, seguridad, conectividad,
    atención ciudadana...), shared by challenges, projects and register entries."""

    PROCEDURES = "procedures", _("Procedures and permits")
    CITIZEN_SERVICE = "citizen_service", _("Citizen service")
    SAFETY = "safety", _("Public safety")
    CONNECTIVITY = "connectivity", _("Connectivity")
    MOBILITY = "mobility", _("Mobility and transport")
    ENVIRONMENT = "environment", _("Environment and waste")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    SOCIAL = "social", _("Social services")
    URBAN = "urban", _("Urban planning and public works")
    FINANCE = "finance", _("Municipal finance")
    OTHER = "other", _("Other")


class StartupCountry(models.TextChoices):
    CHILE = "CL", _("Chile")
    ARGENTINA = "AR", _("Argentina")
    BRAZIL = "BR", _("Brazil")
    COLOMBIA = "CO", _("Colombia")
    MEXICO = "MX", _("Mexico")
    PERU = "PE", _("Peru")
    URUGUAY = "UY", _("Uruguay")
    SPAIN = "ES", _("Spain")
    OTHER = "XX", _("Other country")


class SectorTag(models.Model):
    """A sector a startup works in (e.g. "GovTech", "Computer vision")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)

    class Meta:
        verbose_name = _("sector tag")
        verbose_name_plural = _("sector tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Startup(models.Model):
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=StartupCountry.choices)
    # Canonical spelling from projects.taxids.normalize_tax_id; empty when unknown.
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    sectors = models.ManyToManyField(
        SectorTag, related_name="startups", blank=True, verbose_name=_("sectors")
    )
    contact_name = models.CharField(_("public contact name"), max_length=160, blank=True)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    # Staff merge duplicates into one record; the merged one stays as a pointer so that old
    # links and audit entries still resolve.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("startup")
        verbose_name_plural = _("startups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                condition=~Q(tax_id="") & Q(merged_into__isnull=True),
                name="startup_unique_tax_id_per_country",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Challenge(models.Model):
    """A problem one or more cities want solved ("desafío")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("challenge status", "Open")
        ADDRESSED = "addressed", pgettext_lazy("challenge status", "Addressed")

    # The statuses in which anyone may see a challenge (a draft only its authors and staff).
    PUBLIC_STATUSES = (Status.OPEN, Status.ADDRESSED)

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="challenges", verbose_name=_("municipalities")
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    description = models.TextField(_("description"), max_length=5000)
    affected = models.TextField(_("who is affected"), max_length=2000, blank=True)
    data_available = models.TextField(_("data available"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "area"])]

    def __str__(self) -> str:
        return self.title


class Project(models.Model):
    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        PILOT = "pilot", _("Pilot")
        PRODUCTION = "production", _("In production")
        EVALUATED = "evaluated", _("Evaluated")
        RETIRED = "retired", _("Retired")

    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        # Staff of a participating chapter took it down, with a reason.
        WITHDRAWN = "withdrawn", _("Withdrawn by staff")

    class Currency(models.TextChoices):
        CLP = "CLP", _("Chilean pesos (CLP)")
        ARS = "ARS", _("Argentine pesos (ARS)")
        USD = "USD", _("US dollars (USD)")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    municipalities = models.ManyToManyField(
        Municipality,
        through="ProjectCity",
        related_name="projects",
        verbose_name=_("municipalities"),
    )
    startups = models.ManyToManyField(
        Startup, through="ProjectStartup", related_name="projects", verbose_name=_("startups")
    )
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("challenge addressed"),
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    problem = models.TextField(_("the problem, in plain words"), max_length=5000)
    solution = models.TextField(_("the solution, in plain words"), max_length=5000)
    uses_ai = models.BooleanField(_("uses artificial intelligence"), default=True)
    ai_technique = models.TextField(
        _("the AI technique, in plain words"), max_length=2000, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="idea")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**13 - 1)],
    )
    budget_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    summary = models.TextField(_("public summary"), max_length=1000)
    # How often the project reports its indicators, in months (default: quarterly).
    reporting_period_months = models.PositiveSmallIntegerField(
        _("reporting period"),
        choices=[
            (1, _("Monthly")),
            (3, _("Quarterly")),
            (6, _("Every six months")),
            (12, _("Yearly")),
        ],
        default=3,
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.DRAFT
    )
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Optimistic versioning, as for applications: a save names the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Folded (accents and case removed, municipalities.models.fold) title, summary, cities and
    # startups, for the directory's search; kept by projects.services.
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="project_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["visibility", "status"]),
            models.Index(fields=["visibility", "area"]),
            # The public directory's order: a page is read from it without sorting them all.
            models.Index(
                fields=["visibility", "-published_at", "-id"], name="project_visibility_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.visibility == self.Visibility.PUBLISHED


class ProjectCity(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="city_links")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="project_links"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participating city")
        verbose_name_plural = _("participating cities")
        constraints = [
            models.UniqueConstraint(fields=["project", "municipality"], name="project_city_once")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.project}"


class ProjectStartup(models.Model):
    class Role(models.TextChoices):
        PROVIDER = "provider", _("Provider")
        CO_DEVELOPER = "co_developer", _("Co-developer")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="startup_links")
    startup = models.ForeignKey(Startup, on_delete=models.PROTECT, related_name="project_links")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default="provider")

    class Meta:
        verbose_name = _("participating startup")
        verbose_name_plural = _("participating startups")
        constraints = [
            models.UniqueConstraint(fields=["project", "startup"], name="project_startup_once")
        ]

    def __str__(self) -> str:
        return f"{self.startup} — {self.project}"


class ProjectStatusChange(models.Model):
    """Each move along idea → pilot → in production → evaluated → retired, with its date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=12, choices=Project.Status.choices)
    changed_on = models.DateField(_("date of the change"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.changed_on})"


class ProjectRevision(models.Model):
    """One saved edit of a project: who, when, and each changed field's old and new value."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    # {"field_name": {"old": "...", "new": "..."}} with values as display text.
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("project revision")
        verbose_name_plural = _("project revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} @ {self.created_at:%Y-%m-%d %H:%M}"


class ProjectLink(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ProjectAttachment(models.Model):
    """A PDF about the project (e.g. a case study), checked like application documents."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/%Y/%m/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class CommitmentReminderSent(models.Model):
    """The yearly-commitment reminder went to this city for this year: exactly once."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="commitment_reminder_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"
