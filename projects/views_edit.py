"""The officers' pages of a project: register, edit, change status, publish, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coalition.permissions import Area, area_required, roles_of
from projects import services, services_files
from projects.access import access_project_for_edit
from projects.forms import (
    AttachmentForm,
    LinkFormSet,
    NewProjectStatusForm,
    NewStartupForm,
    ProjectForm,
    StartupFormSet,
    StatusChangeForm,
)
from projects.models import Project, ProjectAttachment
from projects.services_startups import startup_create


class EditorForms:
    """The forms of the create and edit pages, bound together."""

    def __init__(self, request: HttpRequest, project: Project | None = None):
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        if project is None:
            own = sorted(roles_of(request.user).officer_municipality_ids)
            initial = {"cities": own[:1], "reporting_period_months": 3}
            startups, links = [], []
        else:
            initial = {
                "cities": [link.municipality_id for link in project.city_links.all()],
                "version": project.version,
            }
            startups = [
                {"startup": link.startup_id, "role": link.role}
                for link in project.startup_links.all()
            ]
            links = [{"title": link.title, "url": link.url} for link in project.links.all()]
        self.project = ProjectForm(data, files, instance=project, initial=initial)
        self.project.fields["version"].required = project is not None
        self.startups = StartupFormSet(data, prefix="startups", initial=startups)
        self.new_startup = NewStartupForm(data, prefix="new_startup")
        self.links = LinkFormSet(data, prefix="links", initial=links)
        self.status = (
            NewProjectStatusForm(data, initial={"status_date": timezone.localdate()})
            if project is None
            else None
        )

    @property
    def all(self) -> list:
        forms = [self.project, self.startups, self.new_startup, self.links]
        return forms + ([self.status] if self.status is not None else [])

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all])

    @property
    def has_errors(self) -> bool:
        return any(
            form.errors if not hasattr(form, "total_error_count") else form.total_error_count()
            for form in self.all
        )

    def startup_pairs(self) -> list[tuple]:
        return [
            (row.cleaned_data["startup"], row.cleaned_data["role"])
            for row in self.startups
            if row.cleaned_data.get("startup")
        ]

    def link_pairs(self) -> list[tuple[str, str]]:
        return [
            (row.cleaned_data["title"].strip(), row.cleaned_data["url"])
            for row in self.links
            if row.cleaned_data.get("url")
        ]

    def add_error(self, error: ValidationError) -> None:
        """Put a service's refusal at the field it concerns."""
        if not hasattr(error, "error_dict"):
            self.project.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field in self.project.fields:
                self.project.add_error(field, errors)
            elif field in self.new_startup.fields:
                self.new_startup.add_error(field, errors)
            elif self.status is not None and field in self.status.fields:
                self.status.add_error(field, errors)
            else:
                self.project.add_error(None, errors)

    def with_new_startup(self, request: HttpRequest) -> list[tuple]:
        """The chosen startups, plus the one typed in the new-startup fields (created now,
        inside the caller's transaction)."""
        pairs = self.startup_pairs()
        if self.new_startup.wants_startup():
            startup = startup_create(actor=request.user, **self.new_startup.startup_fields())
            pairs.append((startup, self.new_startup.cleaned_data["role"]))
        return pairs


def editor_page(request, template: str, forms: EditorForms, **context) -> HttpResponse:
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved."))
    status = 200
    if forms.has_errors:
        status = (
            409 if any(e.code == "stale" for e in forms.project.non_field_errors().data) else 400
        )
    return render(request, template, {"forms": forms, **context}, status=status)


@area_required(Area.OFFICER)
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    forms = EditorForms(request)
    if request.method == "POST" and forms.is_valid():
        try:
            with transaction.atomic():
                project = services.project_create(
                    actor=request.user,
                    data=forms.project.project_data(),
                    cities=list(forms.project.cleaned_data["cities"]),
                    startups=forms.with_new_startup(request),
                    links=forms.link_pairs(),
                    status=forms.status.cleaned_data["status"],
                    status_date=forms.status.cleaned_data["status_date"],
                )
        except ValidationError as error:
            forms.add_error(error)
        else:
            messages.success(
                request,
                _(
                    "The project has been saved as a draft: only you, the officers of its cities "
                    "and the coalition staff see it until you publish it."
                ),
            )
            return redirect("project_detail", slug=project.slug)
    return editor_page(request, "projects/edit.html", forms, project=None)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    project = Project.objects.prefetch_related(
        "city_links__municipality", "startup_links", "links", "attachments"
    ).get(pk=project.pk)
    forms = EditorForms(request, project)
    if request.method == "POST" and forms.is_valid():
        try:
            with transaction.atomic():
                revision = services.project_update(
                    project=project,
                    actor=request.user,
                    version=forms.project.cleaned_data["version"],
                    data=forms.project.project_data(),
                    cities=list(forms.project.cleaned_data["cities"]),
                    startups=forms.with_new_startup(request),
                    links=forms.link_pairs(),
                )
        except ValidationError as error:
            forms.add_error(error)
        else:
            if revision is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("The project has been updated."))
            return redirect("project_detail", slug=project.slug)
    return editor_page(
        request,
        "projects/edit.html",
        forms,
        project=project,
        attachment_form=AttachmentForm(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_status(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    form = StatusChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"changed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_change_status(
                project=project,
                actor=request.user,
                status=form.cleaned_data["status"],
                changed_on=form.cleaned_data["changed_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("project_detail", slug=project.slug)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved."))
    changes = project.status_changes.order_by("changed_on", "id")
    return render(
        request,
        "projects/status.html",
        {"project": project, "form": form, "changes": list(changes)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def project_publish(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    problems = services.project_publication_problems(project)
    if problems:
        return render(
            request,
            "projects/publish_problems.html",
            {"project": project, "problems": problems},
            status=400,
        )
    try:
        services.project_publish(project=project, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The project is published: anyone can see it now."))
    return redirect("project_detail", slug=project.slug)


@login_required
@require_POST
def project_attachment_upload(request: HttpRequest, slug: str) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_files.project_upload_attachment(
                project=project,
                actor=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The attachment has been added."))
            return redirect(f"{project_edit_url(project)}#attachments")
    messages.error(request, _("The file was not attached; see the message at the field."))
    return render(
        request,
        "projects/attachment_form.html",
        {"project": project, "attachment_form": form},
        status=400,
    )


def project_edit_url(project: Project) -> str:
    from django.urls import reverse

    return reverse("project_edit", kwargs={"slug": project.slug})


@login_required
@require_POST
def project_attachment_remove(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    project = access_project_for_edit(request.user, slug)
    attachment = get_object_or_404(ProjectAttachment, pk=attachment_id, project=project)
    services_files.project_remove_attachment(attachment=attachment, actor=request.user)
    messages.success(request, _("The attachment has been removed."))
    return redirect(f"{project_edit_url(project)}#attachments")
