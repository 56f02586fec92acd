from django.contrib import admin

from projects.indicators.models import Indicator, Measurement, ReportingReminderSent, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "measure", "direction", "baseline_value", "baseline_date")
    list_filter = ("measure", "direction")
    search_fields = ("name", "project__title", "project__slug")
    list_select_related = ("project",)
    raw_id_fields = ("project", "created_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [TargetInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period_start", "period_end", "value", "reported_by")
    list_filter = ("period_end",)
    search_fields = ("indicator__name", "indicator__project__title")
    list_select_related = ("indicator", "reported_by")
    raw_id_fields = ("indicator", "reported_by")
    # The evidence is checked on upload: the admin does not replace it.
    readonly_fields = ("evidence", "evidence_name", "evidence_size", "evidence_sha256")


@admin.register(ReportingReminderSent)
class ReportingReminderSentAdmin(admin.ModelAdmin):
    list_display = ("project", "period_end", "kind", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("project",)
    readonly_fields = ("project", "period_end", "kind", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False
