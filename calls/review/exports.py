"""Committee exports rendered by Celery: every score as CSV, the committee report as PDF.

An export holds what its requester could see when they asked for it; it is stored privately
and downloaded through a permission-checked view.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from calls.models import Call, CommitteeMember
from calls.review.models import CommitteeExport, CriterionScore, Review
from calls.review.ranking import Ranking, call_ranking, conflicted
from calls.review.results_access import results_reader
from calls.review.scoring import LENIENCY_EXPLANATION
from coalition.audit import record_event
from coalition.csvexport import csv_lines
from coalition.models import User
from coalition.outbox import enqueue
from coalition.pdf import render_pdf
from coalition.permissions import is_chapter_staff
from coalition.storage import delete_after_commit

CSV_HEADER = [
    "application",
    "municipality",
    "region",
    "review",
    "reviewer",
    "reviewer_kind",
    "review_score",
    "weight_assessed",
    "criterion",
    "criterion_weight",
    "level_score",
    "level",
    "cannot_assess",
    "comment",
]


EXPORT_LIFETIME_DAYS = 30


def exports_purge(*, older_than_days: int = EXPORT_LIFETIME_DAYS) -> int:
    """Delete exports past their useful life (they can always be asked for again), files
    once the deletion has committed. Run whenever someone asks for a new export."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    old = list(CommitteeExport.objects.filter(requested_at__lt=cutoff))
    names = [export.file.name for export in old if export.file]
    CommitteeExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    delete_after_commit(CommitteeExport._meta.get_field("file").storage, names)
    return len(old)


@transaction.atomic
def export_request(*, call: Call, actor: User, kind: str, language: str) -> CommitteeExport:
    from calls.review import tasks_results

    reader = results_reader(actor, call)
    if reader is None:
        raise PermissionDenied
    ids = None if reader.application_ids is None else sorted(reader.application_ids)
    export = CommitteeExport.objects.create(
        call=call, kind=kind, requested_by=actor, application_ids=ids, language=language
    )
    record_event(
        actor=actor,
        action="committee_export.request",
        target=export,
        chapter=call.chapter_id,
        to_state=export.status,
        details={"kind": kind},
    )
    enqueue(tasks_results.render_committee_export, export.pk)
    exports_purge()
    return export


def can_download_export(user, export: CommitteeExport) -> bool:
    """The requester while they may still read the call's results, or the chapter's staff."""
    if not user.is_authenticated:
        return False
    if is_chapter_staff(user, export.call.chapter_id):
        return True
    return export.requested_by_id == user.pk and results_reader(user, export.call) is not None


def score_rows(call: Call, application_ids: list[int] | None, *, names: bool) -> list[list[Any]]:
    """One row per submitted review and criterion, best application first."""
    scores = CriterionScore.objects.filter(
        review__assignment__application__call=call, review__status=Review.Status.SUBMITTED
    ).exclude(conflicted("review__assignment"))
    if application_ids is not None:
        scores = scores.filter(review__assignment__application_id__in=application_ids)
    values = scores.order_by(
        "review__assignment__application__municipality__name",
        "review_id",
        "criterion__position",
        "criterion_id",
    ).values_list(
        "review__assignment__application_id",
        "review__assignment__application__municipality__name",
        "review__assignment__application__municipality__region",
        "review_id",
        "review__assignment__member_id",
        "review__assignment__member__user__full_name",
        "review__assignment__member__kind",
        "review__score",
        "review__weight_assessed",
        "criterion__title",
        "criterion__weight",
        "level__score",
        "level__description",
        "cannot_assess",
        "comment",
    )
    kinds = dict(CommitteeMember.Kind.choices)
    rows = []
    for (
        application_id,
        city,
        region,
        review_id,
        member_id,
        full_name,
        kind,
        review_score,
        weight_assessed,
        criterion,
        criterion_weight,
        level_score,
        level,
        cannot_assess,
        comment,
    ) in values:
        # Staff know who reviewed; anyone else reads a stable pseudonym.
        reviewer = full_name if names else f"R{member_id}"
        rows.append(
            [
                application_id,
                city,
                region or "",
                review_id,
                reviewer or "",
                str(kinds.get(kind, kind)),
                "" if review_score is None else f"{review_score:.2f}",
                weight_assessed,
                criterion,
                criterion_weight,
                "" if level_score is None else level_score,
                level or "",
                "yes" if cannot_assess else "no",
                comment or "",
            ]
        )
    return rows


