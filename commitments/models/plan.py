"""The Mandate Plan's tree: a mandate, the levels it names (2015-2019: Prioritat →
Compromís; 2019-2023: Objectiu → Eix → Actuació), and its items, whose leaves are what
technicians report on; with the bounds of every free text of the plan and its entries."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from governance.access import editable_q, may_edit_item
from governance.models import Area, Service
from terrassa_plis.history import ChangeHistory
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
        # The entries' model through the relation: it lives in `reporting`, which needs
        # this one. No ordering: Entry's default ordering would add joins to every subquery.
        entry_model = self.model._meta.get_field("entries").related_model
        entries = entry_model.objects.filter(node=OuterRef("pk"), period=period).order_by()
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
