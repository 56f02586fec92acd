"""The projects' panel on the home page and their block on a city's profile (registered in
ProjectsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coalition.panels import HomePanel, register_home_panel
from municipalities.profile_blocks import register_profile_block
from projects import selectors
from projects.access import public_projects
from projects.views_projects import present_directory_rows

LATEST_SHOWN = 4


def latest_projects_context(request: HttpRequest) -> dict[str, Any] | None:
    latest = selectors.latest_projects(LATEST_SHOWN)
    present_directory_rows(latest)
    if not latest:
        return None
    return {"projects": latest, "count": public_projects().count()}


def profile_projects_context(request: HttpRequest, municipality) -> dict[str, Any] | None:
    projects = selectors.city_published_projects(municipality.pk)
    present_directory_rows(projects)
    return {"projects": projects, "municipality": municipality}


def register_panels() -> None:
    register_home_panel(
        HomePanel(
            key="projects.latest",
            template="projects/partials/home_projects.html",
            context=latest_projects_context,
            order=30,
        )
    )
    register_profile_block(
        "projects", "projects/partials/profile_projects.html", profile_projects_context, order=10
    )
