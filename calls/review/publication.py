"""Two people publish a call's results: one proposes the set of decisions, another approves.

Approved results go out at the call's announcement instant (a beat task) or at once when staff
chose "publish now". Publishing happens exactly once however often beat ticks: the row is
locked and `published_at` checked inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calls.models import Application, Call
from calls.review.models import Decision, ResultsPublication
from calls.review.results_access import can_decide
from calls.services import email_officers
from coalition.audit import record_event
from coalition.models import User
from municipalities.models import Membership


def live_publication(call: Call) -> ResultsPublication | None:
    return (
        ResultsPublication.objects.filter(call=call)
        .exclude(status=ResultsPublication.Status.WITHDRAWN)
        .select_related("proposed_by", "approved_by")
        .first()
    )


def results_published(call: Call | int) -> bool:
    call_id = getattr(call, "pk", call)
    return ResultsPublication.objects.filter(
        call_id=call_id, status=ResultsPublication.Status.PUBLISHED
    ).exists()


@dataclass(frozen=True)
class PublishedResult:
    """What the applicant city sees: the outcome and the committee's note, no names, no
    scores of individual reviewers."""

    outcome: str
    outcome_label: str
    note: str
    published_at: datetime


def published_result(application: Application) -> PublishedResult | None:
    """The decision on `application` once its call's results are published; None before."""
    publication = ResultsPublication.objects.filter(
        call_id=application.call_id, status=ResultsPublication.Status.PUBLISHED
    ).first()
    if publication is None:
        return None
    decision = Decision.objects.filter(application_id=application.pk).first()
    if decision is None or str(application.pk) not in publication.decisions:
        return None
    return PublishedResult(
        outcome=decision.outcome,
        outcome_label=decision.get_outcome_display(),
        note=decision.note_for_applicant,
        published_at=publication.published_at,
    )


def current_decisions(call: Call) -> dict[str, str]:
    return {
        str(application_id): outcome
        for application_id, outcome in Decision.objects.filter(
            application__call=call, application__status=Application.Status.ELIGIBLE
        ).values_list("application_id", "outcome")
    }


def undecided_count(call: Call) -> int:
    return Application.objects.filter(
        call=call, status=Application.Status.ELIGIBLE, decision__isnull=True
    ).count()


@transaction.atomic
def publication_propose(
    *, call: Call, actor: User, publish_now: bool = False
) -> ResultsPublication:
    """Propose the current set of decisions for publication."""
    if not can_decide(actor, call):
        raise PermissionDenied
    Call.objects.select_for_update().filter(pk=call.pk).first()
    if live_publication(call) is not None:
        raise ValidationError(
            _("A publication of these results is already proposed or approved. Withdraw it first.")
        )
    decisions = current_decisions(call)
    if not decisions:
        raise ValidationError(_("Record the decisions before proposing their publication."))
    missing = undecided_count(call)
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)s eligible application has no decision yet.",
                "%(count)s eligible applications have no decision yet.",
                missing,
            )
            % {"count": missing}
        )
    publication = ResultsPublication.objects.create(
        call=call, decisions=decisions, proposed_by=actor, publish_now=publish_now
    )
    record_event(
        actor=actor,
        action="results.propose",
        target=publication,
        chapter=call.chapter_id,
        to_state=publication.status,
        details={"decisions": len(decisions), "publish_now": publish_now},
    )
    return publication


@transaction.atomic
def publication_approve(
    *, publication: ResultsPublication, actor: User, now=None
) -> ResultsPublication:
    """A second person approves: staff of the chapter or a superuser, never the proposer."""
    publication = ResultsPublication.objects.select_for_update().get(pk=publication.pk)
    call = publication.call
    if not can_decide(actor, call):
        raise PermissionDenied
    if publication.proposed_by_id == actor.pk:
        raise ValidationError(
            _("You proposed these results: another staff member of the chapter must approve them.")
        )
    if publication.status != ResultsPublication.Status.PROPOSED:
        raise ValidationError(_("Only proposed results can be approved."))
    if current_decisions(call) != publication.decisions:
        raise ValidationError(
            _("The decisions changed after they were proposed. Withdraw and propose them again.")
        )
    publication.status = ResultsPublication.Status.APPROVED
    publication.approved_by = actor
    publication.approved_at = now or timezone.now()
    publication.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        actor=actor,
        action="results.approve",
        target=publication,
        chapter=call.chapter_id,
        from_state=ResultsPublication.Status.PROPOSED,
        to_state=publication.status,
        details={"publish_now": publication.publish_now},
    )
    if publication.publish_now:
        # Same transaction: approved and published together, or neither.
        results_publish(publication_id=publication.pk, now=now)
        publication.refresh_from_db()
    return publication


