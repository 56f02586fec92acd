"""Committee exports: staff, the chair and members who reviewed ask for a CSV of every score
or the PDF committee report; Celery renders it; only its requester (or the chapter's staff)
downloads it."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.review import exports
from calls.review.forms_results import ExportForm
from calls.review.models import CommitteeExport
from calls.review.results_access import require_reader
from calls.review.views_results import both_areas, call_by_slug
from coalition.permissions import Area, area_required

# --- Exports ------------------------------------------------------------------------------


@require_POST
def export_request(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    call = call_by_slug(slug)
    require_reader(request.user, call)
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404
    exports.export_request(
        call=call,
        actor=request.user,
        kind=form.cleaned_data["kind"],
        language=translation.get_language() or "es",
    )
    messages.success(request, _("The export is being prepared; it appears below when ready."))
    return redirect(f"results_ranking_{area}", slug=slug)


@area_required(Area.STAFF)
def export_request_staff(request: HttpRequest, slug) -> HttpResponse:
    return export_request(request, slug, "staff")


@area_required(Area.COMMITTEE)
def export_request_committee(request: HttpRequest, slug) -> HttpResponse:
    return export_request(request, slug, "committee")


def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = CommitteeExport.objects.select_related("call").filter(pk=pk).first()
    if export is None or not exports.can_download_export(request.user, export):
        raise Http404
    if export.status != CommitteeExport.Status.READY or not export.file:
        raise Http404
    is_csv = export.kind == CommitteeExport.Kind.SCORES_CSV
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{export.call.slug}-{export.kind}.{'csv' if is_csv else 'pdf'}",
        content_type="text/csv; charset=utf-8" if is_csv else "application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


export_download_staff, export_download_committee = both_areas(export_download)
