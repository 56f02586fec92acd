from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods, require_POST

from coalition import selectors, services
from coalition.forms import LanguageForm, SummaryRequestForm
from coalition.models import GeneratedDocument
from coalition.panels import home_panels
from coalition.permissions import (
    MFA_RETURN_SESSION_KEY,
    Area,
    area_required,
    can_download_generated_document,
    needs_mfa_setup,
    recorded_roles,
    redirect_to_mfa_setup,
    roles_of,
    staff_chapters,
)

AREA_DASHBOARDS = {
    Area.STAFF: "staff_dashboard",
    Area.COMMITTEE: "committee_dashboard",
    Area.OFFICER: "officer_dashboard",
}


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness check for load balancers, and the trivial baseline view of the benchmarks."""
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"  # always asked of the process itself
    return response


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The portal's 403 (Django's `handler403`): whichever view or gate refused the request,
    someone whose privileged rights wait for two-factor set-up is sent to set-up instead of a
    bare refusal. The refusal itself comes from `coalition.permissions.roles_of`, which
    withholds those rights until then. (A handler rather than a middleware: it costs nothing
    to the requests that are not refused.)"""
    if needs_mfa_setup(request.user):
        return redirect_to_mfa_setup(request)
    return defaults.permission_denied(request, exception)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "coalition/home.html", {"panels": home_panels(request)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "Mi panel": each role lands on its own dashboard, the most privileged first (one
    waiting for two-factor set-up sends the user there)."""
    areas = recorded_roles(request.user).areas
    if areas:
        return redirect(AREA_DASHBOARDS[areas[0]])
    from municipalities.selectors import officer_links

    return render(
        request,
        "coalition/dashboard_personal.html",
        {"links": list(officer_links(request.user))},
    )


@area_required(Area.STAFF)
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    from municipalities.selectors import pending_officer_requests, stale_municipalities

    return render(
        request,
        "coalition/dashboard_staff.html",
        {
            "chapters": list(staff_chapters(request.user)),
            "pending_officer_count": pending_officer_requests(request.user).count(),
            "stale": list(stale_municipalities(request.user)[:10]),
            "stale_count": stale_municipalities(request.user).count(),
        },
    )


@area_required(Area.OFFICER)
def officer_dashboard(request: HttpRequest) -> HttpResponse:
    from municipalities.models import Municipality

    municipalities = Municipality.objects.filter(
        pk__in=roles_of(request.user).officer_municipality_ids
    ).order_by("name")
    from calls.selectors import calls_by_phase, officer_applications
    from projects.selectors import editable_projects

    return render(
        request,
        "coalition/dashboard_officer.html",
        {
            "municipalities": list(municipalities),
            "applications": officer_applications(request.user),
            "open_calls": calls_by_phase()["open"],
            "projects": list(editable_projects(request.user)[:20]),
        },
    )


@area_required(Area.STAFF)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.audit_events_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "coalition/audit_log.html", {"page": page})


def summary_request_form(request: HttpRequest) -> SummaryRequestForm:
    return SummaryRequestForm(
        request.POST if request.method == "POST" else None,
        chapters=staff_chapters(request.user).order_by("name"),
        allow_all=roles_of(request.user).is_superuser,
    )


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def coalition_summary(request: HttpRequest) -> HttpResponse:
    """Summaries of the chapters the user runs: ask for one, follow it, download it."""
    form = summary_request_form(request)
    if request.method == "POST" and form.is_valid():
        services.coalition_summary_request(
            requested_by=request.user,
            language=translation.get_language(),
            chapter=form.cleaned_data["chapter"],
        )
        messages.success(request, _("The summary is being prepared. It will appear below."))
        return redirect("coalition_summary")
    documents = selectors.coalition_summaries_visible_to(request.user)
    template = (
        "coalition/partials/summary_documents.html"
        if request.htmx and request.method == "GET"
        else "coalition/coalition_summary.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "documents": documents,
            "any_pending": any(d.status == d.Status.PENDING for d in documents),
        },
        status=400 if form.errors else 200,
    )


@login_required
def generated_document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(GeneratedDocument, pk=pk)
    if not can_download_generated_document(request.user, document):
        raise PermissionDenied
    if document.status != GeneratedDocument.Status.READY or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.pdf",
        content_type="application/pdf",
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the user's account."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    # Not redirect(): it would take a bare word such as "abc" for a URL name (a 500).
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 60 * 60,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why two-factor authentication is needed and links to its set-up."""
    return render(
        request,
        "coalition/mfa_required.html",
        {"return_to": request.session.get(MFA_RETURN_SESSION_KEY, "")},
    )
