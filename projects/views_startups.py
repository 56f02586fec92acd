"""Pages of startups: the public list and page, the edit page, and the staff merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coalition.pagination import query_without_page
from coalition.permissions import Area, area_required
from projects import selectors_startups as selectors
from projects.forms_startups import StartupFilterForm, StartupForm, StartupMergeForm
from projects.models import Startup
from projects.services_startups import merge_preview, startup_merge, startup_update


def startup_list(request: HttpRequest) -> HttpResponse:
    """The public list of startups with at least one published project. htmx requests get
    only the results, to swap in place; without JavaScript the form reloads the page."""
    form = StartupFilterForm(request.GET or None, sectors=selectors.sector_tags())
    page = selectors.startup_page(form.filters(), request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    if request.htmx and request.htmx.target == "startup-results":
        return render(request, "projects/startups/partials/list_results.html", context)
    return render(request, "projects/startups/list.html", context)


def startup_detail(request: HttpRequest, slug: str) -> HttpResponse:
    startup = selectors.startup_for_view(request.user, slug)
    if startup.merged_into_id is not None:
        # The kept record answers by its own rule: no hint of a record the reader may not see.
        kept = selectors.startup_for_view(request.user, _final(startup).slug)
        return redirect("startup_detail", slug=kept.slug, permanent=True)
    return render(
        request,
        "projects/startups/detail.html",
        {
            "startup": startup,
            "page": selectors.startup_projects(startup, request.GET.get("page")),
            "query": query_without_page(request),
            "can_edit": selectors.can_edit_startup(request.user, startup),
        },
    )


def _final(startup: Startup) -> Startup:
    """The record a merged startup now lives in (merges re-point older duplicates, so one
    step is enough; the loop only guards against a chain left by hand in the admin)."""
    seen = set()
    while startup.merged_into_id is not None and startup.pk not in seen:
        seen.add(startup.pk)
        startup = startup.merged_into
    return startup


@require_http_methods(["GET", "POST"])
def startup_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    startup = selectors.startup_for_edit(request.user, slug)
    form = StartupForm(request.POST or None, instance=startup)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sectors = data.pop("sectors")
        try:
            startup_update(startup=startup, actor=request.user, sectors=sectors, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The startup has been updated."))
            return redirect("startup_detail", slug=startup.slug)
    return render(request, "projects/startups/edit.html", {"startup": startup, "form": form})


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def startup_merge_view(request: HttpRequest) -> HttpResponse:
    """Choose a duplicate and the record to keep, see what moves, then confirm."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = StartupMergeForm(data)
    preview = None
    if form.is_bound and form.is_valid():
        duplicate, kept = form.cleaned_data["duplicate"], form.cleaned_data["kept"]
        if request.method == "POST" and form.cleaned_data["confirm"]:
            try:
                startup_merge(duplicate=duplicate, kept=kept, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("“%(duplicate)s” has been merged into “%(kept)s”.")
                    % {"duplicate": duplicate.name, "kept": kept.name},
                )
                return redirect("startup_detail", slug=kept.slug)
        else:
            preview = merge_preview(duplicate=duplicate, kept=kept)
    return render(
        request,
        "projects/startups/merge.html",
        {"form": form, "preview": preview},
    )
