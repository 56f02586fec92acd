"""Staff pages of calls: the list of their chapters' calls, create and edit a call, its
requirements and rubric, publication, the table of applications (and its CSV), screening
and reopening an application, and its dossier."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from calls import call_setup, selectors, services, staff_table, tasks
from calls.forms import (
    CallForm,
    CriterionFormSet,
    QuestionFormSet,
    ReopenForm,
    RequirementFormSet,
    ScreeningForm,
    StaffApplicationFilterForm,
    formset_rows,
    structure_formsets,
)
from calls.models import Call
from calls.views import application_context, private_pdf
from coalition.csvexport import csv_lines
from coalition.outbox import enqueue
from coalition.permissions import Area, area_required, can_manage_call, staff_chapters


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
