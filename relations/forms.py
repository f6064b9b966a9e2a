from django import forms
from django.utils.translation import gettext_lazy as _

from relations.candidates import Candidates


class AddRelationForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Element relacionat"),
        help_text=_("Primer, els indicadors i les accions de l'àrea del compromís."),
        error_messages={
            "required": _("Trieu un indicador o una acció de la llista."),
            "invalid_choice": _(
                "Aquest element no és a la llista (potser ja hi està relacionat): "
                "trieu-ne un altre."
            ),
        },
    )

    def __init__(self, data=None, *, candidates: Candidates):
        super().__init__(data)
        self.candidates = candidates
        self.fields["target"].choices = [("", _("Trieu…")), *candidates.groups]

    def chosen(self) -> dict:
        """The chosen item as `add_relation` takes it; only after `is_valid()`."""
        kind, item = self.candidates.targets[self.cleaned_data["target"]]
        return {kind: item}
