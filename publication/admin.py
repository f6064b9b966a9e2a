from django.contrib import admin

from publication.models import PublicationJob, PublishedVersion, ReportingRound
from terrassa_plis.admin import HistoryAdmin, ReadOnlyAdmin, RecordedOnThePagesAdmin


class PublishedVersionInline(RecordedOnThePagesAdmin, admin.TabularInline):
    model = PublishedVersion
    fields = ["number", "title", "published_at", "published_by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(ReportingRound)
class ReportingRoundAdmin(HistoryAdmin):
    list_display = ["__str__", "kind", "deadline", "reminder_days", "status", "opened_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["period"]
    readonly_fields = ["opened_at", "opened_by", "last_publication"]
    inlines = [PublishedVersionInline]


@admin.register(PublishedVersion)
class PublishedVersionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Versions are frozen: they are read here, never added, changed or deleted."""

    list_display = ["title", "number", "round", "published_at", "published_by"]
    list_filter = ["round__kind"]
    list_select_related = ["round__period", "published_by"]
    search_fields = ["title", "note"]


@admin.register(PublicationJob)
class PublicationJobAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The publications asked for, to see why one failed: read here, changed only by
    the operation that asks for them and the task that runs them."""

    list_display = ["round", "status", "requested_at", "requested_by", "finished_at", "failure"]
    list_filter = ["status", "failure", "round__kind"]
    list_select_related = ["round__period", "requested_by"]
