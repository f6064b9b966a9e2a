from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from terrassa_plis import formatting
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet

# The longest text a person may type (or import) in each free-text field, in one place.
# The body's and the action plan's PDFs print these texts, and WeasyPrint lays out about
# 17 pages a second; in the PDFs' 10 pt about 3.000 characters fill an A4 page.
# A body's purpose and functions, a seat's description, an agreement, the reason for a
# decision: a paragraph each, under a page (the plan's longest is 531 characters).
DESCRIPTION_MAX_LENGTH = 2_000
# An action's title: one cell of the action plan's table, printed for every action.
ACTION_TITLE_MAX_LENGTH = 1_000
# A period's observations on an action and a meeting's agenda: about two pages, shown
# on the action's and the meeting's pages only.
OBSERVATIONS_MAX_LENGTH = 5_000
# A meeting's minutes, the longest text of the PLIS: an acta of some seven pages,
# shown on the meeting's page only.
MINUTES_MAX_LENGTH = 20_000


def subquery_total(queryset, outer: str, expression=None):
    """One aggregate (a count unless `expression` says otherwise) per outer row, as a
    correlated subquery, 0 where there is none. `queryset` filters on OuterRef("pk")
    and `outer` names its field that points at the outer row: the aggregate groups by it.
    Subqueries rather than joins, so that two counts of one row don't multiply each other."""
    subquery = (
        queryset.values(outer).annotate(total=expression or models.Count("pk")).values("total")
    )
    return Coalesce(models.Subquery(subquery, output_field=models.IntegerField()), 0)


class Area(models.Model):
    """One of the city council's numbered areas (àrees)."""

    number = models.PositiveSmallIntegerField(_("número"), unique=True)
    name = models.CharField(_("nom"), max_length=200)
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal tècnic"),
        related_name="technician_areas",
        blank=True,
        help_text=_("Poden editar els elements de tota l'àrea."),
    )

    history = ChangeHistory(m2m_fields=[technicians])

    class Meta:
        ordering = ["number"]
        verbose_name = _("àrea")
        verbose_name_plural = _("àrees")

    def __str__(self):
        return f"{self.number}. {self.name}"


class Service(models.Model):
    """A municipal service (servei), inside one area."""

    area = models.ForeignKey(
        Area, verbose_name=_("àrea"), related_name="services", on_delete=models.PROTECT
    )
    name = models.CharField(_("nom"), max_length=200, unique=True)
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal tècnic"),
        related_name="technician_services",
        blank=True,
        help_text=_("Poden editar els elements d'aquest servei."),
    )

    history = ChangeHistory(m2m_fields=[technicians])

    class Meta:
        ordering = ["area__number", "name"]
        verbose_name = _("servei")
        verbose_name_plural = _("serveis")

    def __str__(self):
        return self.name

    def short_name(self) -> str:
        """«Servei de Solidaritat i …» → «Solidaritat i …», as charters and reports title it."""
        folded = self.name.casefold()
        for prefix in ("servei de ", "servei d'", "servei d’"):
            if folded.startswith(prefix) and len(self.name) > len(prefix):
                return self.name[len(prefix) :]
        return self.name


class PlanQuerySet(models.QuerySet):
    def current(self) -> "Plan | None":
        """The plan the pages follow: the first one recorded (the city has one PLIS),
        or None while none is."""
        return self.order_by("pk").first()


class Plan(models.Model):
    """The local social-inclusion plan (PLIS), with its approval and updates."""

    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigla"), max_length=20)
    approved_on = models.DateField(_("aprovat el"))
    updated_on = models.DateField(_("actualització acordada el"), null=True, blank=True)
    update_period = models.CharField(_("període de l'actualització"), max_length=20, blank=True)

    objects = PlanQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        verbose_name = _("pla")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        """The PLIS pages follow one plan, the current one (`PlanQuerySet.current`)."""
        return reverse("governance:plan")


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


