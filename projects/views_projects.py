"""Public pages of projects: the directory, a project's page, its history, its attachments.

Every project is fetched through `projects.access`: nothing unpublished is shown to anyone
but the officers of its cities and the staff of their chapters (404 for everyone else).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from coalition.links import slug_url_maker
from coalition.pagination import query_without_page
from projects import selectors
from projects.access import (
    access_project_for_view,
    can_edit_for_cities,
    can_edit_project,
    can_moderate_for_chapters,
    can_moderate_project,
    can_view_project,
)
from projects.blocks import render_blocks
from projects.forms_filters import ProjectFilterForm
from projects.history import revision_rows
from projects.models import Area, Project, ProjectAttachment, ProjectStartup
from projects.services import project_publication_problems

DIRECTORY_PAGE_SIZE = 20


def directory_form(request: HttpRequest) -> ProjectFilterForm:
    choices = selectors.cached_filter_choices()
    return ProjectFilterForm(
        request.GET or None, cities=choices["cities"], startups=choices["startups"]
    )


def present_directory_rows(rows: list[dict]) -> None:
    """Add to the plain rows of `selectors.directory_page` the texts a card prints, each label
    looked up once per page and the project URL reversed once, rather than once per row."""
    areas = {value: str(label) for value, label in Area.choices}
    statuses = {value: str(label) for value, label in Project.Status.choices}
    visibilities = {value: str(label) for value, label in Project.Visibility.choices}
    roles = {value: str(label) for value, label in ProjectStartup.Role.choices}
    url = slug_url_maker("project_detail")
    for row in rows:
        row["url"] = url(row["slug"])
        row["cities_text"] = ", ".join(row["cities"])
        row["area_label"] = areas.get(row["area"], row["area"])
        row["status_label"] = statuses.get(row["status"], row["status"])
        # Only an unpublished project carries a badge of its visibility.
        row["visibility_label"] = (
            ""
            if row["visibility"] == Project.Visibility.PUBLISHED
            else visibilities.get(row["visibility"], row["visibility"])
        )
        row["startups_text"] = ", ".join(
            f"{name} ({roles.get(role, role)})" for name, role in row["startups"]
        )


def project_directory(request: HttpRequest) -> HttpResponse:
    """Published projects, with search and filters kept in the URL; htmx requests get only the
    results, to swap in place (the same form works without JavaScript)."""
    form = directory_form(request)
    page = selectors.directory_page(form.filters(), request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    present_directory_rows(page.object_list)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    if request.htmx and request.htmx.target == "project-results":
        return render(request, "projects/partials/directory_results.html", context)
    return render(request, "projects/directory.html", context)


def present_project_page(page: selectors.ProjectPage) -> dict:
    """The texts and links the project page prints for its plain rows: each label looked up
    once and each kind of URL reversed once, rather than per row in the template."""
    project = page.project
    statuses = {value: str(label) for value, label in Project.Status.choices}
    roles = {value: str(label) for value, label in ProjectStartup.Role.choices}
    city_url = slug_url_maker("municipality_profile")
    for city in page.cities:
        city["url"] = city_url(city["slug"])
    startup_url = slug_url_maker("startup_detail")
    for startup in page.startups:
        startup["url"] = startup_url(startup["slug"])
        startup["role_label"] = roles.get(startup["role"], startup["role"])
    for change in page.status_changes:
        change["status_label"] = statuses.get(change["status"], change["status"])
    for attachment in page.attachments:
        attachment["url"] = reverse("project_attachment", args=[project.slug, attachment["id"]])
    return {
        "project": project,
        "cities": page.cities,
        "startups": page.startups,
        "status_changes": page.status_changes,
        "links": page.links,
        "attachments": page.attachments,
        "area_label": dict(Area.choices).get(project.area, project.area),
        "status_label": statuses.get(project.status, project.status),
        # Its instants are shown in the zone of its first city's chapter.
        "time_zone": page.cities[0]["time_zone"] if page.cities else None,
    }


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # One fetch: what the page shows includes what the access rules read (its cities).
    page = selectors.project_page(slug)
    if page is None:
        raise Http404
    project = page.project
    can_edit = can_edit_for_cities(request.user, {city["municipality_id"] for city in page.cities})
    can_moderate = can_moderate_for_chapters(
        request.user, {city["chapter_id"] for city in page.cities}
    )
    if not can_view_project(request.user, project, can_edit=can_edit, can_moderate=can_moderate):
        raise Http404  # as access_project_for_view answers
    problems = (
        project_publication_problems(project, has_cities=bool(page.cities))
        if can_edit and not project.is_published
        else []
    )
    context = present_project_page(page)
    context.update(
        {
            "can_edit": can_edit,
            "can_moderate": can_moderate,
            "problems": problems,
            "blocks": render_blocks(request, project, can_edit=can_edit),
        }
    )
    return render(request, "projects/detail.html", context)


def project_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every saved change of a visible project; the authors' names only for its editors and
    moderators."""
    project = access_project_for_view(request.user, slug)
    insider = can_edit_project(request.user, project) or can_moderate_project(request.user, project)
    revisions = selectors.project_revisions(project)
    if not insider and project.published_at is not None:
        # The public reads what changed since publication, not the drafts before it.
        revisions = revisions.filter(created_at__gte=project.published_at)
    page = Paginator(revisions, 20).get_page(request.GET.get("page"))
    revisions = [(revision, revision_rows(revision)) for revision in page.object_list]
    links = list(project.city_links.all())
    return render(
        request,
        "projects/history.html",
        {
            "project": project,
            "page": page,
            "revisions": revisions,
            "insider": insider,
            "chapter": links[0].municipality.chapter if links else None,
        },
    )


def project_attachment(request: HttpRequest, slug: str, attachment_id: int) -> FileResponse:
    """A project's PDF, from private storage, to whoever may see the project."""
    project = access_project_for_view(request.user, slug)
    attachment = get_object_or_404(ProjectAttachment, pk=attachment_id, project=project)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or f"{project.slug}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = (
        "public, max-age=300" if project.is_published else "private, no-store"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
