"""The meetings page's filter: the meetings and pending agreements of one body."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MeetingFilterForm(forms.Form):
    """`?organ=<slug>`: the meetings of one body."""

    organ = forms.ChoiceField(
        label=_("Òrgan"),
        required=False,
        error_messages={"invalid_choice": _("Trieu un dels òrgans de la llista.")},
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {body.slug: body for body in bodies}
        self.fields["organ"].choices = [("", _("Tots els òrgans"))] + [
            (body.slug, body.name) for body in bodies
        ]

    def body(self):
        if not self.is_valid():
            return None
        return self.bodies.get(self.cleaned_data["organ"])
