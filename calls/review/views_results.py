"""Ranking, discussion, decisions, publication and exports of a call's committee.

Thin views: each page is reached through a shared area gate (staff or committee) and then an
object check from `calls.review.results_access`; the services check again before writing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls.models import Application, Call
from calls.review import decisions, discussion, exports, publication
from calls.review.forms_results import (
    DecisionForm,
    ExportForm,
    PostForm,
    ProposeForm,
    RankingSortForm,
)
from calls.review.models import Decision, ResultsPublication
from calls.review.ranking import (
    SORT_KEYS,
    call_ranking,
    ordered_for_display,
)
from calls.review.ranking_table import queue_items, table_rows
from calls.review.results_access import (
    can_decide,
    can_decide_application,
    require_application_reader,
    require_reader,
)
from calls.review.scoring import LENIENCY_EXPLANATION
from coalition.permissions import Area, area_required


def call_by_slug(slug: str) -> Call:
    call = Call.objects.select_related("chapter").filter(slug=slug).first()
    if call is None:
        raise Http404
    return call


def application_by_pk(pk: int) -> Application:
    application = (
        Application.objects.select_related("call__chapter", "municipality").filter(pk=pk).first()
    )
    if application is None:
        raise Http404
    return application


def both_areas(view: Callable) -> tuple[Callable, Callable]:
    """The same page behind the staff gate and behind the committee gate (two URLs)."""
    return area_required(Area.STAFF)(view), area_required(Area.COMMITTEE)(view)


def fail(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- Ranking ------------------------------------------------------------------------------


def sort_links(current: str | None, descending: bool) -> dict[str, str]:
    """The query string of each column header: a second click reverses the order."""
    return {
        key: f"?sort={key}&order={'asc' if key == current and descending else 'desc'}"
        for key in SORT_KEYS
    }


@require_http_methods(["GET"])
def ranking_page(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    call = call_by_slug(slug)
    reader = require_reader(request.user, call)
    ranking = call_ranking(call)
    if reader.application_ids is not None:
        ranking = ranking.only(reader.application_ids, rerank=not reader.is_staff)
    sort_form = RankingSortForm(request.GET)
    key, descending = sort_form.ordering()
    return render(
        request,
        "review/results/ranking.html",
        {
            "call": call,
            "area": area,
            "reader": reader,
            "ranking": ranking,
            "queue": queue_items(ranking, area=area),
            "table": table_rows(
                ranking,
                ordered_for_display(ranking, key, descending),
                area=area,
                show_outcome=reader.is_staff,
            ),
            "sort_links": sort_links(key, descending),
            "sort": key or "",
            "descending": descending,
            "leniency_explanation": LENIENCY_EXPLANATION,
            "exports": exports.exports_of(request.user, call),
            "export_form": ExportForm(),
        },
    )


@area_required(Area.STAFF)
def ranking_staff(request: HttpRequest, slug) -> HttpResponse:
    return ranking_page(request, slug, "staff")


@area_required(Area.COMMITTEE)
def ranking_committee(request: HttpRequest, slug) -> HttpResponse:
    return ranking_page(request, slug, "committee")


# --- Discussion ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def discussion_page(request: HttpRequest, pk: int, area: str) -> HttpResponse:
    application = application_by_pk(pk)
    reader = require_application_reader(request.user, application)
    form = PostForm()
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                discussion.discussion_post(
                    application=application, author=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(request.path)
    ranking = call_ranking(application.call)
    return render(
        request,
        "review/results/discussion.html",
        {
            "application": application,
            "call": application.call,
            "area": area,
            "reader": reader,
            "row": ranking.row(application.pk),
            "criteria": ranking.criteria,
            "posts": discussion.thread(application),
            "form": form,
            "discussed": hasattr(application, "discussed"),
        },
    )


@area_required(Area.STAFF)
def discussion_staff(request: HttpRequest, pk) -> HttpResponse:
    return discussion_page(request, pk, "staff")


@area_required(Area.COMMITTEE)
def discussion_committee(request: HttpRequest, pk) -> HttpResponse:
    return discussion_page(request, pk, "committee")


@area_required(Area.STAFF)
@require_POST
def discussion_mark(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_by_pk(pk)
    require_application_reader(request.user, application)
    discussion.discussion_mark(
        application=application, actor=request.user, discussed=request.POST.get("discussed") == "1"
    )
    return redirect("results_discussion_staff", pk=pk)


# --- Decisions ----------------------------------------------------------------------------


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_by_pk(pk)
    require_application_reader(request.user, application)
    if not can_decide_application(request.user, application):
        raise Http404
    existing = Decision.objects.filter(application=application).first()
    initial = (
        {
            "outcome": existing.outcome,
            "rationale": existing.rationale,
            "note_for_applicant": existing.note_for_applicant,
        }
        if existing
        else None
    )
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.decision_record(
                application=application, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("results_overview", slug=application.call.slug)
    ranking = call_ranking(application.call)
    return render(
        request,
        "review/results/decision.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "decision": existing,
            "row": ranking.row(application.pk),
            "criteria": ranking.criteria,
            "locked": decisions.results_locked(application.call_id),
            "reviewer_notes": decisions.reviewer_notes(application),
        },
    )


@area_required(Area.STAFF)
@require_http_methods(["GET"])
def results_overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every eligible application with its decision, and the two-person publication."""
    call = call_by_slug(slug)
    reader = require_reader(request.user, call)
    if not reader.is_staff:
        raise PermissionDenied
    ranking = call_ranking(call)
    if reader.application_ids is not None:
        ranking = ranking.only(reader.application_ids)
    live = publication.live_publication(call)
    decided = decisions.call_decisions(call.pk)
    return render(
        request,
        "review/results/overview.html",
        {
            "call": call,
            "rows": [(row, decided.get(row.application_id)) for row in ranking.rows],
            "publication": live,
            "published": live is not None and live.status == ResultsPublication.Status.PUBLISHED,
            "undecided": publication.undecided_count(call),
            "propose_form": ProposeForm(),
            "can_approve": live is not None
            and live.status == ResultsPublication.Status.PROPOSED
            and live.proposed_by_id != request.user.pk,
            "locked": decisions.results_locked(call.pk),
        },
    )


