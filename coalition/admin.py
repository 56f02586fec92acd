from __future__ import annotations

import functools
from collections.abc import Callable

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from coalition.models import AuditEvent, Chapter, ChapterStaff, GeneratedDocument, User
from coalition.permissions import MFA_RETURN_SESSION_KEY, needs_mfa_setup, redirect_to_mfa_setup

_admin_has_permission = admin.site.has_permission


def has_admin_permission(request: HttpRequest) -> bool:
    """The Django admin is a privileged right like the portal's own: it passes the same
    two-factor gate (every admin view asks this through `AdminSite.admin_view`)."""
    return _admin_has_permission(request) and not needs_mfa_setup(request.user)


def mfa_gated_login(login: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An admin user without two-factor authentication is sent to set it up, then back to
    the admin page they asked for, instead of the admin's "not authorised" login form."""

    @functools.wraps(login)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and needs_mfa_setup(user):
            response = redirect_to_mfa_setup(request)
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                request.session[MFA_RETURN_SESSION_KEY] = next_url
            return response
        return login(request, *args, **kwargs)

    return wrapper


admin.site.has_permission = has_admin_permission
# The admin signs in through allauth, so it gets the same rate limits and two-factor check.
admin.site.login = mfa_gated_login(secure_admin_login(admin.site.login))
admin.site.site_header = _("Municipal AI Coalition — administration")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal information"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


class ChapterStaffInline(admin.TabularInline):
    model = ChapterStaff
    extra = 0
    autocomplete_fields = ["user"]

    def get_formset(self, request, obj=None, **kwargs):
        """A role needs a second person: an admin user who is not a superuser cannot make
        themselves staff of a chapter."""
        formset = super().get_formset(request, obj, **kwargs)
        actor = request.user

        class SecondPersonFormSet(formset):
            def clean(self) -> None:
                super().clean()
                if actor.is_superuser:
                    return
                for form in self.forms:
                    data = getattr(form, "cleaned_data", {})
                    if form.has_changed() and data.get("user") == actor and not data.get("DELETE"):
                        raise ValidationError(
                            _("You cannot make yourself staff of a chapter: someone else does.")
                        )

        return SecondPersonFormSet


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone", "default_language"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ChapterStaffInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "actor_email", "action", "target_label", "from_state", "to_state"]
    list_filter = ["action", "chapter"]
    search_fields = ["actor_email", "target_label", "action"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "requested_by", "requested_at", "page_count"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in GeneratedDocument._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
