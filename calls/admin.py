from django.contrib import admin

from calls.models import Call, CommitteeMember


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "chapter"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CommitteeMemberInline]