@area_required(Area.STAFF)
@require_POST
def results_propose(request: HttpRequest, slug: str) -> HttpResponse:
    call = call_by_slug(slug)
    if not can_decide(request.user, call):
        raise PermissionDenied
    form = ProposeForm(request.POST)
    publish_now = form.is_valid() and form.cleaned_data["publish_now"]
    try:
        publication.publication_propose(call=call, actor=request.user, publish_now=publish_now)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(
            request, _("Results proposed. Another staff member of the chapter must approve them.")
        )
    return redirect("results_overview", slug=slug)


def publication_of(call: Call, pk: int) -> ResultsPublication:
    return get_object_or_404(ResultsPublication.objects.select_related("call"), pk=pk, call=call)


@area_required(Area.STAFF)
@require_POST
def results_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = call_by_slug(slug)
    if not can_decide(request.user, call):
        raise PermissionDenied
    try:
        approved = publication.publication_approve(
            publication=publication_of(call, pk), actor=request.user
        )
    except ValidationError as error:
        fail(request, error)
    else:
        if approved.status == ResultsPublication.Status.PUBLISHED:
            messages.success(request, _("Results approved and published."))
        else:
            messages.success(
                request, _("Results approved. They will be published at the announcement date.")
            )
    return redirect("results_overview", slug=slug)


@area_required(Area.STAFF)
@require_POST
def results_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = call_by_slug(slug)
    if not can_decide(request.user, call):
        raise PermissionDenied
    try:
        publication.publication_withdraw(publication=publication_of(call, pk), actor=request.user)
    except ValidationError as error:
        fail(request, error)
    else:
        messages.success(request, _("Proposal withdrawn."))
    return redirect("results_overview", slug=slug)
