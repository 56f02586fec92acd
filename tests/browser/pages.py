"""Which pages the guardrails visit: every GET page of the portal found in the URL patterns,
with its arguments taken from the fixture world (`tests/browser/world.py`).

A pattern with arguments the world cannot fill makes the tests fail until someone gives it a
value here or names it in EXCLUDED with a reason, so a new view is covered without editing the
browser test itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

OUR_APPS = ("coalition.", "municipalities.", "calls.", "projects.")
# Pages of django-allauth that the portal renders with its own templates.
ALLAUTH_PAGES = {"account_login", "account_signup", "account_reset_password", "mfa_index"}

# URL name -> why no guardrail visits it.
EXCLUDED: dict[str, str] = {
    "healthz": "plain-text health check for the load balancer",
    "set_language": "POST only (the language switcher)",
    "generated_document_download": "PDF download",
    "application_upload": "POST only (htmx upload)",
    "application_remove_annex": "POST only",
    "application_submit": "POST only",
    "application_withdraw": "POST only",
    "document_download": "PDF download",
    "receipt_download": "PDF download",
    "dossier_download": "PDF download",
    "staff_call_publish": "POST only",
    "member_map_data": "JSON for the map script",
    "open_data_csv": "CSV download",
    "open_data_json": "JSON download",
    "api_municipality_list": "JSON API",
    "api_municipality_detail": "JSON API",
    "api_openapi": "JSON API description",
    "api_not_found": "JSON 404 of unknown API paths",
    "api_project_list": "JSON API",
    "api_project_detail": "JSON API",
    "api_startup_list": "JSON API",
    "api_startup_detail": "JSON API",
    "api_challenge_list": "JSON API",
    "api_challenge_detail": "JSON API",
    "api_indicator_list": "JSON API",
    "api_indicator_detail": "JSON API",
    "api_register_list": "JSON API",
    "api_register_detail": "JSON API",
    "api_register_versions": "JSON API",
    "municipality_logo": "image download",
    "municipality_leave": "POST only",
    "officer_decide": "POST only",
    "results_discussion_mark": "POST only",
    "results_propose": "POST only",
    "results_approve": "POST only",
    "results_withdraw": "POST only",
    "results_export_download_staff": "file download",
    "results_export_download_committee": "file download",
    "feed_chapter_calls": "Atom feed",
    "feed_chapter_results": "Atom feed",
    "review_document": "PDF download",
    "review_dossier": "PDF download",
    "committee_member_withdraw": "POST only",
    "committee_invitation_cancel": "POST only",
    "committee_flag_decide": "POST only",
    "application_start": "POST only (the apply button)",
    "results_export_staff": "POST only (export request)",
    "results_export_committee": "POST only (export request)",
    "register_publish": "POST only",
    "register_moderate": "POST only (staff withdraw or restore an entry)",
    "register_data_csv": "CSV download",
    "register_data_json": "JSON download",
    "startup_data_csv": "CSV download",
    "startup_data_json": "JSON download",
    "challenge_data_csv": "CSV download",
    "challenge_data_json": "JSON download",
    "project_data_csv": "CSV download",
    "project_data_json": "JSON download",
    "project_attachment": "PDF download",
    "project_attachment_upload": "POST only (its form is on the edit page)",
    "project_attachment_remove": "POST only",
    "project_publish": "POST only",
    "staff_project_restore": "POST only",
    "indicator_delete": "POST only",
    "indicator_target_delete": "POST only",
    "measurement_delete": "POST only",
    "indicators_import_confirm": "POST only (after the preview)",
    "measurement_evidence": "PDF download",
    "indicators_csv": "CSV download",
    "measurements_csv": "CSV download",
    "measurements_json": "JSON download",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the full pattern, e.g. "members/<slug:slug>/edit/"
    kwargs: tuple[str, ...]
    module: str


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: its own pages, tested by Django
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            callback = entry.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            module = (view or callback).__module__
            if module == "django.contrib.syndication.views" or not hasattr(callback, "__name__"):
                module = type(callback).__module__
            yield Route(
                name=namespace + entry.name,
                route=route,
                kwargs=tuple(entry.pattern.converters),
                module=module,
            )


def portal_routes() -> list[Route]:
    """Named URL patterns of our apps, plus allauth's pages we render; admin left out."""
    routes = []
    for route in _walk(get_resolver()):
        if route.module.startswith(OUR_APPS) or route.name in ALLAUTH_PAGES:
            routes.append(route)
    return routes