def render_scores_csv(export: CommitteeExport) -> bytes:
    names = is_chapter_staff(export.requested_by, export.call.chapter_id)
    rows = score_rows(export.call, export.application_ids, names=names)
    return "".join(csv_lines(CSV_HEADER, rows)).encode("utf-8")


def score_sheets(call: Call, ranking: Ranking) -> list[dict[str, Any]]:
    """Each application's reviews, criterion by criterion, for the report (no names)."""
    ids = [row.application_id for row in ranking.rows]
    levels = {
        (review_id, criterion_id): (score, description, cannot)
        for review_id, criterion_id, score, description, cannot in CriterionScore.objects.filter(
            review__assignment__application_id__in=ids, review__status=Review.Status.SUBMITTED
        )
        .exclude(conflicted("review__assignment"))
        .values_list(
            "review_id", "criterion_id", "level__score", "level__description", "cannot_assess"
        )
    }
    reviews: dict[int, list[dict[str, Any]]] = {}
    for review_id, application_id, score, weight, comment in (
        Review.objects.filter(assignment__application_id__in=ids, status=Review.Status.SUBMITTED)
        .exclude(conflicted("assignment"))
        .order_by("id")
        .values_list(
            "id", "assignment__application_id", "score", "weight_assessed", "overall_comment"
        )
    ):
        reviews.setdefault(application_id, []).append(
            {
                "number": len(reviews.get(application_id, [])) + 1,
                "score": score,
                "weight_assessed": weight,
                "comment": comment,
                "levels": [levels.get((review_id, column.id)) for column in ranking.criteria],
            }
        )
    return [{"row": row, "reviews": reviews.get(row.application_id, [])} for row in ranking.rows]


def render_report_pdf(export: CommitteeExport) -> bytes:
    ranking = call_ranking(export.call)
    if export.application_ids is not None:
        ranking = ranking.only(frozenset(export.application_ids))
    context = {
        "call": export.call,
        "ranking": ranking,
        "sheets": score_sheets(export.call, ranking),
        "leniency_explanation": LENIENCY_EXPLANATION,
        "generated_at": timezone.now(),
    }
    return render_pdf("review/results/report_pdf.html", context)


def export_render(*, export_id: int) -> CommitteeExport:
    """Render a pending export. Safe to run twice."""
    export = CommitteeExport.objects.select_related("call__chapter", "requested_by").get(
        pk=export_id
    )
    if export.status == CommitteeExport.Status.READY:
        return export
    try:
        with translation.override(export.language), timezone.override(export.call.chapter.zone):
            if export.kind == CommitteeExport.Kind.SCORES_CSV:
                content, suffix = render_scores_csv(export), "csv"
            else:
                content, suffix = render_report_pdf(export), "pdf"
    except Exception:
        CommitteeExport.objects.filter(pk=export_id).update(
            status=CommitteeExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        export = CommitteeExport.objects.select_for_update().get(pk=export_id)
        if export.status == CommitteeExport.Status.READY:
            return export
        name = f"{export.call.slug}-{export.kind}-{export.pk}.{suffix}"
        export.file.save(name, ContentFile(content), save=False)
        export.status = CommitteeExport.Status.READY
        export.finished_at = timezone.now()
        export.save()
        record_event(
            actor=None,
            action="committee_export.render",
            target=export,
            chapter=export.call.chapter_id,
            from_state=CommitteeExport.Status.PENDING,
            to_state=export.status,
        )
    return export


def exports_of(user, call: Call) -> list[CommitteeExport]:
    exports = CommitteeExport.objects.filter(call=call).order_by("-requested_at", "-id")
    if not is_chapter_staff(user, call.chapter_id):
        exports = exports.filter(requested_by=user)
    return list(exports[:10])
