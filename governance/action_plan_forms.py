"""The action plan's forms: the filters of its page, the transversal commission's
decision on an action, and an action's implementation in a period.

The rules of a decision and of an implementation entry live in the operations; the
forms call the same rule functions so that every message shows next to its field.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.action_plan import AxisChoice
from governance.action_plan_operations import (
    DEGREE_MESSAGE,
    NO_ENTRY,
    NOT_VALIDATED,
    PERIOD_PATTERN,
    decision_rule_errors,
    normalise_period,
    period_choices,
)
from governance.forms import INVALID_DATE, date_input
from governance.models import (
    DESCRIPTION_MAX_LENGTH,
    OBSERVATIONS_MAX_LENGTH,
    ActionDecision,
    Plan,
    PlanAction,
)
from terrassa_plis.concurrency import base_version_field
from terrassa_plis.text_bounds import LongTextField

STALE_PAGE = _("La pàgina no diu quines dades heu vist: torneu-la a obrir i torneu a desar.")


class ActionFilterForm(forms.Form):
    """`?decisio=validated&area=3`: the actions of one decision and one area (by number)."""

    decisio = forms.ChoiceField(
        label=_("Decisió"),
        required=False,
        choices=[("", _("Totes"))] + list(ActionDecision.choices),
        error_messages={"invalid_choice": _("Trieu una de les decisions de la llista.")},
    )
    area = forms.ChoiceField(
        label=_("Àrea responsable"),
        required=False,
        error_messages={"invalid_choice": _("Trieu una de les àrees de la llista.")},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        # The areas are read once by the view; a ModelChoiceField would read them again
        # to validate the choice.
        self.areas = {str(area.number): area for area in areas}
        self.fields["area"].choices = [("", _("Totes"))] + [
            (str(area.number), str(area)) for area in areas
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "decision": self.cleaned_data["decisio"] or None,
            "area": self.areas.get(self.cleaned_data["area"]),
        }

    def summary(self) -> list[tuple[str, str]]:
        """The filters applied, as (label, value) pairs a reader understands."""
        filters = self.filters()
        pairs = []
        if filters.get("decision"):
            pairs.append((self.fields["decisio"].label, ActionDecision(filters["decision"]).label))
        if filters.get("area") is not None:
            pairs.append((self.fields["area"].label, str(filters["area"])))
        return pairs


class AxisForm(forms.Form):
    """`?eix=3`: the axis the page shows, by its place in the chooser (the first one
    when none is asked for)."""

    eix = forms.ChoiceField(
        label=_("Eix"),
        required=False,
        error_messages={"invalid_choice": _("Trieu un dels eixos de la llista.")},
    )

    def __init__(self, *args, choices: list[AxisChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["eix"].choices = [("", "")] + [
            (str(choice.position), choice.name) for choice in choices
        ]

    def axis(self) -> AxisChoice | None:
        """The chosen axis; the first one when none is asked for or the choice is wrong
        (the page then says so next to the chooser)."""
        if not self.choices:
            return None
        if self.is_valid() and self.cleaned_data["eix"]:
            return self.choices[int(self.cleaned_data["eix"]) - 1]
        return self.choices[0]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisió"),
        choices=[
            (ActionDecision.VALIDATED, ActionDecision.VALIDATED.label),
            (ActionDecision.REJECTED, ActionDecision.REJECTED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Trieu si la comissió valida o rebutja l'acció."),
            "invalid_choice": _("Trieu si la comissió valida o rebutja l'acció."),
        },
    )
    decided_on = forms.DateField(
        label=_("Data de la decisió"),
        widget=date_input(),
        help_text=_("dd/mm/aaaa"),
        error_messages={"invalid": INVALID_DATE, "required": _("Escriviu la data de la decisió.")},
    )
    reason = LongTextField(
        label=_("Motiu"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatori si la comissió rebutja l'acció."),
    )
    # The action's version the page was opened with: a save that finds a newer one is refused.
    base_version = base_version_field()

    def __init__(self, *args, plan: Plan, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.today = today or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        errors = decision_rule_errors(
            cleaned.get("decision", ""),
            cleaned.get("decided_on"),
            cleaned.get("reason", ""),
            plan=self.plan,
            today=self.today,
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


class ImplementationForm(forms.Form):
    """An entry of a validated action's implementation."""

    # A list of the periods in words; the operation still checks the code it sends.
    period = forms.CharField(
        label=_("Període"),
        help_text=_("El semestre. Si el període ja hi és, se n'actualitza el grau."),
        error_messages={"required": _("Trieu el període.")},
        widget=forms.Select,
    )
    degree = forms.IntegerField(
        label=_("Grau d'implementació (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Escriviu el grau d'implementació, de 0 a 100."),
            "invalid": DEGREE_MESSAGE,
            "min_value": DEGREE_MESSAGE,
            "max_value": DEGREE_MESSAGE,
        },
    )
    observations = LongTextField(
        label=_("Observacions"),
        max_length=OBSERVATIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The version of each period's entry the page was opened with, «2024-S1:3 2024-S2:1»:
    # the user may pick any period, and a save over an entry saved since is refused.
    seen_versions = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, action: PlanAction, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.today = today or timezone.localdate()
        self.fields["period"].widget.choices = period_choices(action.plan, today=self.today)

    @staticmethod
    def versions_of(entries) -> str:
        """The `seen_versions` of a page that shows `entries`."""
        return " ".join(f"{entry.period}:{entry.version}" for entry in entries)

    def clean_period(self):
        return normalise_period(self.cleaned_data["period"], self.action.plan, today=self.today)

    def clean_seen_versions(self) -> dict[str, int]:
        versions = {}
        for pair in self.cleaned_data["seen_versions"].split():
            period, _sep, version = pair.partition(":")
            if not PERIOD_PATTERN.match(period) or not version.isascii() or not version.isdigit():
                raise forms.ValidationError(STALE_PAGE, code="invalid")
            versions[period] = int(version)
        return versions

    def base_version(self) -> int:
        """The version of the chosen period's entry the page showed (`NO_ENTRY` if none)."""
        return self.cleaned_data["seen_versions"].get(self.cleaned_data["period"], NO_ENTRY)

    def clean(self):
        cleaned = super().clean()
        if self.action.decision != ActionDecision.VALIDATED:
            raise forms.ValidationError(NOT_VALIDATED, code="not_validated")
        return cleaned
