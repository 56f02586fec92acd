"""Admin of the register: for looking up; versions are read-only (they never change)."""

from django.contrib import admin

from projects.register.models import RegisterEntry, RegisterEntryVersion


class VersionInline(admin.TabularInline):
    model = RegisterEntryVersion
    fields = ["number", "published_at", "published_by", "risk_level", "status", "change_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "risk_level", "status", "first_published_at", "withdrawn_at"]
    list_filter = ["risk_level", "status"]
    search_fields = ["project__title", "project__slug", "summary"]
    raw_id_fields = ["project", "updated_by"]
    readonly_fields = [
        "uuid",
        "latest_version",
        "first_published_at",
        "withdrawn_at",
        "withdrawal_reason",
        "draft_revision",
        "created_at",
        "updated_at",
    ]
    inlines = [VersionInline]


@admin.register(RegisterEntryVersion)
class RegisterEntryVersionAdmin(admin.ModelAdmin):
    list_display = ["entry", "number", "risk_level", "status", "published_at", "published_by"]
    list_filter = ["risk_level", "status"]
    search_fields = ["entry__project__title", "summary"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
