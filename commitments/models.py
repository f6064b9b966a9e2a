"""The Mandate Plan: a tree of priorities and commitments, and what each semester brought.

A mandate names its own levels (2015-2019: Prioritat → Compromís; 2019-2023:
Objectiu → Eix → Actuació) and its own statuses. The leaves of the tree are what
technicians report on, once per reporting period, in an `Entry`.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Avg, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commitments.figures import figure_text, labelled_figure_text
from governance.access import editable_q, may_edit_item
from governance.models import Area, Service
from terrassa_plis.formatting import number
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet

# The longest text a person may type (or import) in each free-text field, in one place.
# Every leaf's entry prints in the whole plan's Balanç PDF, one after the other (150-825
# leaves), and WeasyPrint lays out about 17 pages a second, so the longest allowed texts
# bound how long that document, and publishing it, can take. Measured in the Balanç's
# own layout, about 3.000 characters fill an A4 page: 10.000 characters of observations
# add 3 pages to the document, 20.000 add 7 (and one 1 MB observation would add some 330
# pages, 20 s of layout for a single leaf).
# Observations: at most about 3 pages, seven times the seed's longest (1.368 characters),
# room for any semester's account.
OBSERVATIONS_MAX_LENGTH = 10_000
# The reason for a dropped commitment, the related information (links), a plan item's
# wording: a paragraph each, under a page (the seed's longest are 246 to 249 characters).
REASON_MAX_LENGTH = 2_000
RELATED_INFORMATION_MAX_LENGTH = 2_000
PLAN_TEXT_MAX_LENGTH = 2_000
# So a leaf with every text at its limit takes about 5 pages, and 825 such leaves some
# 4.000 pages, 4 minutes of a worker: long, but bounded, and far from real use.

# Lowercase: the plan import puts it after «Fila 13: »; the model's clean capitalises it.
LEAF_NEEDS_AREA = _("falta l'àrea responsable, obligatòria al nivell «%(level)s».")


class Mandate(models.Model):
    term = models.CharField(_("mandat"), max_length=9, unique=True, help_text="2015-2019")
    name = models.CharField(_("nom"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("any d'inici"))
    end_year = models.PositiveSmallIntegerField(_("any de final"))
    tracks_progress = models.BooleanField(
        _("registra el percentatge d'execució"),
        default=False,
        help_text=_(
            "Cada actuació porta un percentatge d'execució i els nivells superiors "
            "en mostren la mitjana."
        ),
    )

    history = ChangeHistory()

    class Meta:
        ordering = ["start_year"]
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        """The commitments list of this mandate."""
        return f"{reverse('commitments:list')}?mandate={self.pk}"

    def leaf_depth(self) -> int:
        return max(level.depth for level in self.levels.all())

    def open_period(self):
        """The period open for entry, or None.

        Reads `periods.all()`, so a view that prefetched the periods pays no query.
        """
        return next((period for period in self.periods.all() if period.is_open), None)

    def status_map(self) -> dict:
        """Every status of the mandate by id, to show entries' statuses without a query each."""
        return {status.pk: status for status in self.statuses.all()}