@transaction.atomic
def publication_withdraw(*, publication: ResultsPublication, actor: User) -> ResultsPublication:
    publication = ResultsPublication.objects.select_for_update().get(pk=publication.pk)
    if not can_decide(actor, publication.call):
        raise PermissionDenied
    if publication.status not in (
        ResultsPublication.Status.PROPOSED,
        ResultsPublication.Status.APPROVED,
    ):
        raise ValidationError(_("Published results cannot be withdrawn."))
    previous = publication.status
    publication.status = ResultsPublication.Status.WITHDRAWN
    publication.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="results.withdraw",
        target=publication,
        chapter=publication.call.chapter_id,
        from_state=previous,
        to_state=publication.status,
    )
    return publication


def is_due(publication: ResultsPublication, now) -> bool:
    if publication.publish_now:
        return True
    announces_at = publication.call.announces_at
    return announces_at is not None and announces_at <= now


@transaction.atomic
def results_publish(*, publication_id: int, now=None) -> bool:
    """Publish approved results if they are due. True only for the call that published them:
    a second tick, a retried task or a concurrent worker finds them published and stops."""
    now = now or timezone.now()
    publication = (
        ResultsPublication.objects.select_for_update()
        .select_related("call__chapter")
        .filter(pk=publication_id)
        .first()
    )
    if (
        publication is None
        or publication.status != ResultsPublication.Status.APPROVED
        or publication.published_at is not None
        or not is_due(publication, now)
    ):
        return False
    call = publication.call
    publication.status = ResultsPublication.Status.PUBLISHED
    publication.published_at = now
    publication.save(update_fields=["status", "published_at"])
    decisions = list(
        Decision.objects.filter(
            application__call=call, application_id__in=[int(k) for k in publication.decisions]
        ).select_related("application__municipality", "application__call")
    )
    joined_on = timezone.localtime(now, call.chapter.zone).date()
    selected = []
    for decision in decisions:
        application = decision.application
        if decision.outcome == Decision.Outcome.SELECTED:
            membership_join(application, joined_on=joined_on)
            selected.append(application.municipality_id)
        email_officers(
            application,
            template="results_decision",
            outcome=decision.outcome,
            note=decision.note_for_applicant,
        )
    # Cities screened out are applicants too: they hear that the results are out, with the
    # screening reason they were given.
    for application in Application.objects.filter(
        call=call, status=Application.Status.INELIGIBLE
    ).select_related("municipality", "call"):
        email_officers(
            application,
            template="results_decision",
            outcome="ineligible",
            note=application.screening_reason,
        )
    record_event(
        actor=None,
        action="results.publish",
        target=publication,
        chapter=call.chapter_id,
        from_state=ResultsPublication.Status.APPROVED,
        to_state=publication.status,
        details={"selected": selected, "decisions": len(decisions)},
    )
    return True


def membership_join(application: Application, *, joined_on) -> Membership:
    """The selected city becomes a member of the chapter, with the call as its cohort."""
    call = application.call
    membership, created = Membership.objects.get_or_create(
        municipality_id=application.municipality_id,
        chapter_id=call.chapter_id,
        defaults={"status": Membership.Status.MEMBER, "cohort": call, "joined_on": joined_on},
    )
    previous = "" if created else membership.status
    if not created:
        membership.status = Membership.Status.MEMBER
        if not membership.founding_member:
            membership.cohort = call
        membership.joined_on = membership.joined_on or joined_on
        membership.left_on = None
        membership.save(update_fields=["status", "cohort", "joined_on", "left_on"])
    record_event(
        actor=None,
        action="membership.join",
        target=membership,
        chapter=call.chapter_id,
        from_state=previous,
        to_state=membership.status,
        details={"cohort": call.pk},
    )
    return membership


def results_publish_due(*, now=None) -> int:
    """Publish every approved publication that is due; what beat runs. Returns how many."""
    now = now or timezone.now()
    due = ResultsPublication.objects.filter(
        status=ResultsPublication.Status.APPROVED, published_at__isnull=True
    ).select_related("call")
    count = 0
    for publication in due:
        if is_due(publication, now) and results_publish(publication_id=publication.pk, now=now):
            count += 1
    return count
