"""The PLIS's bodies: their functions, seats, people and memberships over time."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models.organisation import (
    DESCRIPTION_MAX_LENGTH,
    Area,
    Plan,
    Service,
    subquery_total,
)
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet


class BodyKind(models.TextChoices):
    TECHNICAL_OFFICE = "technical_office", _("Oficina tècnica")
    POLITICAL_TECHNICAL = "political_technical", _("Comissió polític-tècnica")
    TRANSVERSAL_TECHNICAL = "transversal_technical", _("Comissió tècnica transversal")
    PARTICIPATORY_TABLE = "participatory_table", _("Taula de participació")


class BodyQuerySet(SearchableQuerySet):
    def with_member_counts(self, day):
        """Each body with `member_count` (who sits there on `day`), `seat_count`,
        `counted_seats` (its seats with an expected count) and `expected_total` (the sum
        of those counts)."""
        members = Membership.objects.on(day).filter(seat__body=models.OuterRef("pk"))
        seats = Seat.objects.filter(body=models.OuterRef("pk"))
        return self.annotate(
            member_count=subquery_total(members, "seat__body"),
            seat_count=subquery_total(seats, "body"),
            counted_seats=subquery_total(
                seats, "body", models.Count("pk", filter=models.Q(expected_count__isnull=False))
            ),
            expected_total=subquery_total(seats, "body", models.Sum("expected_count")),
        )


class Body(SearchableModel, RichTextModel):
    """A body of the plan: the OTL, the follow-up commission, the transversal commission…"""

    search_fields = ("name", "short_name", "purpose", "functions_note")

    rich_text_fields = {"purpose": "purpose_html", "functions_note": "functions_note_html"}

    plan = models.ForeignKey(
        Plan, verbose_name=_("pla"), related_name="bodies", on_delete=models.CASCADE
    )
    kind = models.CharField(_("tipus"), max_length=24, choices=BodyKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigla"), max_length=20, blank=True)
    slug = models.SlugField(_("identificador a l'adreça"), unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    purpose = models.TextField(_("finalitat"), blank=True, **bounded(DESCRIPTION_MAX_LENGTH))
    functions_note = models.TextField(
        _("nota a les funcions"),
        blank=True,
        **bounded(DESCRIPTION_MAX_LENGTH),
        help_text=_("Text que el pla escriu després de la llista de funcions."),
    )
    purpose_html = CleanHTMLField(_("finalitat (HTML)"))
    functions_note_html = CleanHTMLField(_("nota a les funcions (HTML)"))

    objects = BodyQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("òrgan")
        verbose_name_plural = _("òrgans")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body", args=[self.slug])


class BodyFunction(SearchableModel):
    search_fields = ("text",)

    body = models.ForeignKey(
        Body, verbose_name=_("òrgan"), related_name="functions", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.TextField(_("funció"), **bounded(DESCRIPTION_MAX_LENGTH))

    history = ChangeHistory()

    class Meta:
        ordering = ["body", "position"]
        verbose_name = _("funció")
        verbose_name_plural = _("funcions")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.body.get_absolute_url()


class PublicRole(models.TextChoices):
    DIRECTOR = "director", _("Director/a d'àrea")
    DEPUTY_MAYOR = "deputy_mayor", _("Tinença d'Alcaldia")
    COUNCILLOR = "councillor", _("Regidor/a")
    HEAD_OF_SERVICE = "head_of_service", _("Cap de servei")
    TECHNICIAN = "technician", _("Personal tècnic")
    SPOKESPERSON = "spokesperson", _("Portaveu de grup municipal")


# Elected posts: who holds them is public information. Everyone else in a body (directors,
# heads of service, technicians) is staff, whose names the public pages never give.
POLITICAL_ROLES = frozenset(
    {PublicRole.DEPUTY_MAYOR, PublicRole.COUNCILLOR, PublicRole.SPOKESPERSON}
)


class Seat(models.Model):
    """A line of a body's composition, as the plan writes it, with its expected count."""

    body = models.ForeignKey(
        Body, verbose_name=_("òrgan"), related_name="seats", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    description = models.TextField(_("descripció"), **bounded(DESCRIPTION_MAX_LENGTH))
    expected_count = models.PositiveSmallIntegerField(_("nombre previst"), null=True, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("àrea"), null=True, blank=True, on_delete=models.PROTECT
    )
    public_role = models.CharField(
        _("càrrec"), max_length=20, choices=PublicRole.choices, blank=True
    )
    for_political_groups = models.BooleanField(_("per als grups municipals"), default=False)
    delegate_allowed = models.BooleanField(_("s'hi pot delegar"), default=False)

    history = ChangeHistory()

    class Meta:
        ordering = ["body", "position"]
        verbose_name = _("plaça")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self) -> str:
        """The seat in its body's composition."""
        return f"{self.body.get_absolute_url()}#placa-{self.pk}"

    @property
    def is_political(self) -> bool:
        """An elected post (a councillor's, a spokesperson's): its holders are named in
        public; a seat with no post recorded is not."""
        return self.public_role in POLITICAL_ROLES


