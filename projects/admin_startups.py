"""Admin of startups, sector tags, challenges and the commitment reminders (imported by
projects/admin.py). Merges go through the staff page, never the admin: it would lose links."""

from django.contrib import admin

from projects.models import Challenge, CommitmentReminderSent, SectorTag, Startup


@admin.register(SectorTag)
class SectorTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Startup)
class StartupAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "tax_id", "merged_into", "created_at"]
    list_filter = ["country", "sectors"]
    search_fields = ["name", "tax_id", "slug"]
    filter_horizontal = ["sectors"]
    readonly_fields = ["merged_into", "created_by", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["merged_into"]


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "status", "published_at"]
    list_filter = ["status", "area", "municipalities__chapter"]
    search_fields = ["title", "description", "municipalities__name"]
    filter_horizontal = ["municipalities"]
    readonly_fields = ["published_at", "created_by", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(CommitmentReminderSent)
class CommitmentReminderSentAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "sent_at"]
    list_filter = ["year"]
    readonly_fields = ["municipality", "year", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False
