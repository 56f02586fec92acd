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

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        """Requests are decided on the staff's officer-requests page, by someone other than
        the requester, with an audit event: the admin never sets a status, nor moves a
        decided link to another person or city (that would approve it for them)."""
        if obj is None:
            return ["status", "decided_at", "decided_by", "refusal_reason"]
        return ["user", "municipality", "status", "decided_at", "decided_by", "refusal_reason"]


@admin.register(ProfileRevision)
class ProfileRevisionAdmin(admin.ModelAdmin):
    list_display = ["municipality", "author", "created_at"]
    readonly_fields = ["municipality", "author", "created_at", "changes"]

    def has_add_permission(self, request) -> bool:
        return False
