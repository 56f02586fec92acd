from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from calls import call_setup, selectors, services, staff_table, tasks
from calls.forms import (
    ApplicationForm,
    ApplicationStartForm,
    CallForm,
    CriterionFormSet,
    DocumentUploadForm,
    QuestionFormSet,
    ReopenForm,
    RequirementFormSet,
    ScreeningForm,
    StaffApplicationFilterForm,
    formset_rows,
    structure_formsets,
)
from calls.models import Application, Call, Document
from calls.review.publication import published_result
from coalition.csvexport import csv_lines
from coalition.outbox import enqueue
from coalition.permissions import (
    Area,
    area_required,
    can_apply,
    can_edit_application,
    can_manage_call,
    is_chapter_staff,
    is_officer_of,
    staff_chapters,
)

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


# --- Staff --------------------------------------------------------------------------------


@area_required(Area.STAFF)
def staff_call_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "calls/staff_call_list.html",
        {"calls": list(selectors.staff_calls(request.user)), "now": timezone.now()},
    )


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def staff_call_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create or edit a call's text and timeline, in the chapter's time zone."""
    if slug:
        call = selectors.access_call_for_staff(request.user, slug)
        chapter = call.chapter
    else:
        chapters = list(staff_chapters(request.user))
        chosen = request.POST.get("chapter") or request.GET.get("chapter")
        chapter = next((c for c in chapters if str(c.pk) == chosen), None)
        if chapter is None:
            if len(chapters) == 1:
                chapter = chapters[0]
            else:
                return render(request, "calls/staff_choose_chapter.html", {"chapters": chapters})
        call = Call(chapter=chapter)
    with timezone.override(chapter.zone):
        form = CallForm(request.POST or None, instance=call)
        if request.method == "POST" and form.is_valid():
            try:
                call = call_setup.call_save(call=form.save(commit=False), actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The call has been saved."))
                return redirect("staff_call_structure", slug=call.slug)
        return render(
            request,
            "calls/staff_call_edit.html",
            {"form": form, "call": call, "chapter": chapter},
            status=400 if form.errors else 200,
        )


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def staff_call_structure(request: HttpRequest, slug: str) -> HttpResponse:
    """Requirements, extra questions and rubric; frozen once applications are submitted."""
    call = selectors.access_call_for_staff(request.user, slug)
    locked = call_setup.call_is_locked(call)
    if request.method == "POST" and not locked:
        requirements = RequirementFormSet(request.POST, prefix="requirements")
        questions = QuestionFormSet(request.POST, prefix="questions")
        criteria = CriterionFormSet(request.POST, prefix="criteria")
        if all(f.is_valid() for f in (requirements, questions, criteria)):
            try:
                call_setup.call_set_structure(
                    call=call,
                    actor=request.user,
                    requirements=formset_rows(requirements),
                    questions=formset_rows(questions),
                    criteria=formset_rows(criteria),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Requirements, questions and rubric saved."))
                return redirect("staff_call_structure", slug=slug)
    else:
        requirements, questions, criteria = structure_formsets(call)
    return render(
        request,
        "calls/staff_call_structure.html",
        {
            "call": call,
            "locked": locked,
            "requirements": requirements,
            "questions": questions,
            "criteria": criteria,
            "problems": call_setup.call_publication_problems(call),
        },
        status=400 if request.method == "POST" else 200,
    )


@area_required(Area.STAFF)
@require_POST
def staff_call_publish(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.access_call_for_staff(request.user, slug)
    try:
        call_setup.call_publish(call=call, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("staff_call_structure", slug=slug)
    messages.success(request, _("The call is published."))
    return redirect("call_detail", slug=slug)


@area_required(Area.STAFF)
def staff_call_applications(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.access_call_for_staff(request.user, slug, rubric=False)
    form = StaffApplicationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    applications = selectors.call_applications_for_staff(
        call,
        status=filters.get("status", ""),
        q=filters.get("q", ""),
        sort=filters.get("sort") or "municipality",
        signature=filters.get("signature", ""),
    )
    rows = staff_table.staff_rows(call, applications)
    if request.GET.get("format") == "csv":
        return applications_csv(call, rows)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "calls/staff_call_applications.html",
        {
            "call": call,
            "form": form,
            "rows": rows,
            "table_body": staff_table.table_body(call, rows),
            "query": query.urlencode(),
        },
    )


def applications_csv(call: Call, rows) -> HttpResponse:
    header = [
        "municipality",
        "region",
        "status",
        "missing_items",
        "report_pages",
        "letter_signature",
        "signer",
        "submitted_at",
        "content_hash",
    ]
    zone = call.chapter.zone

    def lines():
        for row in rows:
            letter, report = row["letter"], row["report"]
            submitted_at = row["submitted_at"]
            yield [
                row["municipality_name"],
                row["municipality_region"],
                row["status"],
                row["missing"],
                report["pages"] if report else None,
                letter["signature"] if letter else None,
                # From a certificate inside an uploaded PDF: csv_lines defuses formulas.
                letter["signer_name"] if letter else None,
                submitted_at.astimezone(zone) if submitted_at else None,
                row["content_hash"],
            ]

    response = HttpResponse(csv_lines(header, lines()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-applications.csv"'
    return response


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def staff_application(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff read an application, screen it, reopen it for correction, get its dossier."""
    application = selectors.access_application(request.user, pk)
    if not can_manage_call(request.user, application.call):
        raise PermissionDenied
    screening = ScreeningForm(request.POST if request.POST.get("action") == "screen" else None)
    reopen = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "screen" and screening.is_valid():
                services.application_screen(
                    application=application,
                    actor=request.user,
                    eligible=screening.cleaned_data["decision"] == "eligible",
                    reason=screening.cleaned_data["reason"],
                )
                messages.success(request, _("Screening recorded."))
                return redirect("staff_application", pk=pk)
            if action == "reopen" and reopen.is_valid():
                services.application_reopen(
                    application=application,
                    actor=request.user,
                    reason=reopen.cleaned_data["reason"],
                )
                messages.success(request, _("The application is open again for correction."))
                return redirect("staff_application", pk=pk)
            if action == "dossier":
                application_id = application.pk
                enqueue(tasks.render_dossier, application_id)
                messages.success(request, _("The dossier is being prepared."))
                return redirect("staff_application", pk=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = application_context(request, application)
    context.update(
        {
            "screening_form": screening,
            "reopen_form": reopen,
            "dossier_current": bool(application.dossier)
            and application.dossier_source_hash == services.content_hash(application),
        }
    )
    return render(
        request,
        "calls/staff_application.html",
        context,
        status=400 if (screening.errors or reopen.errors) else 200,
    )


@area_required(Area.STAFF)
def dossier_download(request: HttpRequest, pk: int) -> FileResponse:
    application = selectors.access_application(request.user, pk)
    if not can_manage_call(request.user, application.call):
        raise PermissionDenied
    return private_pdf(application.dossier, f"dossier-{application.municipality.slug}.pdf")
