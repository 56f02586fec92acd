"""Admin of the committee's records: for looking up and fixing, not for the daily work
(which goes through the services and leaves audit events)."""

from django.contrib import admin

from calls.review.models import (
    Assignment,
    ConflictDeclaration,
    ConflictFlag,
    CriterionScore,
    Invitation,
    Review,
    ReviewRevision,
)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "call", "kind", "is_chair", "invited_at", "accepted_at"]
    list_filter = ["kind", "call__chapter"]
    search_fields = ["email", "full_name", "call__title"]
    raw_id_fields = ["call", "municipality", "invited_by"]
    readonly_fields = ["token", "invited_at", "accepted_at"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["member", "application", "has_conflict", "kind", "declared_at"]
    list_filter = ["has_conflict", "kind"]
    search_fields = ["member__user__email", "application__municipality__name"]
    raw_id_fields = ["member", "application"]


@admin.register(ConflictFlag)
class ConflictFlagAdmin(admin.ModelAdmin):
    list_display = ["member", "application", "reason", "status", "decided_by", "decided_at"]
    list_filter = ["status", "reason"]
    search_fields = ["member__user__email", "application__municipality__name"]
    raw_id_fields = ["member", "application", "decided_by"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["member", "application", "assigned_by", "assigned_at"]
    list_filter = ["member__call"]
    search_fields = ["member__user__email", "application__municipality__name"]
    raw_id_fields = ["member", "application", "assigned_by"]


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0
    raw_id_fields = ["criterion", "level"]


class ReviewRevisionInline(admin.TabularInline):
    model = ReviewRevision
    extra = 0
    readonly_fields = ["changed_by", "changed_at", "old", "new"]
    can_delete = False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["assignment", "status", "score", "weight_assessed", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["assignment__member__user__email"]
    raw_id_fields = ["assignment"]
    readonly_fields = ["score", "weight_assessed", "version", "submitted_at"]
    inlines = [CriterionScoreInline, ReviewRevisionInline]
