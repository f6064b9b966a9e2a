from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from governance.models import (
    ActionImplementation,
    Agreement,
    Area,
    Body,
    BodyFunction,
    Meeting,
    Membership,
    Milestone,
    Person,
    Plan,
    PlanAction,
    PoliticalGroup,
    Seat,
    Service,
)
from terrassa_plis.admin import ReadOnlyAdmin, RecordedOnThePagesAdmin


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name"]
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "service_count"]
    search_fields = ["name"]
    filter_horizontal = ["technicians"]
    inlines = [ServiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_total=Count("services"))

    @admin.display(description=_("serveis"), ordering="service_total")
    def service_count(self, obj):
        return obj.service_total


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]
    search_fields = ["name", "area__name"]
    list_select_related = ["area"]
    filter_horizontal = ["technicians"]


# The plan's bodies, people and follow-up work.


class BodyInline(admin.TabularInline):
    model = Body
    fields = ["position", "name", "kind", "slug"]
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "approved_on", "updated_on", "update_period"]
    search_fields = ["name", "short_name"]
    inlines = [BodyInline]


class BodyFunctionInline(admin.TabularInline):
    model = BodyFunction
    fields = ["position", "text"]
    extra = 0


class SeatInline(admin.StackedInline):
    model = Seat
    fields = [
        "position",
        "description",
        "expected_count",
        "area",
        "public_role",
        "for_political_groups",
        "delegate_allowed",
    ]
    extra = 0
    show_change_link = True


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "plan", "position"]
    list_filter = ["kind", "plan"]
    search_fields = ["name", "short_name", "purpose"]
    list_select_related = ["plan"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyFunctionInline, SeatInline]


@admin.register(BodyFunction)
class BodyFunctionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "position"]
    list_filter = ["body"]
    search_fields = ["text"]
    list_select_related = ["body"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "position", "expected_count", "public_role", "area"]
    list_filter = ["body", "public_role", "for_political_groups", "area"]
    search_fields = ["description", "body__name"]
    list_select_related = ["body", "area"]


@admin.register(PoliticalGroup)
class PoliticalGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "user"]
    search_fields = ["name", "email", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read only: members are seated, changed and unseated on the body's page, whose
    operations check the seat's expected count and that nobody holds a seat twice."""

    list_display = [
        "person",
        "seat",
        "body_role",
        "area",
        "service",
        "political_group",
        "start",
        "end",
    ]
    list_filter = ["seat__body", "body_role", "area", "political_group", "start"]
    search_fields = ["person__name", "seat__description", "seat__body__name"]
    list_select_related = ["person", "seat", "area", "service", "political_group"]
    autocomplete_fields = ["person", "delegate_of"]
    date_hierarchy = "start"


class AgreementInline(admin.StackedInline):
    model = Agreement
    fields = ["text", "owner", "due", "done_on"]
    autocomplete_fields = ["owner"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "body"]
    list_filter = ["body", "date"]
    search_fields = ["agenda", "minutes", "body__name"]
    list_select_related = ["body"]
    filter_horizontal = ["attendees"]
    date_hierarchy = "date"
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "owner", "due", "done_on"]
    list_filter = ["meeting__body", "due", "done_on"]
    search_fields = ["text", "owner__name"]
    list_select_related = ["meeting__body", "owner"]
    autocomplete_fields = ["owner"]


class ActionImplementationInline(RecordedOnThePagesAdmin, admin.TabularInline):
    """Entries are recorded on the action's page, for validated actions and periods
    within the plan's years only; the admin may still delete a mistaken one (and an
    action with its entries)."""

    model = ActionImplementation
    fields = ["period", "degree", "observations"]
    extra = 0


@admin.register(PlanAction)
class PlanActionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "decision", "decided_on", "axis", "plan"]
    list_filter = ["decision", "plan", "axis", "areas"]
    search_fields = ["code", "title", "proposed_by", "axis", "line"]
    list_select_related = ["plan"]
    filter_horizontal = ["areas"]
    inlines = [ActionImplementationInline]


@admin.register(ActionImplementation)
class ActionImplementationAdmin(RecordedOnThePagesAdmin, admin.ModelAdmin):
    """As the inline: entries are recorded on the action's page."""

    list_display = ["action", "period", "degree"]
    list_filter = ["period"]
    search_fields = ["action__code", "action__title", "observations"]
    list_select_related = ["action"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "planned_on", "done_on", "plan"]
    list_filter = ["plan", "planned_on"]
    search_fields = ["title"]
    list_select_related = ["plan"]