class PlanLevel(models.Model):
    """A level of a mandate's plan tree, e.g. depth 0 «Prioritat», depth 1 «Compromís»."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="levels", on_delete=models.CASCADE
    )
    depth = models.PositiveSmallIntegerField(_("profunditat"))
    name = models.CharField(_("nom"), max_length=60)
    name_plural = models.CharField(_("nom en plural"), max_length=60)

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "depth"], name="unique_level_depth"),
            models.UniqueConstraint(fields=["mandate", "name"], name="unique_level_name"),
        ]
        verbose_name = _("nivell del pla")
        verbose_name_plural = _("nivells del pla")

    def __str__(self):
        return f"{self.mandate.term} · {self.name}"


def code_sort_key(code: str) -> str:
    """Order printed codes naturally: 2 < 10 < 61.1 < 61.2 < 61.10."""
    return ".".join(part.zfill(6) if part.isdigit() else part for part in re.split(r"[.\s]+", code))


class PlanNodeQuerySet(SearchableQuerySet):
    def leaves(self):
        return self.filter(is_leaf=True)

    def under(self, node):
        """The node's descendants (not the node itself)."""
        return self.filter(mandate_id=node.mandate_id, path__startswith=f"{node.path}/")

    def editable_by(self, user):
        """The nodes `user` may report on, as the access guard decides."""
        return self.filter(editable_q(user))

    def with_entry_for(self, period):
        """Annotate each node with its entry's status and progress in `period`."""
        # No ordering: Entry's default ordering would add joins to every subquery.
        entries = Entry.objects.filter(node=OuterRef("pk"), period=period).order_by()
        return self.annotate(
            period_status_id=Subquery(entries.values("status_id")[:1]),
            period_status_position=Subquery(entries.values("status__position")[:1]),
            period_progress=Subquery(entries.values("progress")[:1]),
        )

    def search(self, text):
        return self.filter(Q(code__iexact=text.strip()) | Q(text__icontains=text.strip()))


class PlanNode(SearchableModel):
    """A node of the plan tree: a priority, an objective, an axis, a commitment, an action."""

    search_fields = ("text",)

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="nodes", on_delete=models.CASCADE
    )
    level = models.ForeignKey(
        PlanLevel, verbose_name=_("nivell"), related_name="nodes", on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("element superior"),
        related_name="children",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    code = models.CharField(_("codi"), max_length=20, help_text=_("Tal com s'imprimeix: 21, 61.1"))
    text = models.TextField(_("text"), **bounded(PLAN_TEXT_MAX_LENGTH))
    area = models.ForeignKey(
        Area, verbose_name=_("àrea responsable"), null=True, blank=True, on_delete=models.PROTECT
    )
    service = models.ForeignKey(
        Service, verbose_name=_("servei"), null=True, blank=True, on_delete=models.PROTECT
    )
    sdgs = models.JSONField(
        _("ODS"), default=list, blank=True, help_text=_("Objectius de Desenvolupament Sostenible")
    )
    is_leaf = models.BooleanField(_("de l'últim nivell"), editable=False, default=False)
    # Materialised path of natural sort keys ("000002/000021"): ordering by it walks
    # the tree depth-first, and a prefix selects a subtree, each in one query.
    path = models.CharField(_("posició a l'arbre"), max_length=255, editable=False, db_index=True)

    objects = PlanNodeQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "path"]
        constraints = [
            # Priorities and commitments are numbered separately (priority 2, commitment 2),
            # so a code is unique within its level.
            models.UniqueConstraint(fields=["mandate", "level", "code"], name="unique_node_code"),
        ]
        indexes = [
            # The dashboard counts a mandate's leaves and lists the first of them in plan
            # order from this index alone, without reading the rows and their texts.
            models.Index(
                fields=["mandate", "path", "is_leaf", "area"], name="leaves_in_plan_order"
            ),
        ]
        verbose_name = _("element del pla")
        verbose_name_plural = _("elements del pla")

    def __str__(self):
        return f"{self.level.name} {self.code}"

    def save(self, *args, **kwargs):
        leaf_depth = self.mandate.leaf_depth()
        self.set_tree_fields(leaf_depth)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # update_or_create() names only the fields it set: the derived ones follow them.
            kwargs["update_fields"] = {*update_fields, "path", "is_leaf"}
        stored_path = getattr(self, "_stored_path", None)
        super().save(*args, **kwargs)
        if stored_path is not None and stored_path != self.path:
            self._move_subtree(stored_path, leaf_depth)
        self._stored_path = self.path

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.pk])

    def _move_subtree(self, old_path: str, leaf_depth: int) -> None:
        """Rewrite the descendants' paths after this node's path changed, in one UPDATE.

        Ordering and subtree lookups read the path alone, so a stale descendant would
        be listed under the node's old place (or under another node's).
        """
        leaf_levels = PlanLevel.objects.filter(mandate_id=self.mandate_id, depth=leaf_depth)
        PlanNode.objects.filter(mandate_id=self.mandate_id, path__startswith=f"{old_path}/").update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
            is_leaf=Q(level__in=leaf_levels),
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The path as stored: save() compares with it to notice that the subtree moved.
        instance._stored_path = instance.__dict__.get("path")
        return instance

    def clean(self):
        if self.level_id and self.mandate_id and self.level.mandate_id != self.mandate_id:
            raise ValidationError({"level": _("El nivell és d'un altre mandat.")})
        if self.parent_id is None and self.level_id and self.level.depth != 0:
            raise ValidationError({"parent": _("Aquest nivell necessita un element superior.")})
        if self.parent_id and self.level_id and self.parent.level.depth != self.level.depth - 1:
            raise ValidationError(
                {"parent": _("L'element superior ha de ser del nivell immediatament anterior.")}
            )
        if self.service_id and self.area_id and self.service.area_id != self.area_id:
            raise ValidationError({"service": _("El servei no és de l'àrea responsable.")})
        if (
            not self.area_id
            and self.level_id
            and self.mandate_id
            and self.level.depth == self.mandate.leaf_depth()
        ):
            raise ValidationError({"area": capfirst(LEAF_NEEDS_AREA % {"level": self.level.name})})

    def set_tree_fields(self, leaf_depth: int) -> None:
        """Derive `path` and `is_leaf`; bulk loaders call this instead of save()."""
        own_key = code_sort_key(self.code)
        self.path = f"{self.parent.path}/{own_key}" if self.parent_id else own_key
        self.is_leaf = self.level.depth == leaf_depth

    def owning_unit(self):
        return self.area_id, self.service_id

    def period_open_to(self, user):
        """The period in which `user` may report on this node now, or None.

        Only leaves are reported on, only while a period is open, and only by whom
        the access guard lets edit the node.
        """
        if not self.is_leaf:
            return None
        period = self.mandate.open_period()
        if period is None or not may_edit_item(user, self):
            return None
        return period

    def ancestor_paths(self) -> list[str]:
        parts = self.path.split("/")
        return ["/".join(parts[:i]) for i in range(1, len(parts))]


