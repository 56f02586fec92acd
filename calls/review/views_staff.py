"""Thin views of the staff side of the committee: naming it, conflicts, assignments.

Every view passes `area_required(Area.STAFF)` and then `access_committee_call` (staff of the
call's chapter); ids of another call's members, flags or assignments answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from calls.review import assignment as assigning
from calls.review import committee, conflicts, permissions, selectors
from calls.review.forms_committee import (
    BulkAssignForm,
    CommitteeSettingsForm,
    FlagDecisionForm,
    NameMemberForm,
    PlanConfirmForm,
)
from calls.review.models import Assignment, Invitation
from coalition.permissions import Area, area_required


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def committee_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee of a call: its settings, its members and invitations, the detected
    conflicts to decide. Instants are typed and shown in the chapter's time zone."""
    call = permissions.access_committee_call(request.user, slug)
    action = request.POST.get("action")
    with timezone.override(call.chapter.zone):
        settings_form = CommitteeSettingsForm(
            request.POST if action == "settings" else None, instance=call
        )
        name_form = NameMemberForm(request.POST if action == "name" else None, call=call)
        if action == "settings" and settings_form.is_valid():
            try:
                committee.settings_save(
                    call=call, actor=request.user, fields=settings_form.cleaned_data
                )
            except ValidationError as exc:
                settings_form.add_error(None, exc)
            else:
                messages.success(request, _("The committee settings are saved."))
                return redirect("committee_manage", slug=slug)
        if action == "name" and name_form.is_valid() and name_member_from(request, call, name_form):
            return redirect("committee_manage", slug=slug)
        if action in ("close", "reopen"):
            committee.committee_close(call=call, actor=request.user, close=action == "close")
            messages.success(
                request,
                _("The committee is closed: reviews can no longer change.")
                if action == "close"
                else _("The committee is open again."),
            )
            return redirect("committee_manage", slug=slug)
        call.refresh_from_db()
        return render(
            request,
            "review/committee_manage.html",
            {
                "call": call,
                "page": selectors.committee_page(call),
                "settings_form": settings_form,
                "name_form": name_form,
                "flag_form": FlagDecisionForm(),
            },
            status=400 if settings_form.errors or name_form.errors else 200,
        )


def name_member_from(request, call, form: NameMemberForm) -> bool:
    data = form.cleaned_data
    try:
        named = committee.name_member(
            call=call,
            email=data["email"],
            actor=request.user,
            kind=data["kind"],
            full_name=data["full_name"],
            municipality=data["municipality"],
            affiliation=data["affiliation"],
            is_chair=data["is_chair"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    if isinstance(named, Invitation):
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": named.email})
    else:
        messages.success(request, _("%(user)s joined the committee.") % {"user": named.user})
    return True


@area_required(Area.STAFF)
@require_POST
def committee_member_withdraw(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    call = permissions.access_committee_call(request.user, slug)
    member = permissions.access_member_for_staff(request.user, member_id)
    if member.call_id != call.pk:
        raise Http404
    try:
        _member, moved = committee.member_withdraw(member=member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(member)s has withdrawn; %(moved)s assignments went to other members.")
            % {"member": member.user, "moved": moved},
        )
    return redirect("committee_manage", slug=slug)


@area_required(Area.STAFF)
@require_POST
def committee_invitation_cancel(request: HttpRequest, slug: str, invitation_id: int):
    call = permissions.access_committee_call(request.user, slug)
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, call=call, accepted_at__isnull=True
    )
    committee.invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation is cancelled."))
    return redirect("committee_manage", slug=slug)


@area_required(Area.STAFF)
@require_POST
def committee_flag_decide(request: HttpRequest, slug: str, flag_id: int) -> HttpResponse:
    call = permissions.access_committee_call(request.user, slug)
    flag = permissions.access_flag(request.user, flag_id)
    if flag.member.call_id != call.pk:
        raise Http404
    form = FlagDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or dismiss and give the reason."))
        return redirect("committee_manage", slug=slug)
    try:
        conflicts.flag_decide(
            flag=flag,
            actor=request.user,
            confirm=form.cleaned_data["decision"] == "confirm",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The conflict is decided."))
    return redirect("committee_manage", slug=slug)


@area_required(Area.STAFF)
@require_http_methods(["GET", "POST"])
def committee_assignments(request: HttpRequest, slug: str) -> HttpResponse:
    """The application-by-member matrix with each member's load; bulk assignment; the
    automatic plan, shown before staff confirm it."""
    call = permissions.access_committee_call(request.user, slug)
    action = request.POST.get("action")
    bulk = BulkAssignForm(request.POST if action == "bulk" else None, call=call)
    if action == "bulk" and bulk.is_valid():
        created, skipped = assigning.assign_bulk(
            call=call,
            actor=request.user,
            member_ids=[m.pk for m in bulk.cleaned_data["members"]],
            application_ids=[a.pk for a in bulk.cleaned_data["applications"]],
        )
        messages.success(
            request,
            ngettext("%(n)s assignment made.", "%(n)s assignments made.", created) % {"n": created},
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(n)s pair was skipped (conflict, already assigned or load cap).",
                    "%(n)s pairs were skipped (conflict, already assigned or load cap).",
                    len(skipped),
                )
                % {"n": len(skipped)},
            )
        return redirect("committee_assignments", slug=slug)
    if action == "confirm":
        confirm = PlanConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                created = assigning.plan_confirm(
                    call=call, actor=request.user, fingerprint=confirm.cleaned_data["fingerprint"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(f"{request.path}?plan=1")
            messages.success(
                request,
                ngettext("%(n)s assignment made.", "%(n)s assignments made.", created)
                % {"n": created},
            )
        return redirect("committee_assignments", slug=slug)
    if action == "unassign":
        assignment = get_object_or_404(
            Assignment, pk=request.POST.get("assignment") or 0, member__call=call
        )
        try:
            assigning.unassign(assignment=assignment, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("committee_assignments", slug=slug)
    with_plan = request.GET.get("plan") == "1"
    page = selectors.committee_page(call, with_plan=with_plan)
    return render(
        request,
        "review/committee_assignments.html",
        {
            "call": call,
            "page": page,
            "bulk": bulk,
            "with_plan": with_plan,
            "confirm_form": PlanConfirmForm(initial={"fingerprint": page.plan.fingerprint})
            if page.plan
            else None,
        },
        status=400 if bulk.errors else 200,
    )
