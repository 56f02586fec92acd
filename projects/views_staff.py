"""Staff moderation of projects: the list of their chapters' projects, withdraw, restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coalition.pagination import query_without_page
from coalition.permissions import Area, area_required
from projects import selectors
from projects.access import access_project_for_moderation
from projects.forms import WithdrawForm
from projects.forms_filters import StaffProjectFilterForm
from projects.services_moderation import project_restore, project_withdraw


@area_required(Area.STAFF)
def staff_projects(request: HttpRequest) -> HttpResponse:
    cities = list(selectors.selectable_cities().values_list("slug", "name"))
    startups = list(selectors.selectable_startups().values_list("slug", "name"))
    form = StaffProjectFilterForm(request.GET or None, cities=cities, startups=startups)
    page = Paginator(selectors.moderated_projects(request.user, form.filters()), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/staff_list.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def staff_project_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_moderation(request.user, slug)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            project_withdraw(
                project=project, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The project has been withdrawn; its officers have been told.")
            )
            return redirect("staff_projects")
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved."))
    return render(
        request,
        "projects/staff_withdraw.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


@area_required(Area.STAFF)
@require_POST
def staff_project_restore(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_moderation(request.user, slug)
    try:
        project_restore(project=project, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The project is published again."))
    return redirect("staff_projects")