class StatusCategory(models.TextChoices):
    COMPLETED = "completed", _("Completat")
    ON_TRACK = "on_track", _("Dins les previsions")
    DELAYED = "delayed", _("Amb retard")
    PENDING = "pending", _("Pendent")
    DROPPED = "dropped", _("No iniciat per canvi de prioritat")


class Status(models.Model):
    """One of a mandate's statuses, e.g. «En execució però amb retard»."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="statuses", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("etiqueta"), max_length=120)
    colour = models.CharField(
        _("color"),
        max_length=7,
        help_text="#2e7d32",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$")],
    )
    category = models.CharField(_("categoria"), max_length=12, choices=StatusCategory.choices)

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "position"], name="unique_status_position"),
        ]
        verbose_name = _("estat de compliment")
        verbose_name_plural = _("estats de compliment")

    def __str__(self):
        return self.label

    @property
    def requires_reason(self) -> bool:
        return self.category == StatusCategory.DROPPED

    @property
    def is_not_started(self) -> bool:
        """Pending or dropped: nothing done yet, so no progress either."""
        return self.category in (StatusCategory.PENDING, StatusCategory.DROPPED)


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)


class ReportingPeriod(models.Model):
    """A semester on which every leaf of the plan reports."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="periods", on_delete=models.CASCADE
    )
    label = models.CharField(_("nom"), max_length=80, help_text=_("Primer semestre de 2019"))
    start = models.DateField(_("inici"))
    end = models.DateField(_("final"))
    is_open = models.BooleanField(_("oberta l'entrada de dades"), default=False)

    objects = ReportingPeriodQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "start"]
        get_latest_by = "start"
        constraints = [
            models.UniqueConstraint(fields=["mandate", "start"], name="unique_period_start"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="period_ends_after_start"
            ),
        ]
        verbose_name = _("període de seguiment")
        verbose_name_plural = _("períodes de seguiment")

    def __str__(self):
        return self.label

    def get_absolute_url(self) -> str:
        """The period's Balanç."""
        return reverse("commitments:balance", args=[self.pk])

    def previous(self):
        return (
            ReportingPeriod.objects.filter(mandate_id=self.mandate_id, start__lt=self.start)
            .order_by("-start")
            .first()
        )


