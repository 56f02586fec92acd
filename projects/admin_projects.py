"""Admin of projects and their parts (imported by projects/admin.py). Officers register and
edit projects in the portal, where each change is kept as a revision and audited: the admin
reads them, and is for repairs only."""

from django.contrib import admin

from projects.models import (
    Project,
    ProjectAttachment,
    ProjectCity,
    ProjectLink,
    ProjectRevision,
    ProjectStartup,
    ProjectStatusChange,
)


class ProjectCityInline(admin.TabularInline):
    model = ProjectCity
    extra = 0
    autocomplete_fields = ["municipality"]
    readonly_fields = ["added_at"]


class ProjectStartupInline(admin.TabularInline):
    model = ProjectStartup
    extra = 0
    autocomplete_fields = ["startup"]


class ProjectStatusChangeInline(admin.TabularInline):
    model = ProjectStatusChange
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


class ProjectLinkInline(admin.TabularInline):
    model = ProjectLink
    extra = 0


class ProjectAttachmentInline(admin.TabularInline):
    model = ProjectAttachment
    extra = 0
    fields = ["title", "original_name", "size", "pages", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields[1:]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # uploads are checked (calls.pdfcheck) on the project's edit page


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "visibility", "status", "area", "start_date", "updated_at"]
    list_filter = ["visibility", "status", "area", "uses_ai", "municipalities__chapter"]
    search_fields = ["title", "slug", "summary", "municipalities__name", "startups__name"]
    readonly_fields = [
        "version",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
        "search_text",
    ]
    autocomplete_fields = ["challenge"]
    inlines = [
        ProjectCityInline,
        ProjectStartupInline,
        ProjectStatusChangeInline,
        ProjectLinkInline,
        ProjectAttachmentInline,
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # officers register projects in the portal


@admin.register(ProjectRevision)
class ProjectRevisionAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at"]
    search_fields = ["project__title"]
    list_select_related = ["project", "author"]
    readonly_fields = ["project", "author", "created_at", "changes"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
