from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coalition.links import slug_url_maker
from coalition.page_cache import anonymous_page, is_anonymous_visit
from coalition.pagination import query_without_page
from coalition.permissions import (
    Area,
    area_required,
    can_decide_officer,
    can_edit_municipality,
    has_area,
)
from municipalities import selectors, services
from municipalities.cache import FRAGMENT_TIMEOUT, fragment_key
from municipalities.forms import (
    DirectoryFilterForm,
    MunicipalityProposalForm,
    OfficerRequestForm,
    ProfileForm,
    RefusalForm,
)
from municipalities.models import Country, Membership, Municipality, Officer
from municipalities.profile_blocks import profile_blocks

DIRECTORY_PAGE_SIZE = 24


def directory_form(request: HttpRequest) -> DirectoryFilterForm:
    return DirectoryFilterForm(request.GET or None, choices=selectors.directory_choices())


def present_directory_rows(rows: list[dict]) -> None:
    """Add to the plain rows of `selectors.directory_page` the texts a row prints, each label
    looked up once per page rather than once per row."""
    countries = {value: str(label) for value, label in Country.choices}
    statuses = {value: str(label) for value, label in Membership.Status.choices}
    founder = " · " + _("founder")
    url = slug_url_maker("municipality_profile")
    for row in rows:
        row["url"] = url(row["slug"])
        row["country_label"] = countries.get(row["country"], row["country"])
        row["population_text"] = intcomma(row["population"]) if row["population"] else ""
        row["badges"] = [
            (status, f"{chapter}: {statuses.get(status, status)}{founder if founding else ''}")
            for status, chapter, founding in row["memberships"]
        ]


def directory(request: HttpRequest) -> HttpResponse:
    """The public directory. htmx requests get only the results, to swap in place.

    Anonymous visitors get the whole page from coalition.page_cache; everyone else gets the
    filter form and the results from a fragment rendered once per query, data version and
    variant (see municipalities.cache), with the page around it rendered per request.
    """
    only_results = bool(request.htmx and request.htmx.target == "directory-results")
    part = "results" if only_results else "page"
    if is_anonymous_visit(request):
        key = fragment_key(request, part=f"whole-{part}", variant="anonymous")
        return anonymous_page(
            request,
            key,
            lambda: directory_response(request, render_directory(request, only_results)),
            FRAGMENT_TIMEOUT,
        )
    variant = "staff" if has_area(request.user, Area.STAFF) else "public"
    key = fragment_key(request, part=part, variant=variant)
    fragment = cache.get(key)
    if fragment is None:
        fragment = render_directory(request, only_results)
        cache.set(key, fragment, FRAGMENT_TIMEOUT)
    return directory_response(request, fragment)


