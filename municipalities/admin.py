from django.contrib import admin

from municipalities.models import Membership, Municipality, Officer, ProfileRevision, Programme


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "chapter", "population", "profile_updated_at"]
    list_filter = ["country", "chapter", "is_listed", "programmes"]
    search_fields = ["name", "region", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "status", "requested_at", "decided_at"]
    list_filter = ["status", "municipality__chapter"]
    search_fields = ["user__email", "municipality__name"]
    autocomplete_fields = ["user", "municipality"]
    readonly_fields = ["decided_at", "decided_by"]


@admin.register(ProfileRevision)
class ProfileRevisionAdmin(admin.ModelAdmin):
    list_display = ["municipality", "author", "created_at"]
    readonly_fields = ["municipality", "author", "created_at", "changes"]

    def has_add_permission(self, request) -> bool:
        return False
