from django.contrib import admin

from publication.models import PublishedVersion, ReportingRound


class PublishedVersionInline(admin.TabularInline):
    model = PublishedVersion
    fields = ["number", "title", "published_at", "published_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "deadline", "reminder_days", "status", "opened_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["period"]
    readonly_fields = ["opened_at", "opened_by"]
    inlines = [PublishedVersionInline]


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    """Versions are frozen: they are read here, never added, changed or deleted."""

    list_display = ["title", "number", "round", "published_at", "published_by"]
    list_filter = ["round__kind"]
    list_select_related = ["round__period", "published_by"]
    search_fields = ["title", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
