"""Application rounds: calls, what they ask for, applications, their documents, committees."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coalition.models import Chapter

DEFAULT_REPORT_PAGE_LIMIT = 5
DEFAULT_MAX_UPLOAD_MB = 10


class Call(models.Model):
    """An application round of a chapter, e.g. "Convocatoria CIIAR Argentina 2025"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Phase(models.TextChoices):
        """Where a published call stands in its timeline (derived from the instants)."""

        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ANNOUNCED = "announced", _("Results announced")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="calls", verbose_name=_("chapter")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    commitments = models.TextField(_("commitments of the selected cities"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Instants (stored in UTC); entered and shown in the chapter's time zone.
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    announces_at = models.DateTimeField(_("results announced at"), null=True, blank=True)
    # The committee's side of the call (built in `calls.review`).
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    review_load_cap = models.PositiveSmallIntegerField(
        _("most applications per reviewer"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold (points of 100)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Applications whose highest and lowest review scores differ by more than this "
            "are listed first for discussion."
        ),
    )
    # Once closed, submitted reviews can no longer be revised.
    committee_closed_at = models.DateTimeField(_("committee closed at"), null=True, blank=True)
    report_page_limit = models.PositiveSmallIntegerField(
        _("page limit of the report"),
        default=DEFAULT_REPORT_PAGE_LIMIT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_upload_mb = models.PositiveSmallIntegerField(
        _("size limit of each document (MB)"),
        default=DEFAULT_MAX_UPLOAD_MB,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    max_annexes = models.PositiveSmallIntegerField(
        _("optional annexes allowed"), default=2, validators=[MaxValueValidator(10)]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="call_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(announces_at__isnull=True)
                | Q(closes_at__lte=models.F("announces_at")),
                name="call_closes_before_results",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.opens_at is None or now < self.opens_at:
            return self.Phase.UPCOMING
        if self.closes_at is None or now < self.closes_at:
            return self.Phase.OPEN
        if self.announces_at is None or now < self.announces_at:
            return self.Phase.CLOSED
        return self.Phase.ANNOUNCED

    def is_open(self, now=None) -> bool:
        """Open for editing and submitting: the closing instant itself is already too late."""
        return self.status == self.Status.PUBLISHED and self.phase(now) == self.Phase.OPEN


class EligibilityRequirement(models.Model):
    """A yes/no declaration every applicant makes, optionally with evidence."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("call")
    )
    text = models.CharField(_("requirement"), max_length=300)
    evidence_requested = models.BooleanField(_("ask for evidence"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("eligibility requirement")
        verbose_name_plural = _("eligibility requirements")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Question(models.Model):
    """An extra question of a call."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Single choice")
        YES_NO = "yes_no", _("Yes / no")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="questions", verbose_name=_("call")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    word_limit = models.PositiveIntegerField(
        _("word limit"), null=True, blank=True, help_text=_("Only for long text.")
    )
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("Only for single choice.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Criterion(models.Model):
    """A criterion of the call's scoring rubric; weights of a call sum to 100."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class CriterionLevel(models.Model):
    """What a given score means for a criterion, e.g. 3 = "a plan approved and funded"."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("score level")
        verbose_name_plural = _("score levels")
        ordering = ["score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="unique_level_score")
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.description}"


class Application(models.Model):
    """One municipality's application to one call."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened for correction")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")

    EDITABLE = (Status.DRAFT, Status.REOPENED)
    # Submitted and not sent back: what staff screen and reopen.
    SUBMITTED_STATES = (Status.SUBMITTED, Status.ELIGIBLE, Status.INELIGIBLE)

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("municipality"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Registration form
    contact_name = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_role = models.CharField(_("role of the contact person"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    innovation_unit = models.CharField(_("innovation unit"), max_length=200, blank=True)
    innovation_team = models.TextField(_("the unit's team"), blank=True)
    digital_plan = models.TextField(_("digital transformation plan"), blank=True)
    initiatives = models.TextField(_("current digital and AI initiatives"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    # {"<requirement id>": {"accepted": bool, "evidence": str}}
    declarations = models.JSONField(_("eligibility declarations"), default=dict, blank=True)
    # {"<question id>": value}
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    # Optimistic concurrency: every save bumps it; a stale editor is told, never overwrites.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    screening_reason = models.TextField(_("screening reason"), blank=True)
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/", blank=True)
    dossier = models.FileField(_("dossier"), upload_to="dossiers/%Y/", blank=True)
    # The content hash the dossier was rendered from; a different hash means re-render.
    dossier_source_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "municipality"], name="one_application_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("application_edit", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Document(models.Model):
    """A PDF attached to an application, checked on arrival. Stored privately."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Commitment letter signed by the mayor")
        REPORT = "report", _("Descriptive report")
        ANNEX = "annex", _("Annex")

    class Signature(models.TextChoices):
        """The verdict on the file's digital signatures (`calls.signatures`), the worst one
        when there are several. Only VALID means the portal vouches for the signer."""

        VALID = "valid", _("Valid signature, trusted issuer")
        UNTRUSTED = "untrusted", _("Intact signature, issuer not verified")
        MODIFIED = "modified", _("Invalid signature: modified after signing")
        APPENDED = "appended", _("Invalid signature: content added after signing")
        # Uploaded before signatures were verified, or a signature that cannot be checked
        # (unsupported algorithm, malformed, outside the form fields).
        UNVERIFIED = "unverified", _("Signature not verified")
        NONE = "none", _("No digital signature")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signature = models.CharField(
        _("signature"), max_length=16, choices=Signature.choices, default=Signature.NONE
    )
    signer_name = models.CharField(_("signed by"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=~Q(kind="annex"),
                name="one_letter_and_one_report_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class ReminderSent(models.Model):
    """A deadline reminder already sent: the unique constraint makes sending idempotent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user", "days_before"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.user_id}/{self.days_before}"


class CommitteeMember(models.Model):
    """A person named to the evaluation committee of one call."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official of a founding city")
        EXPERT = "expert", _("Outside expert")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="committee", verbose_name=_("call")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_seats",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXPERT)
    # Officials represent a founding city: they never review it, and cities of its region are
    # flagged as potential conflicts.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("municipality"),
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    # A member who withdraws keeps their submitted reviews; open assignments are reassigned.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="unique_committee_member"),
            models.CheckConstraint(
                condition=Q(kind="expert") | Q(municipality__isnull=False),
                name="committee_official_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.call}"