# Route prefix -> how to fill its arguments from the world. First match wins; routes that
# need something else get an entry in BY_NAME.
Filler = Callable[[object], dict[str, object]]
BY_NAME: dict[str, Filler] = {
    "call_detail": lambda w: {"slug": w.open_call.slug},
    "application_start": lambda w: {"slug": w.open_call.slug},
    "staff_call_edit": lambda w: {"slug": w.draft_call.slug},
    "staff_call_structure": lambda w: {"slug": w.draft_call.slug},
    "staff_call_applications": lambda w: {"slug": w.open_call.slug},
    "staff_application": lambda w: {"pk": w.submitted_application.pk},
    "results_decision": lambda w: {"pk": w.eligible_application.pk},
    "results_discussion_committee": lambda w: {"pk": w.extra["unassigned"].pk},
    "committee_invitation_accept": lambda w: {"token": w.extra["invitation"].token},
    "register_entry": lambda w: {"slug": w.extra["register_project"].slug},
    "register_history": lambda w: {"slug": w.extra["register_project"].slug},
    "register_version": lambda w: {"slug": w.extra["register_project"].slug, "number": 1},
    "register_edit": lambda w: {"slug": w.extra["register_project"].slug},
    "startup_detail": lambda w: {"slug": w.extra["startup"].slug},
    "startup_edit": lambda w: {"slug": w.extra["startup"].slug},
    "challenge_detail": lambda w: {"slug": w.extra["challenge"].slug},
    "challenge_edit": lambda w: {"slug": w.extra["challenge"].slug},
    "project_detail": lambda w: {"slug": w.extra["register_project"].slug},
    "project_edit": lambda w: {"slug": w.extra["register_project"].slug},
    "project_status": lambda w: {"slug": w.extra["register_project"].slug},
    "project_history": lambda w: {"slug": w.extra["register_project"].slug},
    "staff_project_withdraw": lambda w: {"slug": w.extra["register_project"].slug},
    "project_indicators": lambda w: {"slug": w.extra["register_project"].slug},
    "indicator_create": lambda w: {"slug": w.extra["register_project"].slug},
    "indicators_import": lambda w: {"slug": w.extra["register_project"].slug},
    "indicator_edit": lambda w: _indicator_kwargs(w),
    "indicator_targets": lambda w: _indicator_kwargs(w),
    "measurement_create": lambda w: _indicator_kwargs(w),
}


def _indicator_kwargs(w) -> dict:
    return {"slug": w.extra["register_project"].slug, "indicator_id": w.extra["indicator"].pk}


# A prefix matches only when the rest of the route has no further argument.
REST = r"[a-z0-9_./-]*$"
BY_PREFIX: list[tuple[re.Pattern, Filler]] = [
    (re.compile(r"^members/<slug:slug>/" + REST), lambda w: {"slug": w.municipality.slug}),
    (re.compile(r"^calls/<slug:slug>/" + REST), lambda w: {"slug": w.open_call.slug}),
    (re.compile(r"^applications/<int:pk>/" + REST), lambda w: {"pk": w.draft_application.pk}),
    (
        re.compile(r"^panel/(staff|committee)/calls/<slug:slug>/" + REST),
        lambda w: {"slug": w.closed_call.slug},
    ),
    (
        re.compile(r"^panel/(staff|committee)/applications/<int:pk>/" + REST),
        lambda w: {"pk": w.eligible_application.pk},
    ),
    (
        re.compile(r"^panel/committee/assignments/<int:pk>/" + REST),
        lambda w: {"pk": w.extra["assignment"].pk},
    ),
    (re.compile(r"^feeds/<slug:slug>/" + REST), lambda w: {"slug": w.chapter.slug}),
]


def filler_for(route: Route) -> Filler | None:
    if not route.kwargs:
        return lambda _world: {}
    if route.name in BY_NAME:
        return BY_NAME[route.name]
    for pattern, filler in BY_PREFIX:
        if pattern.match(route.route):
            return filler
    return None


def unfilled(routes: list[Route]) -> list[Route]:
    """Routes to visit whose arguments nobody knows how to fill."""
    return [r for r in routes if r.name not in EXCLUDED and filler_for(r) is None]


def url_of(route: Route, world) -> str:
    filler = filler_for(route)
    assert filler is not None
    kwargs = filler(world)
    missing = set(route.kwargs) - set(kwargs)
    assert not missing, f"{route.name}: the filler gives no {sorted(missing)}"
    return reverse(route.name, kwargs={k: kwargs[k] for k in route.kwargs})
