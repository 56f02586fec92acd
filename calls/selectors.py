"""Reads for calls and applications, each page at a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Application, Call, Document, Question
from coalition.models import User
from coalition.permissions import (
    can_manage_call,
    can_view_application,
    roles_of,
)
from municipalities.models import Officer


@dataclass(frozen=True)
class MissingItem:
    label: str
    anchor: str  # id of the element on the application page where it is fixed


REQUIRED_FIELDS = [
    ("contact_name", "contact_name"),
    ("contact_role", "contact_role"),
    ("contact_email", "contact_email"),
    ("innovation_unit", "innovation_unit"),
    ("digital_plan", "digital_plan"),
    ("initiatives", "initiatives"),
    ("motivation", "motivation"),
]


def with_structure(calls: QuerySet[Call]) -> QuerySet[Call]:
    return calls.select_related("chapter").prefetch_related(
        "requirements", "questions", "criteria__levels"
    )


def public_calls() -> QuerySet[Call]:
    return Call.objects.filter(status=Call.Status.PUBLISHED).select_related("chapter")


def calls_by_phase(now=None) -> dict[str, list[Call]]:
    """Published calls grouped as open, upcoming and past."""
    now = now or timezone.now()
    groups: dict[str, list[Call]] = {"open": [], "upcoming": [], "past": []}
    for call in public_calls().order_by("closes_at"):
        phase = call.phase(now)
        if phase == Call.Phase.OPEN:
            groups["open"].append(call)
        elif phase == Call.Phase.UPCOMING:
            groups["upcoming"].append(call)
        else:
            groups["past"].append(call)
    groups["past"].reverse()
    return groups


def call_for_public(slug: str) -> Call:
    call = with_structure(public_calls()).filter(slug=slug).first()
    if call is None:
        raise Http404
    return call


def selected_municipalities(call: Call, now=None) -> list:
    """The cities selected through `call` (each item has `.municipality`), once its results
    are published; never before, even past the announcement instant while beat has not run.

    A call run before the portal had a committee (no publication at all) shows the cities
    that joined with it as their cohort once its announcement instant has passed.
    """
    from calls.review.models import Decision, ResultsPublication
    from municipalities.models import Membership

    statuses = set(
        ResultsPublication.objects.filter(call=call)
        .exclude(status=ResultsPublication.Status.WITHDRAWN)
        .values_list("status", flat=True)
    )
    if ResultsPublication.Status.PUBLISHED in statuses:
        return list(
            Application.objects.filter(call=call, decision__outcome=Decision.Outcome.SELECTED)
            .select_related("municipality")
            .order_by("municipality__name")
        )
    if statuses or call.phase(now) != Call.Phase.ANNOUNCED:
        return []
    return list(
        Membership.objects.filter(cohort=call)
        .select_related("municipality")
        .order_by("municipality__name")
    )


def access_call_for_staff(user: User, slug: str, *, rubric: bool = True) -> Call:
    """A call its staff may manage, with its structure (without the rubric if not `rubric`:
    the applications table reads only the requirements and questions)."""
    calls = with_structure(Call.objects.all())
    if not rubric:
        calls = Call.objects.select_related("chapter").prefetch_related("requirements", "questions")
    call = calls.filter(slug=slug).first()
    if call is None:
        raise Http404
    if not can_manage_call(user, call):
        raise PermissionDenied
    return call


def staff_calls(user: User) -> QuerySet[Call]:
    calls = Call.objects.select_related("chapter").annotate(
        application_count=Count("applications", distinct=True),
        submitted_count=Count(
            "applications", filter=Q(applications__submitted_at__isnull=False), distinct=True
        ),
    )
    roles = roles_of(user)
    if not roles.is_superuser:
        calls = calls.filter(chapter_id__in=roles.staff_chapter_ids)
    return calls.order_by("-opens_at", "-id")


def application_queryset() -> QuerySet[Application]:
    return Application.objects.select_related("call__chapter", "municipality").prefetch_related(
        Prefetch("documents", queryset=Document.objects.order_by("kind", "uploaded_at")),
        "call__requirements",
        Prefetch("call__questions", queryset=Question.objects.order_by("position", "id")),
    )


def access_application(user: User, pk: int) -> Application:
    """An application its reader may see (the city's officers, the chapter's staff).

    Someone else's application is a 404, so ids reveal nothing.
    """
    application = application_queryset().filter(pk=pk).first()
    if application is None or not can_view_application(user, application):
        raise Http404
    return application


def application_for_officer(user: User, call: Call) -> Application | None:
    """The application of (one of) the user's municipalities to `call`, if started."""
    ids = roles_of(user).officer_municipality_ids
    return (
        Application.objects.filter(call=call, municipality_id__in=ids)
        .select_related("municipality")
        .first()
    )


