from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

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
from governance.roles import Role
from terrassa_plis import formatting
from terrassa_plis.admin import (
    HistoryAdmin,
    PermissionChoiceField,
    ReadOnlyAdmin,
    RecordedOnThePagesAdmin,
    one_selected,
)
from terrassa_plis.concurrency import VersionCheckedAdmin, VersionCheckedAdminForm

User = get_user_model()

# Roles are groups named by their code («technician»), which the access guard reads: the
# admin shows each by its name in the reader's language and keeps the code as it is.


def role_label(group_name: str) -> str:
    """«Personal tècnic» for the group «technician»; another group keeps its own name."""
    return str(Role(group_name).label) if group_name in Role.values else group_name


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return role_label(group.name)


class RoleListFilter(admin.SimpleListFilter):
    title = _("rol")
    parameter_name = "rol"

    def lookups(self, request, model_admin):
        return [(group.pk, role_label(group.name)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__pk=self.value())
        return queryset


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ["role", "name"]

    @admin.display(description=_("rol"), ordering="name")
    def role(self, group):
        return role_label(group.name)

    def get_readonly_fields(self, request, obj=None):
        # The access guard finds each role by its group's name.
        if obj is not None and obj.name in Role.values:
            return ["name"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.name in Role.values) and super().has_delete_permission(
            request, obj
        )

    def _named(self, request, object_id, extra_context, **names):
        """The page's context with the role's name where the page would print the code."""
        group = self.get_object(request, object_id)
        if group is None:
            return extra_context
        label = role_label(group.name)
        return {
            **(extra_context or {}),
            "role_label": label,
            **{key: text % {"role": label} for key, text in names.items()},
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = self._named(request, object_id, extra_context, subtitle="%(role)s")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = self._named(
            request, object_id, extra_context, title=_("Historial de canvis: %(role)s")
        )
        return super().history_view(request, object_id, extra_context)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class PeopleAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "roles"]
    list_filter = [RoleListFilter, "is_staff", "is_superuser", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rols"))
    def roles(self, user):
        return ", ".join(sorted(role_label(group.name) for group in user.groups.all()))

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
        elif db_field.name == "user_permissions":
            kwargs["form_class"] = PermissionChoiceField
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def technician_choices(assigned=None):
    """Who may be picked as an area's or a service's technician: the active users with the
    technician role, and those already assigned (so a form opened on old data still saves)."""
    may_hold = Q(groups__name=Role.TECHNICIAN.value, is_active=True)
    if assigned is not None:
        may_hold |= Q(pk__in=assigned.values("pk"))
    return User.objects.filter(may_hold).distinct().order_by("username")


class TechnicianPickerAdmin(HistoryAdmin):
    """The technicians' picker lists only the people who can hold the role."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("technicians")
        if field is not None:
            field.queryset = technician_choices(obj.technicians.all() if obj else None)
        return form


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name"]
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(TechnicianPickerAdmin):
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
class ServiceAdmin(TechnicianPickerAdmin):
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
class PlanAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "approved_on", "updated_on", "update_period"]
    search_fields = ["name", "short_name"]
    inlines = [BodyInline]
    actions = ["download_action_plan"]

    @admin.action(description=_("Descarrega el pla d'acció (PDF)"))
    def download_action_plan(self, request, queryset):
        """The action plan's PDF, as its page gives it: the site's pages follow the
        current plan, so only its PDF exists."""
        plan = one_selected(self, request, queryset)
        if plan is None:
            return None
        if plan != Plan.objects.current():
            self.message_user(
                request,
                _(
                    "Les pàgines del PLIS segueixen el pla vigent: només se'n pot "
                    "descarregar el pla d'acció."
                ),
                messages.WARNING,
            )
            return None
        return redirect("governance:actions_pdf")


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
class BodyAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "plan", "position"]
    list_filter = ["kind", "plan"]
    search_fields = ["name", "short_name", "purpose"]
    list_select_related = ["plan"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyFunctionInline, SeatInline]
    actions = ["download_composition"]

    @admin.action(description=_("Descarrega la composició d'avui (PDF)"))
    def download_composition(self, request, queryset):
        body = one_selected(self, request, queryset)
        if body is None:
            return None
        return redirect("governance:body_pdf", body.slug)


@admin.register(BodyFunction)
class BodyFunctionAdmin(HistoryAdmin):
    list_display = ["__str__", "body", "position"]
    list_filter = ["body"]
    search_fields = ["text"]
    list_select_related = ["body"]


@admin.register(Seat)
class SeatAdmin(HistoryAdmin):
    list_display = ["__str__", "body", "position", "expected_count", "public_role", "area"]
    list_filter = ["body", "public_role", "for_political_groups", "area"]
    search_fields = ["description", "body__name"]
    list_select_related = ["body", "area"]


@admin.register(PoliticalGroup)
class PoliticalGroupAdmin(HistoryAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "email", "user"]
    search_fields = ["name", "email", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, HistoryAdmin):
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
class MeetingAdmin(HistoryAdmin):
    list_display = ["date", "body"]
    list_filter = ["body", "date"]
    search_fields = ["agenda", "minutes", "body__name"]
    list_select_related = ["body"]
    filter_horizontal = ["attendees"]
    date_hierarchy = "date"
    inlines = [AgreementInline]


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
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


class PlanActionAdminForm(VersionCheckedAdminForm):
    saved_thing = _("aquesta acció")

    class Meta:
        model = PlanAction
        fields = "__all__"


@admin.register(PlanAction)
class PlanActionAdmin(VersionCheckedAdmin, HistoryAdmin):
    """Takes part in the decision form's check: the commission's decision is edited
    here too, and neither side may silently replace the other's newer save."""

    form = PlanActionAdminForm
    list_display = ["code", "title", "decision", "decided_on", "axis", "plan"]
    list_filter = ["decision", "plan", "axis", "areas"]
    search_fields = ["code", "title", "proposed_by", "axis", "line"]
    list_select_related = ["plan"]
    filter_horizontal = ["areas"]
    inlines = [ActionImplementationInline]


class SemesterFilter(admin.SimpleListFilter):
    """The semesters that have entries, in words («2n semestre 2026»), latest first."""

    title = _("període")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        periods = (
            model_admin.get_queryset(request)
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct()
        )
        return [(period, formatting.semester(period)) for period in periods]

    def queryset(self, request, queryset):
        return queryset.filter(period=self.value()) if self.value() else queryset


@admin.register(ActionImplementation)
class ActionImplementationAdmin(RecordedOnThePagesAdmin, HistoryAdmin):
    """As the inline: entries are recorded on the action's page."""

    list_display = ["action", "semester", "degree"]
    list_filter = [SemesterFilter]
    search_fields = ["action__code", "action__title", "observations"]
    list_select_related = ["action"]

    @admin.display(description=_("període"), ordering="period")
    def semester(self, implementation):
        return formatting.semester(implementation.period)


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["title", "planned_on", "done_on", "plan"]
    list_filter = ["plan", "planned_on"]
    search_fields = ["title"]
    list_select_related = ["plan"]
