from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from service_charters.bands import BAND_LABELS
from service_charters.followup import format_percent
from service_charters.models import (
    INDICATOR_CHARTER,
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from service_charters.years import FIRST_YEAR, LAST_YEAR
from terrassa_plis.admin import HistoryAdmin, one_selected


def _short(text: str) -> str:
    return Truncator(text).chars(80)


class OfferedServiceInline(admin.TabularInline):
    model = OfferedService
    fields = ["position", "name"]
    extra = 0
    show_change_link = True


class ObjectiveInline(admin.StackedInline):
    model = Objective
    fields = ["position", "text"]
    extra = 0
    show_change_link = True


class CharterCommitmentInline(admin.StackedInline):
    model = CharterCommitment
    fields = ["position", "text"]
    extra = 0
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = [
        "position",
        "name",
        "target_kind",
        "target_value",
        "target_text",
        "unit",
        "periodicity",
    ]
    extra = 0
    show_change_link = True


class MeasurementInline(admin.TabularInline):
    """Read only: results change through their form, which keeps the version and history."""

    model = Measurement
    fields = ["year", "result", "not_applicable", "observations", "updated_by", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-year"]

    def has_add_permission(self, request, obj=None):
        return False


# The year of the follow-up an action downloads, checked by the action itself, which says
# what is wrong: a field of the actions bar that fails leaves only the admin's «No s'ha
# seleccionat cap acció».
FOLLOW_UP_YEAR = forms.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


class YearActionForm(ActionForm):
    """The actions bar of the charters, with the year the follow-up is asked for."""

    # The actions bar prints a field's label, not its help: the label says both.
    year = forms.CharField(
        label=_("Any (buit: el darrer amb resultats)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )


@admin.register(Charter)
class CharterAdmin(HistoryAdmin):
    list_display = ["title", "service", "area", "in_force_from", "in_force_until"]
    list_filter = ["service__area", "service", "in_force_from"]
    search_fields = ["title", "service__name"]
    list_select_related = ["service__area"]
    date_hierarchy = "in_force_from"
    inlines = [OfferedServiceInline]
    action_form = YearActionForm
    actions = ["download_follow_up"]

    @admin.action(description=_("Descarrega el seguiment de l'any (PDF)"))
    def download_follow_up(self, request, queryset):
        """The charter's follow-up PDF of the year typed beside the action (of its latest
        year with results when none is), as the charter's page gives it."""
        try:
            year = FOLLOW_UP_YEAR.clean(request.POST.get("year", "").strip())
        except ValidationError as error:
            self.message_user(
                request, _("Any: %(error)s") % {"error": " ".join(error.messages)}, messages.ERROR
            )
            return None
        charter = one_selected(self, request, queryset)
        if charter is None:
            return None
        return redirect(
            "service_charters:charter_report_pdf", charter.pk, year or charter.report_year()
        )

    @admin.display(description=_("àrea"), ordering="service__area__number")
    def area(self, obj):
        return obj.service.area


@admin.register(OfferedService)
class OfferedServiceAdmin(HistoryAdmin):
    list_display = ["name", "charter", "position"]
    list_filter = ["charter__service"]
    search_fields = ["name", "charter__title"]
    list_select_related = ["charter"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(HistoryAdmin):
    list_display = ["short_text", "offered_service", "charter", "position"]
    list_filter = ["offered_service__charter__service"]
    search_fields = ["text", "offered_service__name", "offered_service__charter__title"]
    list_select_related = ["offered_service__charter"]
    inlines = [CharterCommitmentInline]

    @admin.display(description=_("objectiu"), ordering="text")
    def short_text(self, obj):
        return _short(obj.text)

    @admin.display(description=_("carta de serveis"), ordering="offered_service__charter__title")
    def charter(self, obj):
        return obj.offered_service.charter


@admin.register(CharterCommitment)
class CharterCommitmentAdmin(HistoryAdmin):
    list_display = ["short_text", "short_objective", "charter", "position"]
    list_filter = ["objective__offered_service__charter__service"]
    search_fields = ["text", "objective__text", "objective__offered_service__charter__title"]
    list_select_related = ["objective__offered_service__charter"]
    inlines = [IndicatorInline]

    @admin.display(description=_("compromís"), ordering="text")
    def short_text(self, obj):
        return _short(obj.text)

    @admin.display(description=_("objectiu"), ordering="objective__text")
    def short_objective(self, obj):
        return _short(obj.objective.text)

    @admin.display(
        description=_("carta de serveis"), ordering="objective__offered_service__charter__title"
    )
    def charter(self, obj):
        return obj.objective.offered_service.charter


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["short_name", "target_text", "target_kind", "unit", "periodicity", "charter"]
    list_filter = ["target_kind", "periodicity", f"{INDICATOR_CHARTER}__service"]
    search_fields = ["name", "target_text", "commitment__text", f"{INDICATOR_CHARTER}__title"]
    list_select_related = [INDICATOR_CHARTER]
    raw_id_fields = ["commitment"]
    inlines = [MeasurementInline]

    @admin.display(description=_("indicador"), ordering="name")
    def short_name(self, obj):
        return _short(obj.name)

    @admin.display(description=_("carta de serveis"), ordering=f"{INDICATOR_CHARTER}__title")
    def charter(self, obj):
        return obj.commitment.objective.offered_service.charter


@admin.register(Measurement)
class MeasurementAdmin(HistoryAdmin):
    """Read only: a result changes through the results form, which claims its version, so
    an edit here could not tell a form opened meanwhile that its copy is stale."""

    list_display = [
        "indicator_name",
        "year",
        "result",
        "not_applicable",
        "compliance",
        "band",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["year", "not_applicable", f"indicator__{INDICATOR_CHARTER}__service"]
    search_fields = ["indicator__name", "observations", f"indicator__{INDICATOR_CHARTER}__title"]
    # The indicator's target is needed for the compliance column.
    list_select_related = ["indicator", "updated_by"]

    @admin.display(description=_("indicador"), ordering="indicator__name")
    def indicator_name(self, obj):
        return _short(obj.indicator.name)

    @admin.display(description=_("grau de compliment"))
    def compliance(self, obj):
        return format_percent(obj.assessment().compliance)

    @admin.display(description=_("valoració"))
    def band(self, obj):
        return BAND_LABELS[obj.assessment().band]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