def officer_municipalities(user: User, *, chapter_id: int | None = None):
    """The municipalities the user represents; only those of `chapter_id` when given."""
    from municipalities.models import Municipality

    municipalities = Municipality.objects.filter(pk__in=roles_of(user).officer_municipality_ids)
    if chapter_id is not None:
        municipalities = municipalities.filter(chapter_id=chapter_id)
    return municipalities.order_by("name")


def officer_applications(user: User) -> list[Application]:
    ids = roles_of(user).officer_municipality_ids
    return list(
        Application.objects.filter(municipality_id__in=ids)
        .select_related("call__chapter", "municipality")
        .order_by("-updated_at")
    )


def application_officers(application: Application) -> list[User]:
    return list(
        User.objects.filter(
            officer_links__municipality_id=application.municipality_id,
            officer_links__status=Officer.Status.APPROVED,
            is_active=True,
        ).distinct()
    )


def documents_by_kind(application: Application) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = {kind: [] for kind in Document.Kind.values}
    for document in application.documents.all():
        grouped[document.kind].append(document)
    return grouped


def missing_items(application: Application) -> list[MissingItem]:
    """What must still be done before the application can be submitted, in page order."""
    missing = []
    for field, anchor in REQUIRED_FIELDS:
        if not str(getattr(application, field) or "").strip():
            label = Application._meta.get_field(field).verbose_name
            missing.append(MissingItem(str(label).capitalize(), f"id_{anchor}"))
    for requirement in application.call.requirements.all():
        declaration = application.declarations.get(str(requirement.pk), {})
        if not declaration.get("accepted"):
            missing.append(
                MissingItem(
                    _("Declaration: %(text)s") % {"text": requirement.text},
                    f"id_requirement_{requirement.pk}",
                )
            )
        elif requirement.evidence_requested and not declaration.get("evidence", "").strip():
            missing.append(
                MissingItem(
                    _("Evidence for: %(text)s") % {"text": requirement.text},
                    f"id_evidence_{requirement.pk}",
                )
            )
    for question in application.call.questions.all():
        answer = application.answers.get(str(question.pk))
        if question.required and (answer is None or str(answer).strip() == ""):
            missing.append(MissingItem(question.label, f"id_question_{question.pk}"))
    kinds = {document.kind for document in application.documents.all()}
    if Document.Kind.LETTER not in kinds:
        missing.append(MissingItem(str(Document.Kind.LETTER.label), "documents-letter"))
    if Document.Kind.REPORT not in kinds:
        missing.append(MissingItem(str(Document.Kind.REPORT.label), "documents-report"))
    return missing


# --- Staff table of a call's applications -------------------------------------------------

STAFF_SORTS = {
    "municipality": ["municipality__name"],
    "region": ["municipality__region", "municipality__name"],
    "status": ["status", "municipality__name"],
    # Unsubmitted last on every database (PostgreSQL puts NULLs first in descending order).
    "submitted": [F("submitted_at").desc(nulls_last=True), "municipality__name"],
}


def call_applications_for_staff(
    call: Call, *, status: str = "", q: str = "", sort: str = "municipality", signature: str = ""
) -> QuerySet[Application]:
    """`signature`: a Document.Signature value the letter must have, or "no_letter"."""
    applications = (
        Application.objects.filter(call=call)
        .select_related("municipality", "call")
        .prefetch_related("documents", "call__requirements", "call__questions")
    )
    if status:
        applications = applications.filter(status=status)
    if signature == "no_letter":
        applications = applications.exclude(documents__kind=Document.Kind.LETTER)
    elif signature:
        applications = applications.filter(
            documents__kind=Document.Kind.LETTER, documents__signature=signature
        )
    if q:
        from municipalities.models import fold

        applications = applications.filter(municipality__search_text__contains=fold(q))
    return applications.order_by(*STAFF_SORTS.get(sort, STAFF_SORTS["municipality"]))