class MeetingQuerySet(models.QuerySet):
    def with_counts(self):
        """Meetings newest first, each with its body, `attendee_count` and
        `open_agreement_count`. Subqueries rather than joins, so attendees and agreements
        don't multiply each other."""
        attendees = Meeting.attendees.through.objects.filter(meeting=models.OuterRef("pk"))
        open_agreements = Agreement.objects.filter(
            meeting=models.OuterRef("pk"), done_on__isnull=True
        )
        return (
            self.select_related("body")
            .annotate(
                attendee_count=subquery_total(attendees, "meeting"),
                open_agreement_count=subquery_total(open_agreements, "meeting"),
            )
            .order_by("-date", "-pk")
        )

    def of_body(self, body):
        """The meetings of `body`; all of them when `body` is None."""
        return self if body is None else self.filter(body=body)


class Meeting(RichTextModel):
    rich_text_fields = {"agenda": "agenda_html", "minutes": "minutes_html"}

    body = models.ForeignKey(
        Body, verbose_name=_("òrgan"), related_name="meetings", on_delete=models.PROTECT
    )
    date = models.DateField(_("data"))
    agenda = models.TextField(_("ordre del dia"), blank=True, **bounded(OBSERVATIONS_MAX_LENGTH))
    minutes = models.TextField(_("acta"), blank=True, **bounded(MINUTES_MAX_LENGTH))
    agenda_html = CleanHTMLField(_("ordre del dia (HTML)"))
    minutes_html = CleanHTMLField(_("acta (HTML)"))
    attendees = models.ManyToManyField(
        Person, verbose_name=_("assistents"), blank=True, related_name="meetings"
    )

    objects = MeetingQuerySet.as_manager()

    history = ChangeHistory(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        verbose_name = _("reunió")
        verbose_name_plural = _("reunions")

    def __str__(self):
        return f"{self.body} · {formatting.day(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])


class AgreementQuerySet(models.QuerySet):
    def pending(self, today):
        """Agreements not done, with their owner and meeting's body: the late ones (due
        before `today`) first, then by due date (those without one last)."""
        return (
            self.filter(done_on__isnull=True)
            .select_related("owner", "meeting__body")
            .annotate(
                late_rank=models.Case(
                    models.When(due__lt=today, then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                has_due=models.Case(
                    models.When(due__isnull=True, then=models.Value(False)),
                    default=models.Value(True),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("late_rank", "-has_due", "due", "meeting__date", "pk")
        )

    def of_body(self, body):
        """The agreements of `body`'s meetings; all of them when `body` is None."""
        return self if body is None else self.filter(meeting__body=body)


class Agreement(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("reunió"), related_name="agreements", on_delete=models.CASCADE
    )
    text = models.TextField(_("acord"), **bounded(DESCRIPTION_MAX_LENGTH))
    owner = models.ForeignKey(
        Person, verbose_name=_("responsable"), null=True, blank=True, on_delete=models.PROTECT
    )
    due = models.DateField(_("termini"), null=True, blank=True)
    done_on = models.DateField(_("complert el"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("acord")
        verbose_name_plural = _("acords")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.meeting_id])


class ActionDecision(models.TextChoices):
    PROPOSED = "proposed", _("Proposada")
    VALIDATED = "validated", _("Validada")
    REJECTED = "rejected", _("Rebutjada")


class PlanActionQuerySet(SearchableQuerySet):
    def with_latest_implementation(self):
        """Each action with the degree and period of its latest implementation entry,
        `latest_degree` and `latest_period` (periods like «2021-S1» sort as text)."""
        latest = ActionImplementation.objects.filter(action=models.OuterRef("pk")).order_by(
            "-period"
        )
        return self.annotate(
            latest_degree=models.Subquery(
                latest.values("degree")[:1], output_field=models.IntegerField()
            ),
            latest_period=models.Subquery(latest.values("period")[:1]),
        )

    def in_action_plan(self, plan, *, decision: str | None = None, area=None):
        """The actions of `plan` as its page lists them (of one decision and one area when
        asked), with their latest implementation and their areas."""
        actions = self.filter(plan=plan).with_latest_implementation()
        if decision:
            actions = actions.filter(decision=decision)
        if area is not None:
            actions = actions.filter(areas=area)
        return actions.prefetch_related("areas")

    def with_plan_and_areas(self):
        """As an action's page reads it: with its plan and its areas; its implementation
        entries are read apart (`action.implementation.in_period_order()`)."""
        return self.select_related("plan").prefetch_related("areas")


class PlanAction(SearchableModel):
    search_fields = ("code", "title", "decision_reason", "axis", "line")

    plan = models.ForeignKey(
        Plan, verbose_name=_("pla"), related_name="actions", on_delete=models.CASCADE
    )
    code = models.CharField(_("codi"), max_length=20)
    title = models.TextField(_("títol"), **bounded(ACTION_TITLE_MAX_LENGTH))
    proposed_by = models.CharField(_("proposada per"), max_length=200, blank=True)
    decision = models.CharField(
        _("decisió"), max_length=10, choices=ActionDecision.choices, default=ActionDecision.PROPOSED
    )
    decided_on = models.DateField(_("data de la decisió"), null=True, blank=True)
    decision_reason = models.TextField(
        _("motiu de la decisió"), blank=True, **bounded(DESCRIPTION_MAX_LENGTH)
    )
    axis = models.CharField(_("eix"), max_length=200, blank=True)
    line = models.CharField(_("línia"), max_length=200, blank=True)
    areas = models.ManyToManyField(Area, verbose_name=_("àrees responsables"), blank=True)
    # Optimistic locking of the commission's decision (`terrassa_plis.concurrency`).
    version = models.PositiveIntegerField(_("versió"), default=1, editable=False)
    history = ChangeHistory(m2m_fields=[areas], excluded_fields=["version"])

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_action_code")]
        verbose_name = _("acció del pla")
        verbose_name_plural = _("accions del pla")

    def __str__(self):
        return f"{self.code} {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("governance:action", args=[self.pk])


class ActionImplementationQuerySet(SearchableQuerySet):
    def in_period_order(self):
        """Oldest period first (periods like «2021-S1» sort as text)."""
        return self.order_by("period", "pk")


class ActionImplementation(SearchableModel, RichTextModel):
    search_fields = ("observations",)
    rich_text_fields = {"observations": "observations_html"}

    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("acció"),
        related_name="implementation",
        on_delete=models.CASCADE,
    )
    period = models.CharField(_("període"), max_length=40, help_text="2021-S1")
    degree = models.PositiveSmallIntegerField(
        _("grau d'implementació (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    observations = models.TextField(
        _("observacions"), blank=True, **bounded(OBSERVATIONS_MAX_LENGTH)
    )
    observations_html = CleanHTMLField(_("observacions (HTML)"))
    # Optimistic locking (`terrassa_plis.concurrency`); who saved it last and when is
    # what a refused second save is told.
    version = models.PositiveIntegerField(_("versió"), default=1, editable=False)
    updated_at = models.DateTimeField(_("actualitzat el"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actualitzat per"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ActionImplementationQuerySet.as_manager()

    history = ChangeHistory(excluded_fields=["version", "updated_at", "updated_by"])

    class Meta:
        ordering = ["action", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"], name="one_implementation_per_period"
            )
        ]
        verbose_name = _("implementació")
        verbose_name_plural = _("implementacions")

    def __str__(self):
        return f"{self.action.code} · {formatting.semester(self.period)}"

    def get_absolute_url(self) -> str:
        return reverse("governance:action", args=[self.action_id])


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today):
        """Still to do and planned before `today` (`action_plan.MilestoneLine.is_overdue`:
        late by `Milestone.is_late`, and not done)."""
        return self.filter(done_on__isnull=True, planned_on__lt=today)


class Milestone(models.Model):
    """A step of the plan's drafting calendar."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("pla"), related_name="milestones", on_delete=models.CASCADE
    )
    title = models.CharField(_("fita"), max_length=200)
    planned_on = models.DateField(_("data prevista"))
    done_on = models.DateField(_("data real"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["plan", "planned_on"]
        verbose_name = _("fita del calendari")
        verbose_name_plural = _("calendari")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """The action plan's page, which ends with the calendar."""
        return reverse("governance:actions")

    def is_late(self, today) -> bool:
        return (self.done_on or today) > self.planned_on
