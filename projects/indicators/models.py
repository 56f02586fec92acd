"""Impact indicators of a project, shaped like the IATI results standard.

An `Indicator` (what is measured, in which unit, which way is better, from which baseline)
has `Target`s per period and `Measurement`s per period. Values are decimals with a ceiling
(`VALUE_DIGITS`), so a number no column can hold is refused at the field; the kind of measure
bounds them further (a percentage 0-100, yes/no 0 or 1). A measurement is reported once per
period: a database constraint backs the form's message.

Whether and when a project must report (`reporting_period_months` on the project) is decided in
`projects.indicators.schedule`; `ReportingReminderSent` makes its e-mails exactly-once.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Project

# 14 digits before the decimal point, 4 after: money in pesos fits, 10**20 does not.
VALUE_DIGITS = 18
VALUE_PLACES = 4
VALUE_LIMIT = Decimal(10**14) - 1


def value_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        validators=[MinValueValidator(-VALUE_LIMIT), MaxValueValidator(VALUE_LIMIT)],
    )


# What a person writes of an indicator (its form, its update service, the API's records).
INDICATOR_FIELDS = (
    "name",
    "description",
    "unit",
    "measure",
    "direction",
    "baseline_value",
    "baseline_date",
)


class Indicator(models.Model):
    class Measure(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        MONEY = "money", _("Money")
        YES_NO = "yes_no", _("Yes or no")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=40,
        blank=True,
        help_text=_('What one unit is, e.g. "days", "requests", "CLP".'),
    )
    measure = models.CharField(
        _("measure"), max_length=12, choices=Measure.choices, default=Measure.NUMBER
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = value_field(_("baseline value"))
    baseline_date = models.DateField(_("baseline date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="indicator_name_once_per_project",
                violation_error_message=_("This project already has an indicator of that name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        check_value(self.measure, self.baseline_value, "baseline_value")

    @property
    def lower_is_better(self) -> bool:
        return self.direction == self.Direction.DECREASE


def check_value(measure: str, value: Decimal | None, field: str) -> None:
    """The bounds a kind of measure puts on a value, as a message at `field`."""
    if value is None:
        return
    if measure == Indicator.Measure.PERCENTAGE and not (0 <= value <= 100):
        raise ValidationError({field: _("A percentage is between 0 and 100.")})
    if measure == Indicator.Measure.YES_NO and value not in (0, 1):
        raise ValidationError({field: _("For a yes-or-no indicator, enter 1 (yes) or 0 (no).")})
    if measure == Indicator.Measure.MONEY and value < 0:
        raise ValidationError({field: _("An amount of money cannot be negative.")})


def check_period(start, end) -> None:
    if start and end and end < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})


class Target(models.Model):
    """The value the project aims at by the end of a period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = value_field(_("target value"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_id", "period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="target_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"],
                name="target_once_per_period",
                violation_error_message=_("This indicator already has a target for that period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.value} ({self.period_end})"

    def clean(self) -> None:
        super().clean()
        check_period(self.period_start, self.period_end)
        if self.indicator_id:
            check_value(self.indicator.measure, self.value, "value")


def evidence_path(instance: Measurement, filename: str) -> str:
    return f"indicators/{timezone.now():%Y/%m}/{instance.evidence_sha256[:16] or 'evidence'}.pdf"


class Measurement(models.Model):
    """A value the project reports for one period, with how it was measured and evidence."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = value_field(_("value"))
    method = models.CharField(_("method or source"), max_length=300, blank=True)
    # Evidence: a PDF checked like every upload (private; served by a permission-checked
    # view), or a link, or both.
    evidence = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="measurement_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"],
                name="measurement_once_per_period",
                violation_error_message=_(
                    "A measurement of this indicator for that period is already reported."
                ),
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start} - {self.period_end})"

    def clean(self) -> None:
        super().clean()
        check_period(self.period_start, self.period_end)
        if self.indicator_id:
            check_value(self.indicator.measure, self.value, "value")


class ReportingReminderSent(models.Model):
    """The "update due" or "overdue" e-mail of one project for one reporting period went out:
    the unique constraint makes each exactly-once, whatever the number of beat ticks."""

    class Kind(models.TextChoices):
        DUE = "due", _("Update due")
        OVERDUE = "overdue", _("Update overdue")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    period_end = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporting reminder sent")
        verbose_name_plural = _("reporting reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_end", "kind"], name="reporting_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.period_end} {self.kind}"
