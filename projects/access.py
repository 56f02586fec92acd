"""Who may see and change a project, and the `access_*` helpers that fetch and check at once.

The rule, used by every view of projects, indicators and the register, and by the API:
- the public sees a project only while it is published (`public_projects`);
- the officers of each participating city edit it (a shared project by each of its cities);
- the staff of any participating city's chapter read and moderate it;
- anyone else gets a 404 for an unpublished project, never a hint that it exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from coalition.models import User
from coalition.permissions import roles_of
from projects.models import Project


def public_projects() -> QuerySet[Project]:
    """Projects anyone may see: published, and not withdrawn by staff."""
    return Project.objects.filter(visibility=Project.Visibility.PUBLISHED)


def project_city_ids(project: Project) -> set[int]:
    """The participating cities' ids (one query, or none when already prefetched)."""
    return {link.municipality_id for link in project.city_links.all()}


def project_chapter_ids(project: Project) -> set[int]:
    return {link.municipality.chapter_id for link in project.city_links.all()}


def project_chapter_id(project: Project) -> int | None:
    """The chapter an audit event on the project is filed under: that of its first
    participating city (the links are prefetched by the `access_*` helpers)."""
    links = sorted(project.city_links.all(), key=lambda link: link.pk)
    return links[0].municipality.chapter_id if links else None


def can_edit_for_cities(user: User, city_ids: set[int]) -> bool:
    """`can_edit_project` given the ids of the project's cities (read as plain values)."""
    return bool(city_ids & roles_of(user).officer_municipality_ids)


def can_moderate_for_chapters(user: User, chapter_ids: set[int]) -> bool:
    """`can_moderate_project` given the ids of its cities' chapters (read as plain values)."""
    roles = roles_of(user)
    return roles.is_superuser or bool(chapter_ids & roles.staff_chapter_ids)


def can_edit_project(user: User, project: Project) -> bool:
    """An approved officer of one of the participating cities."""
    return can_edit_for_cities(user, project_city_ids(project))


def can_moderate_project(user: User, project: Project) -> bool:
    """Staff of a participating city's chapter (or a superuser), with two-factor auth."""
    return can_moderate_for_chapters(user, project_chapter_ids(project))


def can_view_project(
    user: User, project: Project, *, can_edit: bool | None = None, can_moderate: bool | None = None
) -> bool:
    """Published, or the user edits or moderates it. A caller that has decided `can_edit` and
    `can_moderate` already (from plain values, as the project page does) passes them."""
    if project.is_published:
        return True
    if can_edit is None:
        can_edit = can_edit_project(user, project)
    if can_moderate is None and not can_edit:
        can_moderate = can_moderate_project(user, project)
    return bool(can_edit or can_moderate)


def _fetch(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).prefetch_related("city_links__municipality").first()
    if project is None:
        raise Http404
    return project


def access_project_for_view(user: User, slug: str) -> Project:
    """A project the user may read; 404 for an unpublished one they have no part in."""
    project = _fetch(slug)
    if not can_view_project(user, project):
        raise Http404
    return project


def access_project_for_edit(user: User, slug: str) -> Project:
    """A project the user may change as an officer of a participating city: 404 when they may
    not even see it, 403 when they may see it but not change it."""
    project = _fetch(slug)
    if can_edit_project(user, project):
        return project
    if can_view_project(user, project):
        raise PermissionDenied
    raise Http404


def access_project_for_moderation(user: User, slug: str) -> Project:
    project = _fetch(slug)
    if can_moderate_project(user, project):
        return project
    if can_view_project(user, project):
        raise PermissionDenied
    raise Http404
