"""Thin views of the committee: staff name it and assign; members declare and review.

Every view passes the shared gate (`area_required`) and then an object check from
`calls.review.permissions`; another member's ids answer 404.
"""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from calls import services as call_services
from calls import tasks as call_tasks
from calls.forms import ApplicationForm
from calls.review import committee, conflicts, permissions, reviews, selectors
from calls.review.forms_committee import (
    DeclarationForm,
    ReviewForm,
    review_initial,
)
from calls.review.models import ConflictDeclaration, Invitation, Review
from coalition.outbox import enqueue
from coalition.permissions import Area, area_required

# --- Members ----------------------------------------------------------------------------------


@area_required(Area.COMMITTEE)
def committee_dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/committee_dashboard.html",
        {"seats": selectors.member_dashboard(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person, signed up and signed in with the invited address, takes the seat;
    the committee area then sends them to two-factor set-up if they have none."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("call__chapter", "municipality"), token=token
    )
    problem = None
    try:
        committee.invitation_check(invitation, request.user)
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    if request.method == "POST" and problem is None:
        committee.invitation_accept(invitation=invitation, user=request.user)
        messages.success(request, _("You are now a member of the committee."))
        return redirect("committee_dashboard")
    return render(
        request,
        "review/committee_invitation.html",
        {"invitation": invitation, "problem": problem},
        status=400 if problem and request.method == "POST" else 200,
    )


def declaration_redirect(request: HttpRequest, pk: int):
    """The assignment whose application the member may open, or a redirect to the
    declaration when it is still missing."""
    try:
        return permissions.access_open_assignment(request.user, pk), None
    except PermissionDenied:
        return None, redirect("review_declare", pk=pk)


@area_required(Area.COMMITTEE)
@require_http_methods(["GET", "POST"])
def review_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """Before anything of the application shows: no conflict, or a conflict and its kind."""
    assignment = permissions.access_assignment(request.user, pk)
    declaration = ConflictDeclaration.objects.filter(
        member=assignment.member, application=assignment.application
    ).first()
    if declaration is not None and declaration.has_conflict:
        raise Http404
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declared = conflicts.declare(
                member=assignment.member,
                application=assignment.application,
                actor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if declared.has_conflict:
                messages.success(
                    request,
                    _("Thank you. You will not review this application; staff will reassign it."),
                )
                return redirect("committee_dashboard")
            return redirect("review_edit", pk=pk)
    return render(
        request,
        "review/review_declare.html",
        {"assignment": assignment, "form": form, "declaration": declaration},
        status=400 if form.errors else 200,
    )


def review_context(request, assignment, form=None, error=None) -> dict:
    page = selectors.review_page(assignment)
    can_write = permissions.can_review(assignment.member, assignment)
    if form is None:
        form = ReviewForm(initial=review_initial(page.review, page.scores), criteria=page.criteria)
    return {
        "assignment": assignment,
        "application": assignment.application,
        "call": assignment.member.call,
        "page": page,
        "form": form,
        "rows": [(c, form[f"c{c.pk}"], form[f"c{c.pk}_comment"]) for c in page.criteria],
        "answers": ApplicationForm(application=assignment.application),
        "can_write": can_write,
        "submitted": page.review is not None and page.review.status == Review.Status.SUBMITTED,
        "error": error,
        "dossier_current": bool(assignment.application.dossier)
        and assignment.application.dossier_source_hash
        == call_services.content_hash(assignment.application),
    }


@area_required(Area.COMMITTEE)
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: the application and its documents beside the rubric. Drafts save as
    the member types (htmx); "Submit" posts the whole form."""
    assignment, to_declare = declaration_redirect(request, pk)
    if to_declare:
        return to_declare
    if request.method == "GET":
        return render(request, "review/review_edit.html", review_context(request, assignment))
    if not permissions.can_review(assignment.member, assignment):
        raise PermissionDenied
    criteria = reviews.rubric(assignment.member.call_id)
    form = ReviewForm(request.POST, criteria=criteria)
    submitting = request.POST.get("action") == "submit"
    if request.htmx and not submitting and review_is_submitted(assignment):
        # A keystroke's autosave arriving after the submission: the submitted review changes
        # only through an explicit "Save the revision".
        return HttpResponse(status=204)
    saved, error = None, None
    if form.is_valid():
        service = reviews.review_submit if submitting else reviews.review_save
        try:
            saved = service(
                assignment=assignment,
                actor=request.user,
                version=form.cleaned_data["version"],
                data=form.review_data(),
            )
        except ValidationError as exc:
            error = exc
    if request.htmx:
        if saved is not None and submitting:
            # htmx queues the submission behind any autosave in flight (hx-sync), so it
            # carries the latest version; then the whole page reloads.
            messages.success(request, _("Your review is submitted. Thank you."))
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.path
            return response
        # Answered 200 so that htmx shows the message where the member looks.
        return render(
            request,
            "review/partials/review_autosave.html",
            {
                "saved": saved,
                "error": " ".join(error.messages) if error else None,
                "field_errors": form.errors,
                "call": assignment.member.call,
            },
        )
    if saved is not None:
        if request.POST.get("action") == "submit":
            messages.success(request, _("Your review is submitted. Thank you."))
        else:
            messages.success(request, _("Review saved."))
        return redirect("review_edit", pk=pk)
    # Keep what was typed. After a refusal for staleness the page carries the stored
    # version, so that saving again (having seen the warning) is accepted.
    data = request.POST.copy()
    if isinstance(error, reviews.StaleReview):
        current = selectors.review_page(assignment).review
        data["version"] = current.version if current else 0
    form = ReviewForm(data, criteria=criteria)
    form.is_valid()
    messages_list = error.messages if error else []
    return render(
        request,
        "review/review_edit.html",
        review_context(request, assignment, form=form, error=messages_list),
        status=400,
    )


def review_is_submitted(assignment) -> bool:
    return Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()


def inline_pdf(file, filename: str) -> FileResponse:
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"), as_attachment=False, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Framed by the review page (same origin only): the global policy forbids any framing.
FRAMEABLE = {"frame-ancestors": [SELF]}


@area_required(Area.COMMITTEE)
@xframe_options_sameorigin
@csp_replace(FRAMEABLE)
def review_document(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    document = permissions.access_member_document(request.user, pk, document_id)
    return inline_pdf(document.file, document.original_name)


@area_required(Area.COMMITTEE)
@xframe_options_sameorigin
@csp_replace(FRAMEABLE)
def review_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier PDF for the member (GET), or ask for it to be prepared (POST)."""
    assignment = permissions.access_open_assignment(request.user, pk)
    application = assignment.application
    if request.method == "POST":
        enqueue(call_tasks.render_dossier, application.pk)
        messages.success(request, _("The dossier is being prepared; reload in a moment."))
        return redirect("review_edit", pk=pk)
    return inline_pdf(application.dossier, f"dossier-{application.municipality.slug}.pdf")
