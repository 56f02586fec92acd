"""Every write of indicators, targets and measurements: one named, atomic, audited function
each. Views, the CSV import and the demo call these; nothing else saves those models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coalition.audit import record_event
from coalition.models import User
from projects.access import project_chapter_id
from projects.indicators.models import INDICATOR_FIELDS, Indicator, Measurement, Target
from projects.models import Project

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _save_checked(indicator: Indicator) -> None:
    """Validate and save; a second indicator of the same name in a project (caught by the
    unique constraint, even in a race) is a form error on the name."""
    indicator.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("This project already has an indicator of that name.")}
        ) from error


@transaction.atomic
def indicator_create(*, project: Project, actor: User, **fields: Any) -> Indicator:
    indicator = Indicator(project=project, created_by=actor, **fields)
    _save_checked(indicator)
    record_event(
        actor=actor,
        action="indicator.create",
        target=indicator,
        chapter=project_chapter_id(project),
        details={"project": project.slug},
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: User, **fields: Any) -> Indicator:
    changed = {}
    for name in INDICATOR_FIELDS:
        if name in fields and getattr(indicator, name) != fields[name]:
            changed[name] = {"old": str(getattr(indicator, name)), "new": str(fields[name])}
            setattr(indicator, name, fields[name])
    if not changed:
        return indicator
    _save_checked(indicator)
    record_event(
        actor=actor,
        action="indicator.update",
        target=indicator,
        chapter=project_chapter_id(indicator.project),
        details={"changes": changed},
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: User) -> None:
    project = indicator.project
    files = [m.evidence.name for m in indicator.measurements.all() if m.evidence]
    record_event(
        actor=actor,
        action="indicator.delete",
        target=indicator,
        chapter=project_chapter_id(project),
        details={"project": project.slug},
    )
    indicator.delete()
    if files:
        storage = Measurement._meta.get_field("evidence").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])


@transaction.atomic
def target_set(
    *, indicator: Indicator, actor: User, period_start: date, period_end: date, value: Decimal
) -> Target:
    """Add a target, or change the value of the one for the same period."""
    target = Target.objects.filter(
        indicator=indicator, period_start=period_start, period_end=period_end
    ).first() or Target(indicator=indicator, period_start=period_start, period_end=period_end)
    old = target.value
    target.value = value
    target.full_clean(validate_constraints=False)
    target.save()
    record_event(
        actor=actor,
        action="indicator.target_set",
        target=indicator,
        chapter=project_chapter_id(indicator.project),
        details={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "old": str(old) if old is not None else "",
            "new": str(value),
        },
    )
    return target


@transaction.atomic
def target_delete(*, target: Target, actor: User) -> None:
    indicator = target.indicator
    record_event(
        actor=actor,
        action="indicator.target_delete",
        target=indicator,
        chapter=project_chapter_id(indicator.project),
        details={"period_end": target.period_end.isoformat(), "value": str(target.value)},
    )
    target.delete()


def duplicate_period_message() -> str:
    return _("A measurement of this indicator for that period is already reported.")


def measurement_report(
    *,
    indicator: Indicator,
    actor: User,
    period_start: date,
    period_end: date,
    value: Decimal,
    method: str = "",
    evidence_link: str = "",
    evidence: UploadedFile | None = None,
) -> Measurement:
    """Report a value for a period. The evidence PDF is checked (bounded child process) and
    stored before the transaction; a refused report leaves no file behind."""
    measurement = Measurement(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        method=method,
        evidence_link=evidence_link,
        reported_by=actor,
    )
    measurement.full_clean(exclude=["evidence"], validate_constraints=False)
    if evidence is not None:
        from calls.pdfcheck import inspect_pdf

        facts = inspect_pdf(evidence, max_bytes=EVIDENCE_MAX_BYTES, max_pages=None)
        evidence.seek(0)
        measurement.evidence_name = (evidence.name or "evidence.pdf")[:255]
        measurement.evidence_size = facts.size
        measurement.evidence_sha256 = facts.sha256
        measurement.evidence.save("evidence.pdf", evidence, save=False)
    try:
        with transaction.atomic():
            measurement.save()
            _audit_report(measurement, actor)
    except IntegrityError as error:
        _drop_file(measurement)
        raise ValidationError({"period_start": duplicate_period_message()}) from error
    except BaseException:
        _drop_file(measurement)
        raise
    return measurement


def _drop_file(measurement: Measurement) -> None:
    if measurement.evidence:
        measurement.evidence.storage.delete(measurement.evidence.name)


def _audit_report(measurement: Measurement, actor: User, action: str = "measurement.report"):
    indicator = measurement.indicator
    record_event(
        actor=actor,
        action=action,
        target=indicator,
        chapter=project_chapter_id(indicator.project),
        details={
            "period_start": measurement.period_start.isoformat(),
            "period_end": measurement.period_end.isoformat(),
            "value": str(measurement.value),
        },
    )


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor: User) -> None:
    _audit_report(measurement, actor, action="measurement.delete")
    name = measurement.evidence.name if measurement.evidence else ""
    measurement.delete()
    if name:
        storage = measurement.evidence.storage
        transaction.on_commit(lambda: storage.delete(name))


def measurements_import(*, project: Project, actor: User, rows: list[dict]) -> int:
    """Save every row of a checked CSV import in one transaction: all or nothing.

    `rows` are dicts with `indicator_id`, `period_start`, `period_end` (dates), `value`
    (Decimal), `method` and `evidence_link`. A row that no longer fits (someone reported the
    same period meanwhile) refuses the whole import with its message."""
    indicators = {i.pk: i for i in Indicator.objects.filter(project=project)}
    created = []
    try:
        with transaction.atomic():
            for row in rows:
                indicator = indicators.get(row["indicator_id"])
                if indicator is None:
                    raise ValidationError(_("An indicator of the file no longer exists."))
                measurement = Measurement(
                    indicator=indicator,
                    period_start=row["period_start"],
                    period_end=row["period_end"],
                    value=row["value"],
                    method=row.get("method", ""),
                    evidence_link=row.get("evidence_link", ""),
                    reported_by=actor,
                )
                measurement.full_clean(exclude=["evidence"])
                created.append(measurement)
            Measurement.objects.bulk_create(created)
            record_event(
                actor=actor,
                action="measurement.import",
                target=project,
                chapter=project_chapter_id(project),
                details={"rows": len(created)},
            )
    except IntegrityError as error:
        raise ValidationError(duplicate_period_message()) from error
    return len(created)
