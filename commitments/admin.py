from django.contrib import admin
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    Entry,
    Figure,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
)
from terrassa_plis.admin import HistoryAdmin, ReadOnlyAdmin, one_selected
from terrassa_plis.concurrency import VersionCheckedAdmin, VersionCheckedAdminForm


class PlanLevelInline(admin.TabularInline):
    model = PlanLevel
    extra = 0


class StatusInline(admin.TabularInline):
    model = Status
    extra = 0


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0


@admin.register(Mandate)
class MandateAdmin(HistoryAdmin):
    list_display = ["term", "name", "start_year", "end_year", "tracks_progress"]
    list_filter = ["tracks_progress"]
    search_fields = ["term", "name"]
    inlines = [PlanLevelInline, StatusInline, ReportingPeriodInline]


@admin.register(PlanLevel)
class PlanLevelAdmin(HistoryAdmin):
    list_display = ["name", "name_plural", "depth", "mandate"]
    list_filter = ["mandate"]
    search_fields = ["name", "name_plural"]
    list_select_related = ["mandate"]


@admin.register(PlanNode)
class PlanNodeAdmin(HistoryAdmin):
    list_display = ["code", "level", "short_text", "area", "service", "mandate"]
    list_filter = ["mandate", "level", "area", "is_leaf"]
    search_fields = ["code", "text"]
    list_select_related = ["mandate", "level", "area", "service"]
    # A mandate has hundreds of nodes: no select with every one of them.
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "is_leaf"]
    ordering = ["mandate", "path"]

    def get_readonly_fields(self, request, obj=None):
        # Another mandate or level would strand the node's entries (their statuses and
        # periods are the mandate's) and its children (one level below).
        if obj is not None:
            return [*self.readonly_fields, "mandate", "level"]
        return self.readonly_fields

    @admin.display(description=PlanNode._meta.get_field("text").verbose_name)
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(Status)
class StatusAdmin(HistoryAdmin):
    list_display = ["label", "position", "category", "colour", "mandate"]
    list_filter = ["mandate", "category"]
    search_fields = ["label"]
    list_select_related = ["mandate"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(HistoryAdmin):
    list_display = ["label", "start", "end", "is_open", "mandate", "balance_link"]
    list_filter = ["mandate", "is_open"]
    search_fields = ["label"]
    list_select_related = ["mandate"]
    date_hierarchy = "start"
    actions = ["download_balance"]

    @admin.display(description=_("Balanç"))
    def balance_link(self, period):
        return format_html('<a href="{}">{}</a>', period.get_absolute_url(), _("Obre el Balanç"))

    @admin.action(description=_("Descarrega el Balanç del període (PDF)"))
    def download_balance(self, request, queryset):
        """The Balanç's PDF as its page gives it: the stored document, or the page that
        shows it being made."""
        period = one_selected(self, request, queryset)
        if period is None:
            return None
        return redirect("commitments:balance_pdf", period.pk)


class FigureInline(admin.TabularInline):
    model = Figure
    fields = ["position", "label", "value", "unit", "women", "men"]
    extra = 0


class EntryAdminForm(VersionCheckedAdminForm):
    saved_thing = _("aquest seguiment")

    class Meta:
        model = Entry
        fields = "__all__"


@admin.register(Entry)
class EntryAdmin(VersionCheckedAdmin, HistoryAdmin):
    """Takes part in the entry form's check: an edit here opened before a technician's
    save is refused, and a technician's form opened before an edit here is too."""

    form = EntryAdminForm
    list_display = ["node", "period", "status", "progress", "updated_at", "updated_by"]
    list_filter = ["period__mandate", "period", "status", "node__area"]
    search_fields = ["node__code", "node__text", "observations"]
    list_select_related = ["node__level", "period", "status", "updated_by"]
    raw_id_fields = ["node"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    inlines = [FigureInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Read only: figures are edited in their entry's page, which bumps the entry's version.

    A change here would leave the version as it was, and an entry form opened before
    would overwrite it without a conflict.
    """

    list_display = ["label", "value", "unit", "women", "men", "entry"]
    list_filter = ["entry__period__mandate", "entry__period"]
    search_fields = ["label", "unit", "entry__node__code"]
    list_select_related = ["entry__node__level", "entry__period"]
