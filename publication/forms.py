"""Forms of the rounds' pages: open a round, publish a version.

The forms check the shape of what was typed; the rules (one round per period or
year, a deadline not in the past, a note when publishing again) are the operations'
(`publication.operations`), whose errors the views put back on these forms.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.models import ReportingPeriod
from publication.models import NOTE_MAX_LENGTH, RoundKind
from terrassa_plis.input_bounds import validate_date_in_range
from terrassa_plis.text_bounds import LongTextField


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.mandate.name} · {obj.label}"
        if obj.is_open:
            return label
        # Still listed, so the refusal says why (`operations.PERIOD_CLOSED`).
        return _("%(period)s (entrada tancada)") % {"period": label}


class OpenRoundForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipus de ronda"),
        choices=RoundKind.choices,
        widget=forms.RadioSelect,
    )
    period = PeriodChoiceField(
        label=_("Període del balanç"),
        queryset=ReportingPeriod.objects.select_related("mandate").order_by(
            "-mandate__start_year", "-start"
        ),
        required=False,
        empty_label=_("Trieu el període"),
        help_text=_("Només per al balanç semestral del Pla de Mandat."),
    )
    year = forms.IntegerField(
        label=_("Any de les cartes"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Només per al seguiment anual de les cartes de serveis."),
    )
    deadline = forms.DateField(
        label=_("Termini"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
        help_text=_("Data límit perquè les àrees i els serveis hi aportin les dades."),
    )
    reminder_days = forms.IntegerField(
        label=_("Dies d'avís abans del termini"),
        min_value=0,
        max_value=90,
        initial=7,
        help_text=_(
            "El personal tècnic amb dades pendents rep un recordatori aquests dies abans "
            "del termini i el mateix dia del termini."
        ),
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RoundKind.BALANCE and not data.get("period") and "period" not in self.errors:
            self.add_error("period", _("Trieu el període del balanç."))
        if kind == RoundKind.CHARTERS and data.get("year") is None and "year" not in self.errors:
            self.add_error("year", _("Escriviu l'any del seguiment de les cartes."))
        return data


class PublishForm(forms.Form):
    note = LongTextField(
        label=_("Nota de la versió"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatòria quan es torna a publicar: què canvia respecte de l'anterior."),
    )
