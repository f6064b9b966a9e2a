"""The member forms of the plan's bodies: seat someone, change their membership, or
record that they leave.

The rules that only need the typed data are checked here (through the operations'
own rule list, so both agree); the ones that depend on the seat's other members are
checked by the operation inside its transaction, and the view puts those messages
next to their field too.
"""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from governance.composition import split_description
from governance.models import (
    Area,
    Body,
    BodyRole,
    Membership,
    Person,
    PoliticalGroup,
    Seat,
    Service,
)
from governance.operations import MembershipData, membership_rule_errors
from terrassa_plis.concurrency import base_version_field
from terrassa_plis.input_bounds import validate_date_in_range

# The formats a date is typed in, and the one it is shown in, are the format modules'
# (terrassa_plis/formats), as for every form of the project.
INVALID_DATE = _("Escriviu una data com 31/03/2011.")


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


def _date_field(label, *, required=True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=date_input(),
        error_messages={"invalid": INVALID_DATE, "required": _("Escriviu la data.")},
        validators=[validate_date_in_range],
    )


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, seat):
        title, _sub_lines = split_description(seat.description)
        return Truncator(title).chars(90)


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Persona"),
        queryset=Person.objects.order_by("name"),
        required=False,
        empty_label=_("— Una persona nova —"),
        help_text=_(
            "Trieu-la de la llista; si encara no hi és, escriviu-ne el nom al camp següent."
        ),
    )
    new_person_name = forms.CharField(
        label=_("Nom i cognoms d'una persona nova"),
        max_length=Person._meta.get_field("name").max_length,
        required=False,
    )
    seat = SeatChoiceField(
        label=_("Plaça"),
        queryset=Seat.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Trieu una de les places d'aquest òrgan.")},
    )
    area = forms.ModelChoiceField(
        label=_("Àrea"), queryset=Area.objects.order_by("number"), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Servei"),
        queryset=Service.objects.order_by("area__number", "name"),
        required=False,
        help_text=_("Si trieu només el servei, l'àrea és la d'aquest servei."),
    )
    political_group = forms.ModelChoiceField(
        label=_("Grup municipal"),
        queryset=PoliticalGroup.objects.order_by("name"),
        required=False,
        help_text=_("Obligatori a les places dels grups municipals."),
    )
    body_role = forms.ChoiceField(
        label=_("Funció a l'òrgan"), choices=BodyRole.choices, initial=BodyRole.MEMBER
    )
    delegate_of = forms.ModelChoiceField(
        label=_("En delegació de"),
        queryset=Person.objects.order_by("name"),
        required=False,
        help_text=_("Només a les places on s'hi pot delegar: la persona titular."),
    )
    start = _date_field(_("Data d'inici"), help_text=_("dd/mm/aaaa"))
    end = _date_field(
        _("Data de final"),
        required=False,
        help_text=_("L'últim dia a l'òrgan (dd/mm/aaaa). Deixeu-la en blanc si continua."),
    )
    # The membership's version the form was opened with (`terrassa_plis.concurrency`).
    base_version = base_version_field()

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["seat"].queryset = Seat.objects.filter(body=body).order_by("position", "pk")

    @staticmethod
    def initial_from(membership: Membership) -> dict:
        return {
            "person": membership.person_id,
            "seat": membership.seat_id,
            "area": membership.area_id,
            "service": membership.service_id,
            "political_group": membership.political_group_id,
            "body_role": membership.body_role,
            "delegate_of": membership.delegate_of_id,
            "start": membership.start,
            "end": membership.end,
            "base_version": membership.version,
        }

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        name = " ".join(cleaned.get("new_person_name", "").split())
        cleaned["new_person_name"] = name
        if person is None and not name and "person" not in self.errors:
            self.add_error(
                "person", _("Trieu una persona de la llista o escriviu el nom d'una de nova.")
            )
        elif person is not None and name:
            self.add_error(
                "new_person_name",
                _(
                    "Heu triat una persona de la llista i n'heu escrit una de nova: "
                    "deixeu-ne només una."
                ),
            )
        if cleaned.get("seat") is not None and cleaned.get("start") is not None:
            for field_name, message in membership_rule_errors(self.membership_data()).items():
                if field_name not in self.errors:
                    self.add_error(field_name, message)
        return cleaned

    def membership_data(self) -> MembershipData:
        data = self.cleaned_data
        return MembershipData(
            seat=data["seat"],
            start=data["start"],
            person=data.get("person"),
            new_person_name=data.get("new_person_name", ""),
            end=data.get("end"),
            area=data.get("area"),
            service=data.get("service"),
            political_group=data.get("political_group"),
            body_role=data.get("body_role") or BodyRole.MEMBER,
            delegate_of=data.get("delegate_of"),
        )


class EndMembershipForm(forms.Form):
    end = _date_field(
        _("Data de baixa"),
        help_text=_("L'últim dia que la persona forma part de l'òrgan (dd/mm/aaaa)."),
    )
    base_version = base_version_field()


class CompositionDateForm(forms.Form):
    """The `?data=` of a body page: its composition on a past (or future) day."""

    data = forms.DateField(
        label=_("Composició a data de"),
        required=False,
        widget=date_input(),
        error_messages={"invalid": INVALID_DATE},
        help_text=_("dd/mm/aaaa; en blanc, avui."),
    )
