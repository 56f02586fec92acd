"""Who may do what. Views, templates and tests all ask these functions.

Roles are not flags on the user: they come from records (chapter staff, committee seats,
approved officer links). `roles_of` reads them once per request and caches them on the user.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from coalition.models import Chapter, GeneratedDocument

MFA_RETURN_SESSION_KEY = "mfa_return_to"


class Area(StrEnum):
    """The private areas of the portal, one per role, each with its own dashboard."""

    STAFF = "staff"
    COMMITTEE = "committee"
    OFFICER = "officer"


# Areas whose users must have two-factor authentication before they enter.
MFA_AREAS = frozenset({Area.STAFF, Area.COMMITTEE})


@dataclass(frozen=True)
class Roles:
    is_superuser: bool
    staff_chapter_ids: frozenset[int]
    committee_call_ids: frozenset[int]
    officer_municipality_ids: frozenset[int]

    @property
    def areas(self) -> list[Area]:
        """The user's areas, most privileged first."""
        areas = []
        if self.is_superuser or self.staff_chapter_ids:
            areas.append(Area.STAFF)
        if self.committee_call_ids:
            areas.append(Area.COMMITTEE)
        if self.officer_municipality_ids:
            areas.append(Area.OFFICER)
        return areas


NO_ROLES = Roles(False, frozenset(), frozenset(), frozenset())


def roles_of(user) -> Roles:
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_coalition_roles", None)
    if cached is not None:
        return cached
    from calls.models import CommitteeMember
    from municipalities.models import Officer

    roles = Roles(
        is_superuser=user.is_superuser,
        staff_chapter_ids=frozenset(user.chapter_roles.values_list("chapter_id", flat=True)),
        committee_call_ids=frozenset(
            CommitteeMember.objects.filter(user=user).values_list("call_id", flat=True)
        ),
        officer_municipality_ids=frozenset(
            Officer.objects.filter(user=user, status=Officer.Status.APPROVED).values_list(
                "municipality_id", flat=True
            )
        ),
    )
    user._coalition_roles = roles
    return roles


def has_area(user, area: Area) -> bool:
    return area in roles_of(user).areas


def is_chapter_staff(user, chapter: Chapter | int) -> bool:
    """Whether the user runs `chapter` (a Chapter or its id, to spare a query)."""
    roles = roles_of(user)
    chapter_id = chapter.pk if isinstance(chapter, Chapter) else chapter
    return roles.is_superuser or chapter_id in roles.staff_chapter_ids


def staff_chapters(user):
    """The chapters the user runs: all of them for a superuser."""
    roles = roles_of(user)
    chapters = Chapter.objects.all()
    if roles.is_superuser:
        return chapters
    return chapters.filter(pk__in=roles.staff_chapter_ids)


def can_view_audit_log(user) -> bool:
    return has_area(user, Area.STAFF)


def can_request_coalition_summary(user) -> bool:
    return has_area(user, Area.STAFF)


def can_download_generated_document(user, document: GeneratedDocument) -> bool:
    if document.kind == GeneratedDocument.Kind.COALITION_SUMMARY:
        return has_area(user, Area.STAFF)
    return False


def needs_mfa_setup(user, area: Area) -> bool:
    return area in MFA_AREAS and settings.REQUIRE_MFA_FOR_PRIVILEGED and not is_mfa_enabled(user)


def area_required(area: Area) -> Callable:
    """Let a view run only for users of `area`; send them to set up MFA where it is required.

    Anonymous users go to the login page; signed-in users without the role get a 403.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_area(request.user, area):
                raise PermissionDenied
            if needs_mfa_setup(request.user, area):
                request.session[MFA_RETURN_SESSION_KEY] = request.get_full_path()
                return redirect("mfa_required")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- Member cities ----------------------------------------------------------------------


def is_officer_of(user, municipality) -> bool:
    """Whether the user is an approved officer of `municipality` (a Municipality or its id)."""
    municipality_id = getattr(municipality, "pk", municipality)
    return municipality_id in roles_of(user).officer_municipality_ids


def can_edit_municipality(user, municipality) -> bool:
    """The city's approved officers and the staff of its chapter."""
    return is_officer_of(user, municipality) or (
        user.is_authenticated and is_chapter_staff(user, municipality.chapter_id)
    )


def can_decide_officer(user, officer) -> bool:
    return user.is_authenticated and is_chapter_staff(user, officer.municipality.chapter_id)


# --- Calls and applications -------------------------------------------------------------


def can_manage_call(user, call) -> bool:
    """Chapter staff create, edit, publish calls and screen their applications."""
    return user.is_authenticated and is_chapter_staff(user, call.chapter_id)


def can_apply(user, municipality) -> bool:
    return is_officer_of(user, municipality)


def can_view_application(user, application) -> bool:
    return is_officer_of(user, application.municipality_id) or (
        user.is_authenticated and is_chapter_staff(user, application.call.chapter_id)
    )


def can_edit_application(user, application) -> bool:
    """Only the city's officers write an application, and only while it is open to edits."""
    return is_officer_of(user, application.municipality_id) and application.is_editable
