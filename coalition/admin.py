from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from coalition.models import AuditEvent, Chapter, ChapterStaff, GeneratedDocument, User

# The admin signs in through allauth, so it gets the same rate limits and two-factor check.
admin.site.login = secure_admin_login(admin.site.login)
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