class EntryQuerySet(SearchableQuerySet):
    def for_balance(self):
        """With the status; the balance reads the figures apart (`balance.build_balance`)."""
        return self.select_related("status")

    def progress_by_period(self, node) -> dict[int, Decimal]:
        """The average progress of the leaves under `node` in every period, by period id:
        an upper level's roll-up through the mandate (as `progress_by_node` per period).
        One query."""
        rows = (
            self.filter(
                node__mandate_id=node.mandate_id,
                node__path__startswith=f"{node.path}/",
                progress__isnull=False,
            )
            .order_by()
            .values("period_id")
            .annotate(mean=Avg("progress"))
        )
        return {row["period_id"]: row["mean"] for row in rows}

    def progress_by_node(self, period) -> dict[int | None, Decimal]:
        """The average progress of every node of the period's mandate, leaves and roll-ups.

        Each upper level shows the mean of its leaves (not of its children), as the
        2019-2023 balance reports its «50,6 % executat». The key None holds the mean
        of all the leaves, the whole plan's figure. Two queries.
        """
        leaf_progress = list(
            self.filter(period=period, progress__isnull=False).values_list("node__path", "progress")
        )
        sums: dict[str, list[Decimal]] = {}
        for path, progress in leaf_progress:
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                sums.setdefault("/".join(parts[:i]), []).append(progress)
        # Only the nodes these leaves roll up to, not the whole plan's.
        nodes = dict(
            PlanNode.objects.filter(mandate_id=period.mandate_id, path__in=list(sums))
            .order_by()
            .values_list("path", "id")
        )
        means: dict[int | None, Decimal] = {
            nodes[path]: sum(values) / len(values) for path, values in sums.items() if path in nodes
        }
        if leaf_progress:
            means[None] = sum(progress for _path, progress in leaf_progress) / len(leaf_progress)
        return means