def render_directory(request: HttpRequest, only_results: bool) -> str:
    """The filter form with the results, or the results alone."""
    form = directory_form(request)
    page = selectors.directory_page(form.filters(), request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    present_directory_rows(page.object_list)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    template = (
        "municipalities/partials/directory_results.html"
        if only_results
        else "municipalities/partials/directory_body.html"
    )
    return render_to_string(template, context, request=request)


def directory_response(request: HttpRequest, fragment: str) -> HttpResponse:
    if request.htmx and request.htmx.target == "directory-results":
        return HttpResponse(fragment)
    return render(request, "municipalities/directory.html", {"body": mark_safe(fragment)})  # noqa: S308 - our own rendered template


def profile(request: HttpRequest, slug: str) -> HttpResponse:
    """A city's public profile. Anonymous visitors get the whole page from
    coalition.page_cache (its key carries the data version, which every change to a city or to
    its projects bumps); others get its body rendered once per data version and kind of reader
    (editor, signed-in), with the page around it rendered per request."""
    if is_anonymous_visit(request):
        key = fragment_key(request, part=f"whole-profile:{slug}", variant="anonymous")
        return anonymous_page(
            request, key, lambda: anonymous_profile(request, slug), FRAGMENT_TIMEOUT
        )
    municipality = selectors.listed_municipality_ref(slug)
    can_edit = can_edit_municipality(request.user, municipality)
    variant = "editor" if can_edit else "signed-in"
    key = fragment_key(request, part=f"profile:{municipality.pk}", variant=variant)
    body = cache.get(key)
    if body is None:
        body = profile_body(request, selectors.profile_for_public(slug), can_edit=can_edit)
        cache.set(key, body, FRAGMENT_TIMEOUT)
    return profile_response(request, municipality, body)


def anonymous_profile(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole page is stored by the caller: its body needs no fragment of its own."""
    municipality = selectors.profile_for_public(slug)
    return profile_response(request, municipality, profile_body(request, municipality))


def profile_body(request: HttpRequest, municipality: Municipality, can_edit=False) -> str:
    context = {"municipality": municipality, "can_edit": can_edit}
    return render_to_string("municipalities/partials/profile_body.html", context, request=request)


def profile_response(request: HttpRequest, municipality: Municipality, body: str) -> HttpResponse:
    return render(
        request,
        "municipalities/profile.html",
        {
            "name": municipality.name,
            "body": mark_safe(body),  # noqa: S308 - our own template
            "blocks": profile_blocks(request, municipality),
        },
    )


def logo(request: HttpRequest, slug: str) -> FileResponse:
    """Logos are public profile data, served from private storage by this view."""
    municipality = get_object_or_404(Municipality, slug=slug, is_listed=True)
    if not municipality.logo:
        raise Http404
    response = FileResponse(municipality.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = selectors.access_municipality_for_edit(request.user, slug)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.municipality_update_profile(
                municipality=municipality, actor=request.user, data=form.changed_values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if revision is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("The profile has been updated."))
            if municipality.is_listed:
                return redirect("municipality_profile", slug=municipality.slug)
            return redirect("municipality_edit", slug=municipality.slug)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing has been saved."))
    return render(
        request,
        "municipalities/edit.html",
        {"municipality": municipality, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def profile_history(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = selectors.access_municipality_for_edit(request.user, slug)
    page = Paginator(selectors.profile_revisions(municipality), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request, "municipalities/history.html", {"municipality": municipality, "page": page}
    )


@login_required
@require_http_methods(["GET", "POST"])
def represent(request: HttpRequest) -> HttpResponse:
    """Ask to represent a listed municipality, or propose one that is not listed."""
    is_proposal = request.POST.get("form") == "propose"
    request_form = OfficerRequestForm(
        request.POST if request.method == "POST" and not is_proposal else None,
        initial={"municipality": request.GET.get("municipality")},
    )
    proposal_form = MunicipalityProposalForm(
        request.POST if request.method == "POST" and is_proposal else None, prefix="new"
    )
    form = proposal_form if is_proposal else request_form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if is_proposal:
                officer = services.municipality_propose(
                    user=request.user,
                    name=data["name"],
                    chapter=data["chapter"],
                    region=data["region"],
                    official_website=data["official_website"],
                    position=data["position"],
                    message=data["message"],
                )
            else:
                officer = services.officer_request(
                    user=request.user,
                    municipality=data["municipality"],
                    position=data["position"],
                    message=data["message"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request to represent %(name)s has been sent to the coalition staff.")
                % {"name": officer.municipality.name},
            )
            return redirect("dashboard")
    return render(
        request,
        "municipalities/represent.html",
        {
            "request_form": request_form,
            "proposal_form": proposal_form,
            "links": list(selectors.officer_links(request.user)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    officer = selectors.access_own_officer_link(request.user, slug)
    services.officer_leave(officer=officer, actor=request.user)
    messages.success(
        request,
        _("You no longer represent %(name)s.") % {"name": officer.municipality.name},
    )
    return redirect("dashboard")


def officer_requests_context(request: HttpRequest, refusal_form: RefusalForm) -> dict:
    requests = list(selectors.pending_officer_requests(request.user))
    return {
        "requests": requests,
        # One's own request is listed without buttons: someone else decides it.
        "decidable": {o.pk for o in requests if can_decide_officer(request.user, o)},
        "refusal_form": refusal_form,
    }


@area_required(Area.STAFF)
def officer_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "municipalities/officer_requests.html",
        officer_requests_context(request, RefusalForm()),
    )


@area_required(Area.STAFF)
@require_POST
def officer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if Officer.objects.filter(pk=pk, user=request.user).exists():
        messages.error(request, services.OWN_REQUEST_MESSAGE)
        return redirect("officer_requests")
    officer = selectors.access_officer_for_decision(request.user, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.officer_approve(officer=officer, actor=request.user)
            messages.success(
                request,
                _("%(person)s now represents %(name)s.")
                % {"person": officer.user, "name": officer.municipality.name},
            )
        elif decision == "refuse":
            form = RefusalForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "municipalities/officer_requests.html",
                    {**officer_requests_context(request, form), "refusing": officer.pk},
                    status=400,
                )
            services.officer_refuse(
                officer=officer, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The request has been refused."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("officer_requests")
