"""The technicians' entry form: one Form for the entry and a formset for its figures.

The rules that involve more than one field are the models' (`Entry.clean`,
`Figure.clean`): the forms' clean methods build an unsaved instance and run them,
so a rule and its message have one home. The view only binds, checks `is_valid()`
and hands `entry_data()` to the operation.
Numbers are localized fields: people type «12,5» and «1.234».
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    OBSERVATIONS_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RELATED_INFORMATION_MAX_LENGTH,
    Entry,
    Figure,
    Mandate,
    Status,
)
from commitments.operations import EntryData, FigureData
from terrassa_plis.concurrency import base_version_field
from terrassa_plis.formatting import plain_decimal
from terrassa_plis.input_bounds import BoundedFormSet, bounded_formset_factory
from terrassa_plis.text_bounds import LongTextField

NEGATIVE = _("La xifra no pot ser negativa.")
NOT_A_NUMBER = _("Escriviu un nombre.")


def _run_model_clean(form: forms.Form, instance: models.Model) -> None:
    """Add the errors of `instance.clean()` to `form`, each on its field when the form has it."""
    try:
        instance.clean()
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            form.add_error(field if field in form.fields else None, messages)


def _length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


def _decimal_field(label, *, required=False, max_digits=12, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        localize=True,
        max_digits=max_digits,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class StatusChoiceField(forms.ModelChoiceField):
    """The mandate's statuses as radio buttons; the template draws each one's colour mark."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Status.objects.none(),
            empty_label=None,
            error_messages={
                "required": _("Trieu l'estat de compliment."),
                "invalid_choice": _("Trieu un dels estats de la llista."),
            },
            **kwargs,
        )


