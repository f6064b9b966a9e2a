"""Every free text a person types or imports has a maximum length: the shared pieces.

Each app states its limits in one place, beside its models, with the reason for each
number (what the longest allowed text costs the documents that print it). This module
only gives the three ways a limit is applied, so that all of them say the same thing:

- `bounded(limit)`: the keyword arguments of a model TextField. `max_length` alone is
  not checked by a TextField's `full_clean` (only by its form field), so the validator
  is added too;
- `LongTextField`: the form field of a textarea, which refuses a longer text with its
  message next to the field and keeps what was typed;
- `too_long(what, length, limit)`: an import's row error, after «Fila 12: »
  («Fila 12: l'observació té 25.000 caràcters; com a màxim 2.000.»).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from terrassa_plis.formatting import number

TOO_LONG = _(
    "El text és massa llarg: té %(length)s caràcters i com a màxim en pot tenir %(limit)s."
)


def bounded(limit: int) -> dict:
    """`max_length` and its validator, for a model TextField: `**bounded(2_000)`."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


def too_long(what: str, length: int, limit: int) -> str:
    """«l'observació té 25.000 caràcters; com a màxim 2.000.», for an import's row error;
    `what` names the cell, lowercase after «Fila 12: »."""
    return gettext("%(what)s té %(length)s caràcters; com a màxim %(limit)s.") % {
        "what": what,
        "length": number(length),
        "limit": number(limit),
    }


class LongTextField(forms.CharField):
    """A free text typed in a textarea, of at most `max_length` characters.

    The textarea gets no `maxlength` attribute: a browser would silently cut a longer
    pasted text, and the person would not learn that its end is missing. The server
    refuses it instead, with the message next to the field, and the form keeps all of
    it so that the person can shorten it. The numbers are written as the city writes
    them (20.000, not 20000).
    """

    widget = forms.Textarea

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        # Not given to CharField: it would add the attribute and Django's own validator.
        self.max_length = max_length

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_length:
            raise ValidationError(
                TOO_LONG,
                code="max_length",
                params={"length": number(len(value)), "limit": number(self.max_length)},
            )
