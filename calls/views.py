"""Public call pages and the officers' application: start, edit, upload, submit, withdraw,
and the downloads of its documents. The staff pages are in calls/views_staff.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from calls import selectors, services
from calls.forms import ApplicationForm, ApplicationStartForm, DocumentUploadForm
from calls.models import Application, Document
from calls.review.publication import published_result
from coalition.permissions import can_apply, can_edit_application, is_chapter_staff, is_officer_of

# --- Public -------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/call_list.html", {"groups": selectors.calls_by_phase()})


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_for_public(slug)
    municipalities = []
    application = None
    if request.user.is_authenticated:
        municipalities = list(
            selectors.officer_municipalities(request.user, chapter_id=call.chapter_id)
        )
        application = selectors.application_for_officer(request.user, call)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "is_open": call.is_open(),
            "municipalities": municipalities,
            "application": application,
            "selected": selectors.selected_municipalities(call),
        },
    )


# --- Officers -----------------------------------------------------------------------------


@login_required
@require_POST
def application_start(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_for_public(slug)
    form = ApplicationStartForm(request.POST)
    if not form.is_valid():
        raise Http404
    municipality = form.cleaned_data["municipality"]
    if not can_apply(request.user, municipality):
        raise PermissionDenied
    try:
        application = services.application_start(
            call=call, municipality=municipality, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("call_detail", slug=slug)
    return redirect("application_edit", pk=application.pk)


def application_context(request, application: Application, form=None, upload_form=None):
    return {
        "application": application,
        "call": application.call,
        "form": form or ApplicationForm(application=application),
        "upload_form": upload_form,
        "documents": selectors.documents_by_kind(application),
        "missing": selectors.missing_items(application),
        "can_edit": can_edit_application(request.user, application) and application.call.is_open(),
        "is_open": application.call.is_open(),
        "is_staff": is_chapter_staff(request.user, application.call.chapter_id),
        # The decision and the committee's note, only once the results are published.
        "result": published_result(application),
    }


def may_send_edits(request: HttpRequest, application: Application) -> bool:
    """Officers edit an editable application. An officer's htmx request (an autosave, an
    upload) that arrives after the application stopped being editable (a colleague submitted
    it a moment ago) goes on to the service, whose refusal says why where the user acted."""
    if can_edit_application(request.user, application):
        return True
    return bool(request.htmx) and is_officer_of(request.user, application.municipality_id)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The application page: the form (saved with a button, or automatically by htmx),
    the documents, the completeness check and the submit button."""
    application = selectors.access_application(request.user, pk)
    if request.method == "GET":
        return render(
            request, "calls/application_edit.html", application_context(request, application)
        )
    if not may_send_edits(request, application):
        raise PermissionDenied
    form = ApplicationForm(request.POST, application=application)
    form.is_valid()
    saved = None
    error = None
    try:
        saved = services.application_save_draft(
            application=application,
            actor=request.user,
            version=form.cleaned_data.get("version") or 0,
            data=form.draft_data(),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return render(
            request,
            "calls/partials/autosave_status.html",
            {
                "saved": saved,
                "error": error,
                "field_errors": form.errors,
                "missing": selectors.missing_items(saved) if saved else None,
                "application": saved or application,
            },
        )
    if error:
        messages.error(request, error)
    elif form.errors:
        messages.error(request, _("Some answers could not be saved; see the messages below."))
    else:
        messages.success(request, _("Draft saved."))
        return redirect("application_edit", pk=pk)
    application = selectors.access_application(request.user, pk)
    # Keep what was typed: the bound form is shown again. After a save it carries the new
    # version; after a refusal (a conflict) it keeps the old one, so that saving again is
    # refused again instead of overwriting the other officer's changes.
    data = request.POST.copy()
    if saved is not None:
        data["version"] = saved.version
    form = ApplicationForm(data, application=application)
    form.is_valid()
    return render(
        request,
        "calls/application_edit.html",
        application_context(request, application, form=form),
        status=400 if form.errors or error else 200,
    )


@login_required
@require_POST
def application_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.access_application(request.user, pk)
    if not may_send_edits(request, application):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            document = services.application_upload_document(
                application=application,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                replaces=form.cleaned_data["replaces"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            # htmx shows the new document in place; a message would wait for the next page.
            if not request.htmx:
                messages.success(
                    request,
                    ngettext(
                        "%(kind)s received: %(pages)s page.",
                        "%(kind)s received: %(pages)s pages.",
                        document.pages,
                    )
                    % {"kind": document.get_kind_display(), "pages": document.pages},
                )
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    kind = request.POST.get("kind", "")
    application = selectors.access_application(request.user, pk)
    context = application_context(request, application)
    context["upload_error"] = {"kind": kind, "message": error} if error else None
    if request.htmx:
        return render(request, "calls/partials/upload_response.html", context)
    if error:
        return render(request, "calls/application_edit.html", context, status=400)
    return redirect(f"{application.get_absolute_url()}#documents-{kind}")


@login_required
@require_POST
def application_remove_annex(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, pk)
    if not can_edit_application(request.user, application):
        raise PermissionDenied
    document = get_object_or_404(Document, pk=document_id, application=application)
    try:
        services.application_remove_annex(document=document, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{application.get_absolute_url()}#documents-annex")


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.access_application(request.user, pk)
    if not is_officer_of(request.user, application.municipality_id):
        raise PermissionDenied
    try:
        services.application_submit(application=application, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Your application has been submitted. A receipt is on its way to your e-mail."),
        )
    return redirect("application_edit", pk=pk)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.access_application(request.user, pk)
    if not is_officer_of(request.user, application.municipality_id):
        raise PermissionDenied
    try:
        services.application_withdraw(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("application_edit", pk=pk)


def private_pdf(file, filename: str) -> FileResponse:
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    application = selectors.access_application(request.user, pk)
    document = get_object_or_404(Document, pk=document_id, application=application)
    return private_pdf(document.file, document.original_name)


@login_required
def receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    application = selectors.access_application(request.user, pk)
    return private_pdf(application.receipt, f"receipt-{application.pk}.pdf")
