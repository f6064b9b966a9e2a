"""The filters of the commitments list and of its export: one mandate and one period at a time.

Every filter has a default, so the bare list already answers the usual question:
the leaves of the current mandate with their status in the current period. The
choices of the level, status and period filters are those of the selected mandate.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments.dashboard import CHANGES
from commitments.models import (
    Entry,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
    StatusCategory,
)
from governance.models import Area
from terrassa_plis.formatting import number


def _as_id(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


class CommitmentFilter(django_filters.FilterSet):
    mandate = django_filters.TypedChoiceFilter(label=_("Mandat"), coerce=int, method="_selected")
    level = django_filters.TypedChoiceFilter(field_name="level", label=_("Nivell"), coerce=int)
    area = django_filters.TypedChoiceFilter(field_name="area", label=_("Àrea"), coerce=int)
    status = django_filters.TypedChoiceFilter(
        field_name="period_status_id", label=_("Estat"), coerce=int
    )
    period = django_filters.TypedChoiceFilter(label=_("Període"), coerce=int, method="_selected")
    # The dashboard's lists, whole: «amb retard i pendents» is ?category=delayed&category=
    # pending, «nous retards» ?change=delayed (commitments.dashboard.CHANGES).
    category = django_filters.MultipleChoiceFilter(
        label=_("Tipus d'estat"), choices=StatusCategory.choices, method="_in_categories"
    )
    change = django_filters.ChoiceFilter(
        label=_("Canvi des del període anterior"),
        choices=[
            ("delayed", _("Nous retards")),
            ("favourable", _("Nous completats o dins les previsions")),
            ("completed", _("Nous completats")),
        ],
        method="_changed",
    )
    # What a reporting round's page links for an area's leaves still to report.
    entry = django_filters.ChoiceFilter(
        label=_("Entrada del període"),
        choices=[("missing", _("Sense entrada"))],
        method="_without_entry",
    )
    q = django_filters.CharFilter(label=_("Cerca"), method="_search")

    class Meta:
        model = PlanNode
        fields = [
            "mandate",
            "level",
            "area",
            "status",
            "period",
            "category",
            "change",
            "entry",
            "q",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # The small tables behind every choice and default, each read once.
        mandates = list(Mandate.objects.all())
        periods = list(
            ReportingPeriod.objects.annotate(
                has_entries=Exists(Entry.objects.filter(period=OuterRef("pk")))
            )
        )
        levels = list(PlanLevel.objects.all())
        statuses = list(Status.objects.all())
        areas = list(Area.objects.all())

        data = data.copy() if data is not None else QueryDict(mutable=True)
        self.mandate = self._pick_mandate(data, mandates, periods)
        mandate_id = self.mandate.pk if self.mandate else None
        own_periods = [period for period in periods if period.mandate_id == mandate_id]
        own_levels = [level for level in levels if level.mandate_id == mandate_id]
        own_statuses = [status for status in statuses if status.mandate_id == mandate_id]

        default_period = _default_period(own_periods)
        leaf_level = max(own_levels, key=lambda level: level.depth, default=None)
        _fill_default(data, "period", own_periods, periods, default_period, when_empty=True)
        _fill_default(data, "level", own_levels, levels, leaf_level)
        _fill_default(data, "status", own_statuses, statuses, None)
        self.period = {period.pk: period for period in own_periods}.get(
            _as_id(data.get("period")), default_period
        )
        # The period the changes are measured against (ReportingPeriod.previous()).
        self.previous_period = max(
            (
                period
                for period in own_periods
                if self.period is not None and period.start < self.period.start
            ),
            key=lambda period: period.start,
            default=None,
        )
        # None: every level is listed (chosen, or a value the form rejects and ignores).
        self.level = {level.pk: level for level in own_levels}.get(_as_id(data.get("level")))
        self.level_is_leaf = self.level is not None and self.level == leaf_level
        # The table shows each row's status from this map, with no query per row.
        self.statuses = {status.pk: status for status in own_statuses}

        if queryset is None:
            queryset = PlanNode.objects.all()
        # One mandate: ordering by path alone walks its tree (no join to the mandate).
        queryset = (
            queryset.filter(mandate=self.mandate)
            .with_entry_for(self.period)
            .select_related("area", "level")
            .order_by("path")
        )
        if self.mandate is None:
            queryset = queryset.none()
        super().__init__(data, queryset, request=request, prefix=prefix)

        self._set_choices("mandate", [(mandate.pk, mandate.name) for mandate in mandates])
        self._set_choices(
            "level",
            [("", _("Tots els nivells"))] + [(level.pk, level.name_plural) for level in own_levels],
        )
        self._set_choices("area", [("", _("Totes les àrees"))] + [(a.pk, str(a)) for a in areas])
        self._set_choices(
            "status",
            [("", _("Tots els estats"))] + [(status.pk, status.label) for status in own_statuses],
        )
        self._set_choices(
            "period",
            [(period.pk, period.label) for period in sorted(own_periods, key=_newest_first)],
        )

    def count_text(self, count: int) -> str:
        """«1 compromís», «61 compromisos», «3 actuacions», or «7 elements» for every level."""
        if self.level is None:
            return ngettext("%(count)s element", "%(count)s elements", count) % {
                "count": number(count)
            }
        name = self.level.name if count == 1 else self.level.name_plural
        return f"{number(count)} {name.lower()}"

    def caption(self) -> str:
        """The table's caption: what it lists, of which plan and semester, e.g.
        «Compromisos · Pla de Mandat 2015-2019 · Primer semestre de 2019»."""
        listed = self.level.name_plural if self.level else str(_("Elements del pla"))
        parts = [
            listed,
            self.mandate.name if self.mandate else "",
            self.period.label if self.period else "",
        ]
        return " · ".join(part for part in parts if part)

    def empty_text(self) -> str:
        """What an empty list says, in the level's own name: «Cap actuació no coincideix
        amb aquests filtres.», «Cap compromís…», or «Cap element del pla…» for every level."""
        if self.level is None:
            return _("Cap element del pla no coincideix amb aquests filtres.")
        return _("Cap %(level)s no coincideix amb aquests filtres.") % {
            "level": self.level.name.lower()
        }

    def _set_choices(self, name, choices):
        self.filters[name].extra["choices"] = choices

    @staticmethod
    def _pick_mandate(data, mandates, periods):
        """The submitted mandate, or the one that reported last (the first if none did).

        An unknown value stays in the data, so the form shows its error, and the
        list falls back to the default mandate.
        """
        with_entries = [period for period in periods if period.has_entries]
        latest = max(with_entries, key=lambda period: period.start, default=None)
        by_id = {mandate.pk: mandate for mandate in mandates}
        default = by_id.get(latest.mandate_id) if latest else (mandates[0] if mandates else None)
        if not data.get("mandate") and default is not None:
            data["mandate"] = str(default.pk)
        return by_id.get(_as_id(data.get("mandate")), default)

    def _selected(self, queryset, name, value):
        # Mandate and period shape the base queryset in __init__; nothing more to do.
        return queryset

    def _status_ids(self, categories) -> list[int]:
        return [pk for pk, status in self.statuses.items() if status.category in categories]

    def _in_categories(self, queryset, name, value):
        return queryset.filter(period_status_id__in=self._status_ids(value))

    def _without_entry(self, queryset, name, value):
        # Every entry has a status: a leaf without one has no entry in the period.
        return queryset.filter(period_status_id__isnull=True)

    def _changed(self, queryset, name, value):
        """The leaves in the change's categories now and not in the previous period (in
        another category, or without entry then); none in a mandate's first period."""
        now = self._status_ids(CHANGES[value])
        if self.previous_period is None:
            return queryset.none()
        earlier = Entry.objects.filter(node=OuterRef("pk"), period=self.previous_period)
        return queryset.annotate(
            previous_status_id=Subquery(earlier.order_by().values("status_id")[:1])
        ).filter(
            Q(previous_status_id__isnull=True) | ~Q(previous_status_id__in=now),
            period_status_id__in=now,
        )

    def _search(self, queryset, name, value):
        return queryset.search(value)


def _newest_first(period):
    return -period.start.toordinal()


def _default_period(periods):
    """The open period; if none is open, the latest one with entries; else the latest."""
    for candidates in (
        [period for period in periods if period.is_open],
        [period for period in periods if period.has_entries],
        periods,
    ):
        if candidates:
            return max(candidates, key=lambda period: period.start)
    return None


def _fill_default(data, name, own, every, default, *, when_empty=False):
    """Put the default in `data` when the filter is absent, or names another mandate's choice.

    A form submitted after changing the mandate still carries the level, status and
    period of the previous one: those fall back to the new mandate's defaults instead
    of showing an error. A value that is no choice of any mandate is left for the form
    to reject.
    """
    raw = data.get(name)
    value = _as_id(raw)
    stale = value is not None and value in {item.pk for item in every} - {i.pk for i in own}
    if name not in data or stale or (when_empty and not raw):
        data[name] = str(default.pk) if default is not None else ""
