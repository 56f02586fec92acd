from django.contrib import admin

from calls.models import (
    Application,
    Call,
    CommitteeMember,
    Criterion,
    CriterionLevel,
    Document,
    EligibilityRequirement,
    Question,
)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user"]


class RequirementInline(admin.TabularInline):
    model = EligibilityRequirement
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    show_change_link = True


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "chapter", "status", "opens_at", "closes_at"]
    list_filter = ["chapter", "status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RequirementInline, QuestionInline, CriterionInline, CommitteeMemberInline]


class LevelInline(admin.TabularInline):
    model = CriterionLevel
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "weight"]
    inlines = [LevelInline]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    can_delete = False
    fields = ["kind", "original_name", "pages", "size", "signature", "signer_name", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through the portal's services."""

    list_display = ["municipality", "call", "status", "submitted_at", "updated_at"]
    list_filter = ["call", "status"]
    search_fields = ["municipality__name"]
    inlines = [DocumentInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Application._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
