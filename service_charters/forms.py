"""The yearly results page: one form per indicator, gathered in one formset.

Every rule that involves more than one field lives in a clean method here, and the
would-be compliance is computed with `compliance.assess`, so the view only binds,
checks `is_valid()` and hands `result_data()` to `operations.save_results`.
"""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from service_charters.compliance import Assessment, Band, TargetKind, assess
from service_charters.models import (
    MEASUREMENT_DATA_FIELDS,
    RESULT_TEXT_MAX_LENGTH,
    Indicator,
    Measurement,
)
from service_charters.operations import ResultData
from service_charters.targets import TargetError, parse_result
from terrassa_plis.concurrency import base_version_field
from terrassa_plis.formatting import plain_decimal
from terrassa_plis.input_bounds import (
    BoundedFormSet,
    bounded_formset_factory,
    validate_date_in_range,
)
from terrassa_plis.text_bounds import LongTextField

NOT_A_NUMBER = _("Escriviu un nombre.")
NOT_YES_NO = _("Escriviu Sí o No.")
NEGATIVE = _("El resultat no pot ser negatiu.")
DECIMAL_COMMA = _("Escriviu els decimals amb coma: 2,5.")
NOT_ASSESSED_NEEDS_WHY = _("Expliqueu per què no s'ha avaluat.")
SHORTFALL_NEEDS_WHY = _("Expliqueu per què no s'ha assolit l'objectiu.")

_NEGATIVE = re.compile(r"[-−–]\s*(?P<number>\S.*)")