class Entry(SearchableModel, RichTextModel):
    """What a leaf of the plan reports for one period: status, observations, figures."""

    search_fields = ("observations", "reason", "related_information")

    rich_text_fields = {
        "observations": "observations_html",
        "related_information": "related_information_html",
    }

    node = models.ForeignKey(
        PlanNode,
        verbose_name=_("element del pla"),
        related_name="entries",
        on_delete=models.CASCADE,
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("període"),
        related_name="entries",
        on_delete=models.PROTECT,
    )
    status = models.ForeignKey(
        Status, verbose_name=_("estat de compliment"), on_delete=models.PROTECT
    )
    progress = models.DecimalField(
        _("percentatge d'execució"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(
        _("motiu"),
        blank=True,
        **bounded(REASON_MAX_LENGTH),
        help_text=_("Obligatori quan el compromís no s'inicia per canvi de prioritat."),
    )
    observations = models.TextField(
        _("observacions"),
        blank=True,
        **bounded(OBSERVATIONS_MAX_LENGTH),
        help_text=_(
            "Paràgrafs, llistes amb guions (- element), **negreta** i enllaços [text](https://…)."
        ),
    )
    related_information = models.TextField(
        _("informació relacionada"),
        blank=True,
        **bounded(RELATED_INFORMATION_MAX_LENGTH),
        help_text=_("Text amb enllaços, p. ex. la memòria de l'àrea a Govern Obert."),
    )
    observations_html = CleanHTMLField(_("observacions (HTML)"))
    related_information_html = CleanHTMLField(_("informació relacionada (HTML)"))
    # Optimistic locking: a save names the version it started from, so a
    # concurrent save is detected instead of silently overwritten.
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
    history = ChangeHistory(excluded_fields=["version", "updated_at"])

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["node__path", "period__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "period"], name="one_entry_per_node_and_period"
            ),
        ]
        indexes = [
            # Whether a leaf's entry of a period is in some statuses, and its progress:
            # the dashboard's lists walk the plan checking it from this index alone,
            # without reading the entries and their texts.
            models.Index(
                fields=["node", "period", "status", "progress"], name="entry_status_by_node"
            ),
        ]
        verbose_name = _("seguiment")
        verbose_name_plural = _("seguiments")

    def __str__(self):
        return f"{self.node} · {self.period}"

    def get_absolute_url(self) -> str:
        """The commitment's page, which shows its entry of every period."""
        return reverse("commitments:detail", args=[self.node_id])

    def owning_unit(self):
        return self.node.owning_unit()

    def clean(self):
        """The entry's own rules; the entry form runs them too, with a status, a reason and
        a progress.

        A status, period and node of different mandates would count the entry in one
        mandate's balance with another's status, and the shares would not add up.
        """
        errors = {}
        node = self.node if self.node_id else None
        period = self.period if self.period_id else None
        status = self.status if self.status_id else None
        if node is not None and not node.is_leaf:
            errors["node"] = _(
                "Només es fa el seguiment dels elements de l'últim nivell del pla, no de %(node)s."
            ) % {"node": node}
        mandate_id = node.mandate_id if node else period.mandate_id if period else None
        if period is not None and period.mandate_id != mandate_id:
            errors["period"] = _("El període és d'un altre mandat que l'element del pla.")
        if status is not None and mandate_id is not None and status.mandate_id != mandate_id:
            errors["status"] = _("L'estat de compliment és d'un altre mandat.")
        if status is not None and status.requires_reason and not self.reason.strip():
            errors["reason"] = _(
                "Expliqueu per què no s'inicia aquest compromís: l'estat triat ho demana."
            )
        if status is not None and status.is_not_started and self.progress:
            # «No iniciada» at 80 % would count as not started in the balance's shares
            # and as well advanced in its average: one of the two is a typing slip.
            errors["progress"] = _(
                "L'estat «%(status)s» vol dir que encara no s'ha començat: el percentatge "
                "d'execució ha de ser 0 o quedar buit. Corregiu el percentatge o trieu "
                "l'estat que correspon."
            ) % {"status": status.label}
        if errors:
            raise ValidationError(errors)


class Figure(models.Model):
    """A figure of the observations, kept structured: 144 participants (121 dones i 23 homes)."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("seguiment"), related_name="figures", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("concepte"), max_length=200)
    value = models.DecimalField(
        _("valor"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unitat"), max_length=60, blank=True)
    women = models.DecimalField(
        _("dones"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    men = models.DecimalField(
        _("homes"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    history = ChangeHistory()

    class Meta:
        ordering = ["entry", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
        ]
        indexes = [
            # The dashboard adds up every leaf's figures split by sex from this index
            # alone, without reading the figures' rows.
            models.Index(fields=["entry", "women", "men", "value"], name="figure_split_by_entry"),
        ]
        verbose_name = _("xifra")
        verbose_name_plural = _("xifres")

    def __str__(self):
        return f"{self.value} {self.unit} {self.label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.entry.node_id])

    @property
    def text(self) -> str:
        """«144 participants (121 dones i 23 homes)», as the seed prints it."""
        return figure_text(self.value, self.unit, self.women, self.men)

    @property
    def labelled_text(self) -> str:
        return labelled_figure_text(self.label, self.value, self.unit, self.women, self.men)

    def clean(self):
        split = (self.women or 0) + (self.men or 0)
        if self.value is not None and split > self.value:
            raise ValidationError(
                _("Dones i homes (%(split)s) sumen més que el total (%(total)s).")
                % {"split": number(split), "total": number(self.value)},
                code="split_exceeds_total",
            )