class EntryForm(forms.Form):
    status = StatusChoiceField(label=_("Estat de compliment"))
    progress = _decimal_field(
        _("Percentatge d'execució"),
        max_digits=5,
        min_value=0,
        max_value=100,
        help_text=_("Entre 0 i 100; podeu escriure decimals amb coma (42,5)."),
        error_messages={
            "invalid": NOT_A_NUMBER,
            "min_value": _("El percentatge ha d'estar entre 0 i 100."),
            "max_value": _("El percentatge ha d'estar entre 0 i 100."),
        },
    )
    reason = LongTextField(
        label=_("Motiu"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Només cal si l'estat és «No iniciat per canvi de prioritat»: "
            "expliqueu per què no s'inicia."
        ),
    )
    observations = LongTextField(
        label=_("Observacions"),
        max_length=OBSERVATIONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Cada línia és un paràgraf; les línies que comencen amb «- » formen una llista. "
            "Escriviu **negreta** entre dos asteriscs i els enllaços com a "
            "[text de l'enllaç](https://…)."
        ),
    )
    related_information = LongTextField(
        label=_("Informació relacionada"),
        max_length=RELATED_INFORMATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Text amb enllaços, p. ex. la memòria de l'àrea a Govern Obert."),
    )
    # The version the user started from: a save that finds a newer one is refused.
    base_version = base_version_field()

    def __init__(self, *args, mandate: Mandate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = mandate.statuses.order_by("position")
        if not mandate.tracks_progress:
            del self.fields["progress"]

    @property
    def asks_progress(self) -> bool:
        return "progress" in self.fields

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") is not None and "reason" not in self.errors:
            # The node and period are the view's, not the form's: Entry.clean checks
            # only what it is given.
            entry = Entry(
                status=cleaned["status"],
                reason=cleaned.get("reason", ""),
                # A progress the field refused is told there already.
                progress=cleaned.get("progress") if "progress" not in self.errors else None,
            )
            _run_model_clean(self, entry)
        return cleaned

    @staticmethod
    def initial_from(entry: Entry | None, *, keep_version_of: Entry | None = None) -> dict:
        """The form's initial data from a saved entry (the current one, or the previous
        period's when starting from it); the version is always the current entry's."""
        initial = {"base_version": keep_version_of.version if keep_version_of else None}
        if entry is not None:
            initial.update(
                status=entry.status_id,
                progress=plain_decimal(entry.progress),
                reason=entry.reason,
                observations=entry.observations,
                related_information=entry.related_information,
            )
        return initial


class FigureForm(forms.Form):
    # The model's lengths: one-line inputs, whose maxlength attribute stops the typing.
    label = forms.CharField(
        label=_("Concepte"), max_length=_length(Figure, "label"), required=False
    )
    value = _decimal_field(
        _("Valor"), min_value=0, error_messages={"invalid": NOT_A_NUMBER, "min_value": NEGATIVE}
    )
    unit = forms.CharField(label=_("Unitat"), max_length=_length(Figure, "unit"), required=False)
    women = _decimal_field(
        _("Dones"), min_value=0, error_messages={"invalid": NOT_A_NUMBER, "min_value": NEGATIVE}
    )
    men = _decimal_field(
        _("Homes"), min_value=0, error_messages={"invalid": NOT_A_NUMBER, "min_value": NEGATIVE}
    )

    def is_blank(self) -> bool:
        """A row left empty (or emptied) is no figure at all, not an error."""
        data = getattr(self, "cleaned_data", {})
        return not data.get("label", "").strip() and all(
            data.get(name) in (None, "") for name in ("value", "unit", "women", "men")
        )

    def clean(self):
        cleaned = super().clean()
        bad_numbers = any(name in self.errors for name in ("value", "women", "men"))
        if self.is_blank() and not bad_numbers:
            return cleaned
        if not cleaned.get("label", "").strip() and "label" not in self.errors:
            self.add_error("label", _("Escriviu a què correspon aquesta xifra."))
        value = cleaned.get("value")
        if value is None and "value" not in self.errors:
            self.add_error("value", _("Escriviu el valor d'aquesta xifra."))
        if value is None or bad_numbers:
            return cleaned
        figure = Figure(value=value, women=cleaned.get("women"), men=cleaned.get("men"))
        _run_model_clean(self, figure)
        return cleaned

    def figure_data(self) -> FigureData:
        data = self.cleaned_data
        return FigureData(
            label=data["label"].strip(),
            value=data["value"],
            unit=data["unit"].strip(),
            women=data["women"],
            men=data["men"],
        )

    @staticmethod
    def initial_from(figure: Figure) -> dict:
        return {
            "label": figure.label,
            "value": plain_decimal(figure.value),
            "unit": figure.unit,
            "women": plain_decimal(figure.women),
            "men": plain_decimal(figure.men),
        }


# A semester's figures: the seeds print at most a handful per commitment.
MAX_FIGURES = 50


class BaseFigureFormSet(BoundedFormSet):
    def figure_data(self) -> tuple[FigureData, ...]:
        """The figures to keep, in the order the user gave (deleted and empty rows left out)."""
        return tuple(form.figure_data() for form in self.ordered_forms if not form.is_blank())


FigureFormSet = bounded_formset_factory(
    FigureForm,
    formset=BaseFigureFormSet,
    max_num=MAX_FIGURES,
    extra=3,
    can_order=True,
    can_delete=True,
    can_delete_extra=False,
)


def figure_formset(data=None, *, figures=()) -> BaseFigureFormSet:
    """The figures formset, bound to posted data or filled from saved figures."""
    if data is not None:
        return FigureFormSet(data, prefix="figures")
    return FigureFormSet(prefix="figures", initial=[FigureForm.initial_from(f) for f in figures])


def entry_data(form: EntryForm, formset: BaseFigureFormSet) -> EntryData:
    """What the operation saves, from a valid form and formset."""
    data = form.cleaned_data
    return EntryData(
        status=data["status"],
        progress=data.get("progress"),
        reason=data["reason"],
        observations=data["observations"],
        related_information=data["related_information"],
        figures=formset.figure_data(),
    )
