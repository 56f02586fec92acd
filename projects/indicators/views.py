"""Thin views of the indicators of a project.

Every view fetches the project through `projects.access`: reading needs `can_view_project`
(published, or officer or staff of it: 404 otherwise), writing `can_edit_project` (an officer
of a participating city: 403 for those who may only read). Indicators, targets and
measurements are looked up inside that project, so another project's ids answer 404.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coalition.csvexport import csv_lines
from projects.access import access_project_for_edit, access_project_for_view, can_edit_project
from projects.indicators import csvio, selectors, services
from projects.indicators.forms import (
    ConfirmImportForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
    TargetForm,
)
from projects.indicators.models import Indicator, Measurement, Target

IMPORT_SESSION_KEY = "indicator_import"


def _form_status(form) -> int:
    return 400 if form.errors else 200


def _add_errors(form, error: ValidationError, *, default: str | None = None) -> None:
    """A service's refusal shown at the form's fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else default, errors)
    else:
        form.add_error(default, error)


@require_GET
def project_indicators(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_view(request.user, slug)
    return render(
        request,
        "indicators/project_indicators.html",
        {
            "project": project,
            "items": selectors.indicator_views(project),
            "can_edit": can_edit_project(request.user, project),
            "zone": selectors.project_time_zone(project),
        },
    )


def _indicator(project, indicator_id: int) -> Indicator:
    return get_object_or_404(Indicator, pk=indicator_id, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    form = IndicatorForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                project=project, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Indicator added. Now set its targets."))
            return redirect("indicator_targets", slug=project.slug, indicator_id=indicator.pk)
    return render(
        request,
        "indicators/indicator_form.html",
        {"project": project, "form": form, "indicator": None},
        status=_form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    form = IndicatorForm(
        request.POST or None, instance=Indicator.objects.get(pk=indicator.pk), project=project
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("project_indicators", slug=project.slug)
    return render(
        request,
        "indicators/indicator_form.html",
        {"project": project, "form": form, "indicator": indicator},
        status=_form_status(form),
    )


@login_required
@require_POST
def indicator_delete(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    services.indicator_delete(indicator=indicator, actor=request.user)
    messages.success(request, _("Indicator deleted, with its targets and measurements."))
    return redirect("project_indicators", slug=project.slug)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_targets(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    form = TargetForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        services.target_set(indicator=indicator, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Target saved."))
        return redirect("indicator_targets", slug=project.slug, indicator_id=indicator.pk)
    return render(
        request,
        "indicators/indicator_targets.html",
        {
            "project": project,
            "indicator": indicator,
            "targets": list(indicator.targets.order_by("period_end", "id")),
            "form": form,
        },
        status=_form_status(form),
    )


@login_required
@require_POST
def target_delete(request: HttpRequest, slug: str, indicator_id: int, target_id: int):
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    target = get_object_or_404(Target, pk=target_id, indicator=indicator)
    services.target_delete(target=target, actor=request.user)
    messages.success(request, _("Target removed."))
    return redirect("indicator_targets", slug=project.slug, indicator_id=indicator.pk)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_create(request: HttpRequest, slug: str, indicator_id: int) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    form = MeasurementForm(request.POST or None, request.FILES or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None) or None
        try:
            services.measurement_report(
                indicator=indicator, actor=request.user, evidence=evidence, **data
            )
        except ValidationError as error:
            _add_errors(form, error, default="evidence" if evidence else None)
        else:
            messages.success(request, _("Measurement reported."))
            return redirect("project_indicators", slug=project.slug)
    return render(
        request,
        "indicators/measurement_form.html",
        {"project": project, "indicator": indicator, "form": form},
        status=_form_status(form),
    )


@login_required
@require_POST
def measurement_delete(request: HttpRequest, slug: str, indicator_id: int, measurement_id: int):
    project = access_project_for_edit(request.user, slug)
    indicator = _indicator(project, indicator_id)
    measurement = get_object_or_404(Measurement, pk=measurement_id, indicator=indicator)
    services.measurement_delete(measurement=measurement, actor=request.user)
    messages.success(request, _("Measurement removed."))
    return redirect("project_indicators", slug=project.slug)


@require_GET
def measurement_evidence(request: HttpRequest, slug: str, measurement_id: int) -> FileResponse:
    """The evidence PDF: public with its published project, else only to those who may see
    the project (its officers and the staff of its chapters); 404 for anyone else."""
    project = access_project_for_view(request.user, slug)
    measurement = get_object_or_404(Measurement, pk=measurement_id, indicator__project=project)
    if not measurement.evidence:
        raise Http404
    response = FileResponse(
        measurement.evidence.open("rb"),
        as_attachment=True,
        filename=measurement.evidence_name or "evidence.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- CSV --------------------------------------------------------------------------------------


@require_GET
def indicators_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    project = access_project_for_view(request.user, slug)
    rows = csvio.export_rows(selectors.measurement_rows(project).iterator(chunk_size=500))
    response = StreamingHttpResponse(
        csv_lines(csvio.COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-indicators.csv"'
    if not project.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def indicators_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a CSV: the preview lists every problem at its row and column and saves nothing;
    a clean file is kept in the session (never re-posted) until the officer confirms."""
    project = access_project_for_edit(request.user, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    parsed = None
    token = ""
    if request.method == "POST" and form.is_valid():
        data, problem = csvio.read_upload(form.cleaned_data["file"])
        if data is None:
            form.add_error("file", problem)
        else:
            indicators = list(Indicator.objects.filter(project=project))
            parsed = csvio.parse(data, indicators=indicators)
            if parsed.ok:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "project": project.pk,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "rows": parsed.rows,
                }
    names = {i.pk: i for i in Indicator.objects.filter(project=project)} if parsed else {}
    failed = form.errors or (parsed is not None and not parsed.ok)
    return render(
        request,
        "indicators/import.html",
        {
            "project": project,
            "form": form,
            "parsed": parsed,
            "token": token,
            "preview": [{**row, "indicator": names.get(row["indicator_id"])} for row in parsed.rows]
            if parsed and parsed.ok
            else [],
            "columns": csvio.COLUMNS,
        },
        status=400 if failed else 200,
    )


@login_required
@require_POST
def indicators_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    form = ConfirmImportForm(request.POST)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if (
        not form.is_valid()
        or pending.get("project") != project.pk
        or not secrets.compare_digest(str(pending.get("token", "")), form.cleaned_data["token"])
    ):
        messages.error(
            request, _("This import is no longer waiting for confirmation. Upload the file again.")
        )
        return redirect("indicators_import", slug=project.slug)
    try:
        count = services.measurements_import(
            project=project, actor=request.user, rows=csvio.rows_for_service(pending["rows"])
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("indicators_import", slug=project.slug)
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(request, _("%(count)s measurements imported.") % {"count": count})
    return redirect("project_indicators", slug=project.slug)
