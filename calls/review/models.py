"""The committee's half of a call: who reviews what, how they score, and what was decided.

Scores follow the call's rubric (`calls.Criterion` with its `CriterionLevel`s). A review's
score is the weighted mean over the criteria it assessed, on 0-100; "cannot assess" is left
out, never counted as 0 (see `calls.review.scoring`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calls.models import Application, Call, CommitteeMember, Criterion, CriterionLevel


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """Staff invite someone without an account to a call's committee by e-mail.

    Accepting (after sign-up, as the invited address) creates the `CommitteeMember`.
    """

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="committee_invitations", verbose_name=_("call")
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CommitteeMember.Kind.choices, default="expert"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    is_chair = models.BooleanField(_("chair"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee invitation")
        verbose_name_plural = _("committee invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.call}"


class ConflictDeclaration(models.Model):
    """What a member declares before anything of an application is shown to them."""

    class Kind(models.TextChoices):
        OWN_MUNICIPALITY = "own_municipality", _("It is my own municipality")
        CLOSE_TIE = "close_tie", _("Close professional or family tie")
        WORKED_FOR = "worked_for", _("I worked for or advised the city in the last two years")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="declarations"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("has a conflict"))
    kind = models.CharField(_("kind of conflict"), max_length=20, choices=Kind.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)

    class Meta:
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_declaration_per_member_application"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False, kind="") | Q(has_conflict=True) & ~Q(kind=""),
                name="conflict_has_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.application_id}: {self.has_conflict}"


class ConflictFlag(models.Model):
    """A conflict the portal detects from who the member is.

    An official never reviews their own city (BLOCKED, final). An official of a city in the
    same region or province is POTENTIAL until staff confirm or dismiss it with a reason.
    """

    class Reason(models.TextChoices):
        OWN_MUNICIPALITY = "own_municipality", _("Official of the applicant city")
        SAME_REGION = "same_region", _("Official of a city in the same region or province")

    class Status(models.TextChoices):
        BLOCKED = "blocked", _("Blocked")
        POTENTIAL = "potential", _("Potential, to be decided")
        CONFIRMED = "confirmed", _("Confirmed by staff")
        DISMISSED = "dismissed", _("Dismissed by staff")

    # A flag in one of these states keeps the member away from the application.
    EXCLUDING = (Status.BLOCKED, Status.POTENTIAL, Status.CONFIRMED)

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="flags")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflict_flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("detected conflict")
        verbose_name_plural = _("detected conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_flag_per_member_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.application_id}: {self.status}"


class Assignment(models.Model):
    """A member asked to review one eligible application."""

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "application"], name="one_assignment_per_member_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.application_id}"


class ReviewReminderSent(models.Model):
    """A review-deadline reminder already sent: the constraint makes sending idempotent."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "days_before"], name="one_review_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.days_before}"


class Review(models.Model):
    """One member's review of one application. Drafts autosave; submitted ones may be
    revised until the committee closes, and every change leaves a `ReviewRevision`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    overall_comment = models.TextField(_("comment for the committee"), max_length=10000, blank=True)
    applicant_note = models.TextField(_("note for the applicant"), max_length=4000, blank=True)
    # Derived from the criterion scores by `calls.review.scoring`, stored so that rankings
    # read one row per review.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    weight_assessed = models.PositiveSmallIntegerField(_("share of weight assessed (%)"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        # Stored as the audit log's target label: words, not the raw status.
        return gettext("Review %(number)s (%(status)s)") % {
            "number": self.pk,
            "status": self.get_status_display(),
        }


class CriterionScore(models.Model):
    """The level a reviewer chose for one criterion, or "cannot assess" (level empty)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(
        CriterionLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cannot_assess = models.BooleanField(_("cannot assess"), default=False)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="one_score_per_review_criterion"
            ),
            models.CheckConstraint(
                condition=Q(cannot_assess=False) | Q(level__isnull=True),
                name="cannot_assess_has_no_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.criterion_id}"


class ReviewRevision(models.Model):
    """A change to a submitted review: who, when, the old and the new content."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class DiscussionPost(models.Model):
    """A message in an application's discussion (non-conflicted members and staff)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="discussion_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.body[:40]}"


class Discussed(models.Model):
    """Staff mark an application as discussed by the committee."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="discussed"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application_id} discussed"


class Decision(models.Model):
    """Staff's decision on one application, with the scores it was based on frozen."""

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Selected")
        WAITING_LIST = "waiting_list", _("Waiting list")
        NOT_SELECTED = "not_selected", _("Not selected")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices)
    rationale = models.TextField(_("rationale"), max_length=5000)
    note_for_applicant = models.TextField(
        _("the committee's note for the applicant"), max_length=4000, blank=True
    )
    # Frozen when recorded: {"score": ..., "reviews": [...], "per_criterion": {...}}.
    score_snapshot = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale")
        ]

    def __str__(self) -> str:
        # The audit log shows this label: the city and the call, not ids.
        return str(self.application)


class ResultsPublication(models.Model):
    """The set of decisions of a call, proposed by one staff member and approved by another.

    Published at the call's announcement instant by beat (or at once by staff), exactly once.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="publications")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    # {"<application id>": "<outcome>"} as proposed: approving checks nothing changed since.
    decisions = models.JSONField(default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    publish_now = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("results publication")
        verbose_name_plural = _("results publications")
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=~Q(status="withdrawn"),
                name="one_live_publication_per_call",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="publication_needs_two_people",
            ),
        ]

    def __str__(self) -> str:
        return str(self.call)


class CommitteeExport(models.Model):
    """A CSV of every score or a PDF committee report, rendered by Celery, stored privately.

    It holds what its requester may see when asking (`application_ids`, empty for all), and
    only its requester (or staff of the chapter) downloads it.
    """

    class Kind(models.TextChoices):
        SCORES_CSV = "scores_csv", _("Every score (CSV)")
        REPORT_PDF = "report_pdf", _("Committee report (PDF)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="committee_exports")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # None: every application of the call (staff); else the ids the requester could see.
    application_ids = models.JSONField(null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="committee-exports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("committee export")
        verbose_name_plural = _("committee exports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
