"""Who may do what. Views, templates and tests all ask these functions.

Roles are not flags on the user: they come from records (chapter staff, committee seats,
approved officer links). `roles_of` reads them once per request and caches them on the user.

Two-factor gate: staff, committee and superuser rights are only *effective* once the user has
two-factor authentication (when `REQUIRE_MFA_FOR_PRIVILEGED` is on). Until then `roles_of`
answers as if the user held none of them, so every check built on it — dashboards, object
checks, selectors, downloads — refuses by the same rule, whatever view asks. The rights the
user holds on record stay readable through `recorded_roles`, so that the portal can send them
to set-up instead of answering a bare 403. Officer rights need no second factor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum, nonmember

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

from coalition.models import Chapter, GeneratedDocument

MFA_RETURN_SESSION_KEY = "mfa_return_to"


class Area(StrEnum):
    """The private areas of the portal, one per role, each with its own dashboard."""

    STAFF = "staff"
    COMMITTEE = "committee"
    OFFICER = "officer"

    # Templates compare with `AREA.STAFF`: without this, the template engine calls the class
    # (it is callable), fails, and every such comparison is silently false.
    do_not_call_in_templates = nonmember(True)


# Areas whose rights need two-factor authentication.
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

    @property
    def is_privileged(self) -> bool:
        """Whether any of these rights needs two-factor authentication."""
        return self.is_superuser or bool(self.staff_chapter_ids or self.committee_call_ids)

    def without_privileges(self) -> Roles:
        return replace(
            self, is_superuser=False, staff_chapter_ids=frozenset(), committee_call_ids=frozenset()
        )


NO_ROLES = Roles(False, frozenset(), frozenset(), frozenset())


def lacks_required_mfa(user) -> bool:
    """Whether the portal withholds privileged rights from `user` for want of a second factor."""
    return settings.REQUIRE_MFA_FOR_PRIVILEGED and not is_mfa_enabled(user)


def recorded_roles(user) -> Roles:
    """The roles the user's records grant, before the two-factor gate. Use `roles_of` for any
    decision; this one only tells whom to send to two-factor set-up."""
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_coalition_recorded_roles", None)
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
    user._coalition_recorded_roles = roles
    return roles


def roles_of(user) -> Roles:
    """The roles the user may use now: privileged ones only with two-factor authentication."""
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_coalition_roles", None)
    if cached is not None:
        return cached
    roles = recorded_roles(user)
    # Ask for the authenticator only when it matters: one query, privileged users only.
    if roles.is_privileged and lacks_required_mfa(user):
        roles = roles.without_privileges()
    user._coalition_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the roles cached on `user` (after a change of records or of authenticators)."""
    for attribute in ("_coalition_roles", "_coalition_recorded_roles"):
        user.__dict__.pop(attribute, None)


def has_area(user, area: Area) -> bool:
    return area in roles_of(user).areas


def needs_mfa_setup(user, area: Area | None = None) -> bool:
    """Whether the user holds privileged rights (of `area`, or any) that the two-factor gate
    withholds: such users are sent to set-up rather than refused."""
    if not user.is_authenticated:
        return False
    recorded = recorded_roles(user)
    if area is None:
        withheld = recorded.is_privileged or user.is_staff
    else:
        withheld = area in MFA_AREAS and area in recorded.areas
    return withheld and lacks_required_mfa(user)


def redirect_to_mfa_setup(request: HttpRequest) -> HttpResponseRedirect:
    """Send the user to two-factor set-up, remembering where they were going."""
    if request.method == "GET":
        request.session[MFA_RETURN_SESSION_KEY] = request.get_full_path()
    return redirect("mfa_required")


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


def can_request_coalition_summary(user, chapter: Chapter | None) -> bool:
    """Staff ask for a summary of a chapter they run; only a superuser for every chapter."""
    if chapter is None:
        return roles_of(user).is_superuser
    return is_chapter_staff(user, chapter)


def can_download_generated_document(user, document: GeneratedDocument) -> bool:
    """A summary belongs to the chapter it was asked for (none: every chapter)."""
    if document.kind == GeneratedDocument.Kind.COALITION_SUMMARY:
        if document.chapter_id is None:
            return roles_of(user).is_superuser
        return is_chapter_staff(user, document.chapter_id)
    return False


def area_required(area: Area) -> Callable:
    """Let a view run only for users of `area`; send them to set up MFA where it is required.

    Anonymous users go to the login page; signed-in users without the role get a 403.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if has_area(request.user, area):
                return view(request, *args, **kwargs)
            if needs_mfa_setup(request.user, area):
                return redirect_to_mfa_setup(request)
            raise PermissionDenied

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


def is_own_officer_request(user, officer) -> bool:
    return user.is_authenticated and officer.user_id == user.pk


def can_decide_officer(user, officer) -> bool:
    """Another staff member of the city's chapter, or a superuser: a role always needs a
    second person, so nobody decides their own request."""
    return (
        user.is_authenticated
        and is_chapter_staff(user, officer.municipality.chapter_id)
        and not is_own_officer_request(user, officer)
    )


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
