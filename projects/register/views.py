"""Pages of the AI register: the public list, an entry, its history and versions; the officers'
edit and publish pages; the staff's withdraw and restore."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coalition.links import slug_url_maker
from coalition.pagination import query_without_page
from coalition.templatetags.coalition import instant
from projects.access import can_moderate_project
from projects.models import Area
from projects.register import fields, selectors, services
from projects.register.forms import (
    ModerationForm,
    PublishForm,
    RegisterEntryForm,
    RegisterFilterForm,
)
from projects.register.models import EntryStatus, RegisterEntry, RiskLevel

PAGE_SIZE = 20
HISTORY_PAGE_SIZE = 20


def project_url(slug: str) -> str:
    """The project's page (empty if the projects part has no such page)."""
    try:
        return reverse("project_detail", args=[slug])
    except NoReverseMatch:
        return ""


def present_register_rows(entries, city_links) -> list[dict]:
    """The texts a row of the list prints, from the plain values of `selectors.register_rows`
    and their cities (`selectors.cities_of_entries`): labels looked up and the entry's address
    reversed once per page, not once per row."""
    cities = {entry["project_id"]: [] for entry in entries}
    for project_id, name, zone in city_links:
        cities[project_id].append((name, zone))
    areas = {value: str(label) for value, label in Area.choices}
    risks = {value: str(label) for value, label in RiskLevel.choices}
    statuses = {value: str(label) for value, label in EntryStatus.choices}
    url = slug_url_maker("register_entry")
    rows = []
    for entry in entries:
        names_and_zones = cities[entry["project_id"]]
        area, risk, status = (
            entry["project__area"],
            entry["latest_version__risk_level"],
            entry["latest_version__status"],
        )
        rows.append(
            {
                "url": url(entry["project__slug"]),
                "title": entry["project__title"],
                "cities": ", ".join(name for name, _zone in names_and_zones),
                "area": areas.get(area, area),
                "summary": entry["latest_version__summary"],
                "risk_level": risk,
                "risk_label": risks.get(risk, risk),
                "status_label": statuses.get(status, status),
                "version": _("Version %(number)s") % {"number": entry["latest_version__number"]},
                # The date in the time zone of the first city's chapter.
                "published": instant(
                    entry["latest_version__published_at"],
                    names_and_zones[0][1] if names_and_zones else None,
                    "DATE_FORMAT",
                    zone=False,
                ),
            }
        )
    return rows


def register_list(request: HttpRequest) -> HttpResponse:
    """The public register, filters kept in the URL; htmx requests get only the results."""
    form = RegisterFilterForm(request.GET or None, cities=selectors.cached_listed_cities())
    page = selectors.register_page(form.filters(), request.GET.get("page"), PAGE_SIZE)
    entries = list(page.object_list)
    city_links = selectors.cities_of_entries([entry["project_id"] for entry in entries])
    page.object_list = present_register_rows(entries, city_links)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    if request.htmx and request.htmx.target == "register-results":
        return render(request, "register/partials/list_results.html", context)
    return render(request, "register/list.html", context)


def _entry_context(request: HttpRequest, slug: str) -> dict:
    entry, public = selectors.entry_for_reader(request.user, slug)
    return {
        "entry": entry,
        "public": public,
        "project_url": project_url(slug),
        "can_moderate": can_moderate_project(request.user, entry.project),
    }