class ResultField(forms.DecimalField):
    """A result as the charters write it: «3», «2,5», «1.234», «100 %» or, for yes/no
    indicators, «Sí»/«No»; empty (or «-») when there is none."""

    default_error_messages = {"invalid": NOT_A_NUMBER, "min_value": NEGATIVE}

    def __init__(self, **kwargs):
        self.accepts_yes_no = False
        super().__init__(
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        negative = _NEGATIVE.fullmatch(text)
        if negative:
            # Read the number anyway, so that the validators say it is negative.
            number = self._read(negative["number"])
            if number is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return -number
        return self._read(text)

    def _read(self, text: str) -> Decimal | None:
        try:
            return parse_result(text, yes_no=self.accepts_yes_no)
        except TargetError as error:
            if error.dot_decimal:
                message = DECIMAL_COMMA
            elif self.accepts_yes_no:
                message = NOT_YES_NO
            else:
                message = self.error_messages["invalid"]
            raise forms.ValidationError(message, code="invalid") from None


def _text_field(label, *, rows=3, help_text="") -> forms.CharField:
    return LongTextField(
        label=label,
        max_length=RESULT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        show_hidden_initial=True,
    )


class HiddenInitialBoundField(forms.BoundField):
    """A field whose hidden copy of its initial value (`show_hidden_initial`, how a save
    tells what changed since the page was opened) carries no aria-* attribute. Django 5.2
    gives that hidden input the visible field's `aria-describedby`, which HTML forbids
    on a hidden input."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if widget is not None and widget.is_hidden:
            for name in [name for name in attrs if name.startswith("aria-")]:
                del attrs[name]
        return attrs


class ResultForm(forms.Form):
    """One indicator's result for the year; `assessment` is set once it is clean."""

    bound_field_class = HiddenInitialBoundField

    result = ResultField(label=_("Resultat"), show_hidden_initial=True)
    not_applicable = forms.BooleanField(
        label=_("No aplicable aquest any"), required=False, show_hidden_initial=True
    )
    not_applicable_reason = _text_field(
        _("Motiu de no aplicació"),
        rows=2,
        help_text=_("Només si l'indicador no s'aplica aquest any."),
    )
    observations = _text_field(
        _("Observacions"),
        help_text=_("Cal explicar-ho si no s'assoleix el 100 % de l'objectiu o si no s'avalua."),
    )
    shortfall_causes = _text_field(_("Causes de l'incompliment"), rows=2)
    improvement_actions = _text_field(_("Accions de millora"), rows=2)
    improvement_due = forms.DateField(
        label=_("Data prevista de les accions de millora"),
        required=False,
        localize=True,
        help_text=_("En format dd/mm/aaaa."),
        error_messages={"invalid": _("Escriviu una data com 31/12/2022.")},
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        show_hidden_initial=True,
    )
    # The version the page was opened with: a save that finds a newer one is refused.
    base_version = base_version_field()

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.assessment: Assessment | None = None
        result = self.fields["result"]
        result.accepts_yes_no = self.is_yes_no
        if self.is_yes_no:
            result.help_text = _("Sí o No (també 1 o 0).")
        elif indicator.is_percentage:
            result.help_text = _("Un percentatge entre 0 i 100; decimals amb coma (97,5).")
        else:
            result.help_text = _("Un nombre; decimals amb coma (2,5).")

    @property
    def is_yes_no(self) -> bool:
        return self.indicator.is_yes_no

    def has_changed(self) -> bool:
        # The hidden initial values are what the page showed when it was opened, so an
        # indicator the user did not touch is unchanged even if someone saved it since.
        return any(name in MEASUREMENT_DATA_FIELDS for name in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        if "result" in self.errors:
            return cleaned
        result = cleaned.get("result")
        not_applicable = cleaned.get("not_applicable", False)
        if not_applicable:
            if result is not None:
                self.add_error(
                    "result",
                    _(
                        "Un indicador no aplicable no té resultat: deixeu-lo buit o desmarqueu "
                        "«No aplicable»."
                    ),
                )
            reason = cleaned.get("not_applicable_reason", "")
            if not reason.strip() and "not_applicable_reason" not in self.errors:
                self.add_error(
                    "not_applicable_reason",
                    _("Expliqueu per què l'indicador no s'aplica aquest any."),
                )
        elif cleaned.get("not_applicable_reason", "").strip():
            self.add_error(
                "not_applicable_reason",
                _(
                    "Marqueu «No aplicable» si l'indicador no s'aplica aquest any, "
                    "o esborreu el motiu."
                ),
            )
        if result is not None:
            problem = self.indicator.check_result(result)
            if problem:
                self.add_error("result", problem)

        self.assessment = assess(
            TargetKind(self.indicator.target_kind),
            self.indicator.target_value,
            result,
            not_applicable=not_applicable,
        )
        # A not-applicable indicator is explained by its reason, which is what the
        # follow-up table prints in its «Observacions» column.
        observations = cleaned.get("observations", "")
        if not not_applicable and not observations.strip() and "observations" not in self.errors:
            if self.assessment.band == Band.NOT_ASSESSED:
                self.add_error("observations", NOT_ASSESSED_NEEDS_WHY)
            elif self.assessment.band != Band.MET:
                self.add_error("observations", SHORTFALL_NEEDS_WHY)

        if (
            cleaned.get("improvement_due")
            and not cleaned.get("improvement_actions", "").strip()
            and "improvement_actions" not in self.errors
        ):
            self.add_error(
                "improvement_actions",
                _("Descriviu les accions de millora previstes per a aquesta data."),
            )
        return cleaned

    def result_data(self) -> ResultData:
        data = self.cleaned_data
        return ResultData(
            indicator=self.indicator,
            base_version=data.get("base_version"),
            result=data.get("result"),
            not_applicable=data.get("not_applicable", False),
            not_applicable_reason=data.get("not_applicable_reason", ""),
            observations=data.get("observations", ""),
            shortfall_causes=data.get("shortfall_causes", ""),
            improvement_actions=data.get("improvement_actions", ""),
            improvement_due=data.get("improvement_due"),
        )

    @staticmethod
    def initial_from(indicator: Indicator, measurement: Measurement | None) -> dict:
        if measurement is None:
            return {"base_version": None}
        result = plain_decimal(measurement.result)
        if result is not None and indicator.target_kind == TargetKind.YES_NO and result in (0, 1):
            # Not translated: it is a value to read back, and `parse_result` reads Sí/No.
            result = "Sí" if result else "No"
        return {
            "result": result,
            "not_applicable": measurement.not_applicable,
            "not_applicable_reason": measurement.not_applicable_reason,
            "observations": measurement.observations,
            "shortfall_causes": measurement.shortfall_causes,
            "improvement_actions": measurement.improvement_actions,
            "improvement_due": measurement.improvement_due,
            "base_version": measurement.version,
        }


# Far above any charter's indicators (the seeds' largest has a few dozen); the rows come
# from the database, so this caps only what a forged management form may claim.
MAX_INDICATORS = 500


class BaseResultFormSet(BoundedFormSet):
    """One ResultForm per indicator of the charter, in the printed order.

    Only the indicators the user changed are validated and saved (each form is
    `empty_permitted`, and unchanged means equal to what the page showed when it was
    opened). So opening the page and pressing «Desa» saves nothing (the view says so)
    rather than creating empty «no avaluat» measurements for indicators nobody reported
    on, and an untouched indicator never blocks saving the others; but any indicator
    the user touches must be complete: a result under target, or no result at all,
    needs its observation.
    """

    prefix_name = "results"

    def __init__(self, data=None, *, rows, **kwargs):
        self.rows = list(rows)
        super().__init__(
            data,
            prefix=self.prefix_name,
            initial=[ResultForm.initial_from(row.indicator, row.measurement) for row in self.rows],
            **kwargs,
        )

    # The indicators come from the database, never from the posted management form.
    def total_form_count(self):
        return len(self.rows)

    def initial_form_count(self):
        return len(self.rows)

    def add_prefix(self, index):
        # Fields are named after the indicator, not its position: a page posted after
        # the charter gained or lost an indicator never saves a result onto another one.
        if isinstance(index, int):
            index = self.rows[index].indicator.pk
        return super().add_prefix(index)

    def get_form_kwargs(self, index):
        return {"indicator": self.rows[index].indicator, "empty_permitted": True}

    def changed_forms(self) -> list[ResultForm]:
        return [form for form in self.forms if form.has_changed()]

    def result_data(self) -> list[ResultData]:
        return [form.result_data() for form in self.changed_forms()]


ResultFormSet = bounded_formset_factory(
    ResultForm, formset=BaseResultFormSet, max_num=MAX_INDICATORS, extra=0
)
