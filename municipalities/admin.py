from django.contrib import admin

from municipalities.models import Municipality, Officer


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "status", "requested_at"]
    list_filter = ["status"]
    autocomplete_fields = ["user", "municipality"]
