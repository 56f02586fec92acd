"""Pages of challenges ("desafíos"): public list and page, create and edit by the officers of
their cities, moderation by the staff of their chapters; and the staff's commitment page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coalition.pagination import query_without_page
from coalition.permissions import (
    Area,
    area_required,
    needs_mfa_setup,
    redirect_to_mfa_setup,
    roles_of,
    staff_chapters,
)
from projects import commitment
from projects import selectors_startups as selectors
from projects.forms_challenges import ChallengeFilterForm, ChallengeForm
from projects.services_challenges import challenge_create, challenge_update


def challenge_list(request: HttpRequest) -> HttpResponse:
    form = ChallengeFilterForm(request.GET or None, cities=selectors.challenge_cities())
    page = selectors.challenge_page(form.filters(), request.GET.get("page"))
    roles = roles_of(request.user)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "can_create": bool(roles.officer_municipality_ids or roles.staff_chapter_ids),
    }
    if request.htmx and request.htmx.target == "challenge-results":
        return render(request, "projects/challenges/partials/list_results.html", context)
    return render(request, "projects/challenges/list.html", context)


def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = selectors.challenge_for_view(request.user, slug)
    return render(
        request,
        "projects/challenges/detail.html",
        {
            "challenge": challenge,
            "cities": list(challenge.municipalities.all()),
            "page": selectors.challenge_projects(challenge, request.GET.get("page")),
            "query": query_without_page(request),
            "can_edit": selectors.can_edit_challenge(request.user, challenge),
        },
    )


def _save(request, form, *, challenge=None):
    data = dict(form.cleaned_data)
    cities = data.pop("municipalities")
    try:
        if challenge is None:
            return challenge_create(actor=request.user, municipalities=cities, **data)
        return challenge_update(
            challenge=challenge, actor=request.user, municipalities=cities, **data
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
def challenge_new(request: HttpRequest) -> HttpResponse:
    """Officers (for their cities) and chapter staff (for their chapters' cities)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    roles = roles_of(request.user)
    if not (roles.is_superuser or roles.officer_municipality_ids or roles.staff_chapter_ids):
        if needs_mfa_setup(request.user):
            return redirect_to_mfa_setup(request)
        raise PermissionDenied
    cities = selectors.challenge_author_cities(request.user)
    form = ChallengeForm(request.POST or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        challenge = _save(request, form)
        if challenge is not None:
            messages.success(request, _("The challenge has been saved."))
            return redirect("challenge_detail", slug=challenge.slug)
    return render(request, "projects/challenges/edit.html", {"form": form, "challenge": None})


@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    challenge = selectors.challenge_for_edit(request.user, slug)
    cities = selectors.challenge_author_cities(request.user)
    form = ChallengeForm(request.POST or None, cities=cities, instance=challenge)
    allowed = set(cities.values_list("pk", flat=True))
    fixed = [city for city in challenge.municipalities.all() if city.pk not in allowed]
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, challenge=challenge)
        if saved is not None:
            messages.success(request, _("The challenge has been saved."))
            return redirect("challenge_detail", slug=saved.slug)
    return render(
        request,
        "projects/challenges/edit.html",
        {"form": form, "challenge": challenge, "fixed_cities": fixed},
    )


# --- The yearly commitment (staff) -------------------------------------------------------

FIRST_YEAR = 2024


@area_required(Area.STAFF)
def staff_commitment(request: HttpRequest) -> HttpResponse:
    """Per chapter the user runs: which member cities meet the yearly commitment."""
    chapters = list(staff_chapters(request.user).order_by("name"))
    this_year = timezone.localdate().year
    years = list(range(this_year + 1, FIRST_YEAR - 1, -1))
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        year = this_year
    if year not in years:
        year = this_year
    chapter = next((c for c in chapters if c.slug == request.GET.get("chapter")), None)
    chapter = chapter or (chapters[0] if chapters else None)
    rows = commitment.chapter_commitment(chapter.pk, year) if chapter else []
    counts = {state: 0 for state in commitment.STATE_LABELS}
    for row in rows:
        counts[row.state] += 1
    return render(
        request,
        "projects/commitment/staff.html",
        {
            "chapters": chapters,
            "chapter": chapter,
            "years": years,
            "year": year,
            "rows": rows,
            "summary": [(commitment.STATE_LABELS[s], n, s) for s, n in counts.items()],
            "reminder_day": _reminder_day(year),
        },
    )


def _reminder_day(year: int) -> dt.date:
    from projects.commitment_reminders import reminder_day

    return reminder_day(year)