class PoliticalGroup(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)

    history = ChangeHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("grup municipal")
        verbose_name_plural = _("grups municipals")

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone who sits in a body; linked to a user account when they have one."""

    name = models.CharField(_("nom i cognoms"), max_length=200)
    email = models.EmailField(_("correu electrònic"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuari"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    history = ChangeHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")
        verbose_name_plural = _("persones")

    def __str__(self):
        return self.name


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("Presidència")
    SECRETARY = "secretary", _("Secretaria")
    MEMBER = "member", _("Vocal")


# The chair first, then the secretary, then the other members.
ROLE_RANK = models.Case(
    models.When(body_role=BodyRole.CHAIR, then=models.Value(0)),
    models.When(body_role=BodyRole.SECRETARY, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


class MembershipQuerySet(models.QuerySet):
    def on(self, day):
        """Who sat where on `day`."""
        return self.filter(models.Q(end__isnull=True) | models.Q(end__gte=day), start__lte=day)

    def named_in_public(self):
        """The memberships of elected posts held in person, the only ones whose person the
        public pages and the public open data name (`POLITICAL_ROLES`): a delegate is not
        named."""
        return self.filter(seat__public_role__in=POLITICAL_ROLES, delegate_of__isnull=True)

    def with_role_rank(self):
        """Each membership with `role_rank`: 0 the chair, 1 the secretary, 2 the others."""
        return self.annotate(role_rank=ROLE_RANK)

    def in_composition_order(self):
        """As a body's composition lists them, with everything a line shows joined in:
        seat by seat, the chair first, then the secretary, then the others by name."""
        return (
            self.select_related("person", "area", "service", "political_group", "delegate_of")
            .with_role_rank()
            .order_by("seat_id", "role_rank", "person__name", "start", "pk")
        )


class Membership(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), related_name="memberships", on_delete=models.PROTECT
    )
    seat = models.ForeignKey(
        Seat, verbose_name=_("plaça"), related_name="memberships", on_delete=models.PROTECT
    )
    area = models.ForeignKey(
        Area, verbose_name=_("àrea"), null=True, blank=True, on_delete=models.PROTECT
    )
    service = models.ForeignKey(
        Service, verbose_name=_("servei"), null=True, blank=True, on_delete=models.PROTECT
    )
    political_group = models.ForeignKey(
        PoliticalGroup,
        verbose_name=_("grup municipal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    body_role = models.CharField(
        _("funció a l'òrgan"), max_length=10, choices=BodyRole.choices, default=BodyRole.MEMBER
    )
    delegate_of = models.ForeignKey(
        Person,
        verbose_name=_("en delegació de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start = models.DateField(_("inici"))
    end = models.DateField(_("final"), null=True, blank=True)
    # Optimistic locking (`terrassa_plis.concurrency`): an edit names the version it
    # started from, so a second edit opened meanwhile cannot silently replace it.
    version = models.PositiveIntegerField(_("versió"), default=1, editable=False)
    history = ChangeHistory(excluded_fields=["version"])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["seat", "start", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="membership_ends_after_it_starts",
            ),
        ]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self):
        return f"{self.person} · {self.seat}"

    def get_absolute_url(self) -> str:
        return self.seat.get_absolute_url()

    def unit_label(self) -> str:
        """Where the member comes from, as a composition line shows it: their political
        group, or their service (with its area), or their area; "" when none is recorded."""
        if self.political_group_id is not None:
            return self.political_group.name
        if self.service_id is not None:
            if self.area_id is not None:
                return f"{self.service.name} ({self.area.name})"
            return self.service.name
        if self.area_id is not None:
            return self.area.name
        return ""