def register_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest published version: summary first, then the details by section."""
    context = _entry_context(request, slug)
    return _render_version(request, context, context["entry"].latest_version)


def register_history(request: HttpRequest, slug: str) -> HttpResponse:
    context = _entry_context(request, slug)
    page = Paginator(selectors.versions_of(context["entry"]), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (
            version,
            [
                {
                    "label": fields.label(name),
                    "old": fields.display_text(name, change.get("old")),
                    "new": fields.display_text(name, change.get("new")),
                }
                for name, change in sorted(
                    version.changes.items(),
                    key=lambda item: (
                        fields.ALL_FIELDS.index(item[0])
                        if item[0] in fields.ALL_FIELDS
                        else len(fields.ALL_FIELDS)
                    ),
                )
            ],
        )
        for version in page.object_list
    ]
    return render(request, "register/history.html", {**context, "page": page, "rows": rows})


def register_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    context = _entry_context(request, slug)
    return _render_version(request, context, selectors.version_of(context["entry"], number))


def _render_version(request: HttpRequest, context: dict, version) -> HttpResponse:
    return render(
        request,
        "register/entry.html",
        {
            **context,
            "version": version,
            "snapshot": version.snapshot,
            "sections": fields.sections_for(version.snapshot),
            "is_latest": version.pk == context["entry"].latest_version_id,
        },
    )


def _initial_from_project(project) -> dict:
    """A new entry starts from what the project already says."""
    status = {
        "idea": EntryStatus.IN_DEVELOPMENT,
        "pilot": EntryStatus.IN_DEVELOPMENT,
        "production": EntryStatus.IN_USE,
        "evaluated": EntryStatus.IN_USE,
        "retired": EntryStatus.RETIRED,
    }.get(project.status, "")
    return {
        "summary": project.summary[:600],
        "purpose": project.problem,
        "expected_benefit": project.solution[:3000],
        "model_description": project.ai_technique,
        "status": status,
        "development_started_on": project.start_date,
        "draft_revision": 0,
    }


@login_required
@require_http_methods(["GET", "POST"])
def register_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project, entry = selectors.entry_for_edit(request.user, slug)
    instance = entry or RegisterEntry(project=project)
    initial = {"draft_revision": entry.draft_revision} if entry else _initial_from_project(project)
    form = RegisterEntryForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry, changed = services.register_entry_save(
                project=project,
                actor=request.user,
                data=form.entry_data(),
                draft_revision=form.cleaned_data["draft_revision"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("The draft of the register entry has been saved."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("register_edit", slug=project.slug)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved."))
    return render(
        request,
        "register/edit.html",
        {
            "project": project,
            "entry": entry,
            "form": form,
            "publish_form": PublishForm(),
            "missing": fields.missing_for_publication(entry) if entry else [],
            "unpublished_changes": _unpublished_changes(entry),
            "project_url": project_url(project.slug),
        },
        status=400 if form.errors else 200,
    )


def _unpublished_changes(entry: RegisterEntry | None) -> list[str]:
    if entry is None:
        return []
    if entry.latest_version is None:
        return [fields.label(name) for name in fields.ENTRY_FIELDS]
    changes = fields.diff(entry.latest_version.snapshot, fields.snapshot_of(entry))
    return [fields.label(name) for name in changes]


@login_required
@require_POST
def register_publish(request: HttpRequest, slug: str) -> HttpResponse:
    project, entry = selectors.entry_for_edit(request.user, slug)
    if entry is None:
        raise Http404
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("change_note", [])))
        return redirect("register_edit", slug=project.slug)
    try:
        version = services.register_entry_publish(
            entry=entry, actor=request.user, change_note=form.cleaned_data["change_note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("register_edit", slug=project.slug)
    messages.success(
        request,
        _("Version %(number)s of the register entry is published.") % {"number": version.number},
    )
    if not project.is_published:
        messages.warning(
            request,
            _("The project is not published, so the entry is not public yet."),
        )
    return redirect("register_edit", slug=project.slug)


@login_required
@require_POST
def register_moderate(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff of a participating chapter withdraw an entry from the register, or restore it."""
    entry = selectors.entry_for_moderation(request.user, slug)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(message for errors in form.errors.values() for message in errors),
        )
        return redirect("register_entry", slug=slug)
    try:
        if form.cleaned_data["action"] == "withdraw":
            services.register_entry_withdraw(
                entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The entry has been withdrawn from the register."))
        else:
            services.register_entry_restore(entry=entry, actor=request.user)
            messages.success(request, _("The entry is back on the register."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("register_entry", slug=slug)
