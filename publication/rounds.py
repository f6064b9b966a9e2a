"""How far a reporting round is: what each area or service has reported and what is missing.

A balance round asks every leaf of the period's mandate for its entry in the period;
a charters round asks every indicator of the charters in force in the year for its
result. Each item names who answers for it: the technicians linked to its area and
to its service (`Area.technicians`, `Service.technicians`), the same people the access
guard lets edit it. `build_completion` loads everything in a fixed number of queries,
whatever the size of the plan or the number of charters; `round_summaries` gives the
counts of many rounds at once, also in a fixed number of queries.

A balance round counts its leaves in SQL and builds only the missing ones: the round's
page asks for the first `MISSING_SHOWN` of each area (with a link to the commitments
list that holds them all), the reminders for every one of them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from commitments.models import Entry, PlanLevel, PlanNode
from governance.access import may_edit
from governance.models import Area, Service
from governance.roles import Role
from publication.models import ReportingRound, RoundKind, RoundStatus
from service_charters.models import INDICATOR_CHARTER, Charter, Indicator, Measurement
from terrassa_plis import history
from terrassa_plis.formatting import percentage_of, person_name

# The round's page lists at most this many missing items of each area or service, then
# links the list that holds them all: the page does not grow with the plan.
MISSING_SHOWN = 10


def share(done: int, total: int) -> Decimal:
    """Percentage (0-100) of the items reported; an empty round counts as complete."""
    return percentage_of(done, total, empty=Decimal(100))


@dataclass(frozen=True)
class Item:
    """Something the round asks for: a commitment's entry or an indicator's result."""

    label: str  # «Compromís 21», or the indicator's name
    text: str  # the commitment's text, or the charter's title
    done: bool
    url: str  # where it is filled in
    responsible_ids: frozenset[int]
    read_url: str = ""  # where whoever may read it, not fill it in, reads it
    area_id: int | None = None  # whose it is, for the access guard
    service_id: int | None = None

    def url_for(self, user) -> str:
        """The link `user` may open: the entry form for whoever may fill it in, else the
        item's page (directors and publication staff read, they don't enter)."""
        return self.url if may_edit(user, self.area_id, self.service_id) else self.read_url


@dataclass
class Group:
    """An area (balance round) or a service (charters round): how many items it is
    asked for, how many are in, and its missing items (all of them, or the first
    `MISSING_SHOWN` when `build_completion` is asked for a page; `missing_url` lists
    them all)."""

    name: str
    area: Area | None
    total: int = 0
    done: int = 0
    missing: list[Item] = field(default_factory=list)
    technicians: list = field(default_factory=list)
    missing_url: str = ""

    @property
    def missing_count(self) -> int:
        return self.total - self.done

    @property
    def missing_is_partial(self) -> bool:
        return len(self.missing) < self.missing_count

    @property
    def share(self) -> Decimal:
        return share(self.done, self.total)

    @property
    def is_complete(self) -> bool:
        return self.done == self.total

    @property
    def technician_names(self) -> list[str]:
        return [person_name(user) for user in self.technicians]


@dataclass(frozen=True)
class TechnicianReminder:
    """One technician and the items of the round still missing that they answer for."""

    user: object
    items: list[Item]

    @property
    def name(self) -> str:
        return person_name(self.user)


@dataclass(frozen=True)
class Completion:
    round: ReportingRound
    groups: list[Group]
    item_label: str  # «compromisos», «indicadors»: what the counts count
    group_label: str  # «Àrea», «Servei»
    technicians: dict[int, object]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def done(self) -> int:
        return sum(group.done for group in self.groups)

    @property
    def missing_count(self) -> int:
        return self.total - self.done

    @property
    def share(self) -> Decimal:
        return share(self.done, self.total)

    def missing_for(self, user) -> list[tuple["Group", list[tuple[Item, str]]]]:
        """Each group with something missing, and its missing items, each with the link
        `user` may open (`Item.url_for`)."""
        return [
            (group, [(item, item.url_for(user)) for item in group.missing])
            for group in self.groups
            if group.missing_count
        ]

    def reminders(self) -> list[TechnicianReminder]:
        """Every technician with something missing, and what, in the round's order."""
        missing: dict[int, list[Item]] = defaultdict(list)
        for group in self.groups:
            for item in group.missing:
                for user_id in item.responsible_ids:
                    missing[user_id].append(item)
        users = sorted(
            (self.technicians[user_id] for user_id in missing),
            key=lambda user: (person_name(user).casefold(), user.pk),
        )
        return [TechnicianReminder(user, missing[user.pk]) for user in users]


def _technicians(through, key: str, ids: Iterable[int]) -> dict[int, list]:
    """{area or service id: its active technicians}, one query (none for no ids).

    Only users who still hold the technician role: the access guard lets no one else
    edit, so no one else is reminded or named as responsible.
    """
    ids = list(ids)
    if not ids:
        return {}
    links = (
        through.objects.filter(
            **{f"{key}__in": ids},
            user__is_active=True,
            user__groups__name=Role.TECHNICIAN.value,
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    by_unit: dict[int, list] = defaultdict(list)
    for link in links:
        by_unit[getattr(link, f"{key}_id")].append(link.user)
    return by_unit


def _area_technicians(area_ids: Iterable[int]) -> dict[int, list]:
    return _technicians(Area.technicians.through, "area", area_ids)


def _service_technicians(service_ids: Iterable[int]) -> dict[int, list]:
    return _technicians(Service.technicians.through, "service", service_ids)


def _union(*lists: Sequence) -> list:
    seen: dict[int, object] = {}
    for users in lists:
        for user in users:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def _all_users(groups: Iterable[Group]) -> dict[int, object]:
    return {user.pk: user for group in groups for user in group.technicians}


def build_completion(round: ReportingRound, *, shown: int | None = None) -> Completion:
    """The round's completion per area (balance) or per service (charters), with each
    group's missing items: all of them, or the first `shown` of each group.

    Queries: balance, 6 (the leaves counted per area and service, the areas' technicians,
    the services' technicians, the areas, the missing leaves, the leaves' level);
    charters, 4 (the charters in force, their indicators with whether each has a result,
    the services' and the areas' technicians). `round.period` should come with its mandate selected.
    """
    if round.kind == RoundKind.BALANCE:
        return _balance_completion(round, shown)
    return _charters_completion(round)


def _balance_completion(round: ReportingRound, shown: int | None) -> Completion:
    period = round.period
    leaves = _leaves_with_entry_flag(period)
    tallies = _tallies(leaves)
    area_ids = {row["area_id"] for row in tallies if row["area_id"]}
    by_area = _area_technicians(area_ids)
    by_service = _service_technicians({row["service_id"] for row in tallies if row["service_id"]})
    groups = _groups_by_area(tallies, period, Area.objects.in_bulk(area_ids), by_area, by_service)
    for leaf in _missing_leaves(leaves, shown):
        responsible = _union(by_area.get(leaf.area_id, []), by_service.get(leaf.service_id, []))
        groups[leaf.area_id].missing.append(_leaf_item(leaf, period, responsible))
    first = min(tallies, key=lambda row: row["first_path"], default=None)
    return Completion(
        round=round,
        groups=sorted(
            groups.values(),
            key=lambda group: (group.area is None, group.area and group.area.number),
        ),
        # The leaf level's own name: «compromisos» (2015-2019), «actuacions» (2019-2023).
        item_label=(
            PlanLevel.objects.get(pk=first["level_id"]).name_plural.lower()
            if first
            else gettext("compromisos")
        ),
        group_label=gettext("Àrea"),
        technicians=_all_users(groups.values()),
    )


def _leaves_with_entry_flag(period):
    """The mandate's leaves, each with `has_entry` in `period`."""
    entries = Entry.objects.filter(node=OuterRef("pk"), period=period).order_by()
    return PlanNode.objects.filter(mandate_id=period.mandate_id, is_leaf=True).annotate(
        has_entry=Exists(entries)
    )


def _tallies(leaves) -> list[dict]:
    """The leaves counted per area, service and level: how many, how many with their
    entry, and the first leaf's path, in plan order of those first leaves. One query.

    Grouped by ids alone: joining the areas' and levels' names to every leaf before
    grouping made the count three times slower (their names are read apart)."""
    return list(
        leaves.order_by()
        .values("area_id", "service_id", "level_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(has_entry=True)),
            first_path=Min("path"),
        )
        .order_by("first_path")
    )


def _missing_leaves(leaves, shown: int | None) -> list[PlanNode]:
    """The leaves without their entry in plan order: every one, or the first `shown` of
    each area. One query."""
    missing = leaves.filter(has_entry=False).select_related("level").order_by("path")
    if shown is not None:
        missing = missing.annotate(
            rank=Window(RowNumber(), partition_by=F("area_id"), order_by=F("path").asc())
        ).filter(rank__lte=shown)
    return list(missing)


def _groups_by_area(tallies, period, areas: dict, by_area: dict, by_service: dict) -> dict:
    """{area id: its group}, None for the leaves without an area. A leaf is answered for
    by the technicians of its area and of its service; the group names all of them,
    the area's first, then each service's in plan order."""
    groups: dict[int | None, Group] = {}
    for row in tallies:
        area_id = row["area_id"]
        group = groups.get(area_id)
        if group is None:
            area = areas[area_id] if area_id else None
            group = groups[area_id] = Group(
                name=area.name if area else gettext("Sense àrea responsable"),
                area=area,
                technicians=list(by_area.get(area_id, [])),
                missing_url=_missing_url(period, area_id),
            )
        group.total += row["total"]
        group.done += row["done"]
        group.technicians = _union(group.technicians, by_service.get(row["service_id"], []))
    return groups


def _missing_url(period, area_id: int | None) -> str:
    """The commitments list of the period's leaves without their entry, of the area
    (of every area for the leaves without one: the list cannot pick «no area»)."""
    query = [("mandate", period.mandate_id), ("period", period.pk), ("entry", "missing")]
    if area_id is not None:
        query.append(("area", area_id))
    return f"{reverse('commitments:list')}?{urlencode(query)}"


def _leaf_item(leaf: PlanNode, period, responsible: Iterable) -> Item:
    return Item(
        label=f"{leaf.level.name} {leaf.code}",
        text=Truncator(leaf.text).chars(160),
        done=leaf.has_entry,
        url=reverse("commitments:entry_edit", args=[leaf.pk, period.pk]),
        responsible_ids=frozenset(user.pk for user in responsible),
        read_url=reverse("commitments:detail", args=[leaf.pk]),
        area_id=leaf.area_id,
        service_id=leaf.service_id,
    )


def _charters_completion(round: ReportingRound) -> Completion:
    """With every missing indicator, even for a page: no list filters the indicators
    without a result, so the round's page is where they are all read."""
    year = round.year
    charters = list(
        Charter.objects.in_force(year)
        .select_related("service__area")
        .order_by("service__area__number", "service__name", "id")
    )
    indicators = _indicators_with_result_flag(charters, year)
    services = {charter.service_id: charter.service for charter in charters}
    by_service = _service_technicians(services)
    by_area = _area_technicians({service.area_id for service in services.values()})
    groups = _groups_by_service(charters, indicators, year, by_service, by_area)
    return Completion(
        round=round,
        groups=groups,
        item_label=gettext("indicadors"),
        group_label=gettext("Servei"),
        technicians=_all_users(groups),
    )


def _indicators_with_result_flag(charters: Sequence[Charter], year: int) -> list[Indicator]:
    """The charters' indicators in the follow-up's order, each with `has_result` in
    `year` and its `charter_id`. One query (none without charters)."""
    if not charters:
        return []
    measured = Measurement.objects.filter(indicator=OuterRef("pk"), year=year).order_by()
    return list(
        Indicator.objects.of_charters(charters)
        .with_charter_id()
        .annotate(has_result=Exists(measured))
        .in_printed_order()
    )


def _groups_by_service(
    charters: Sequence[Charter], indicators: Iterable[Indicator], year: int, by_service, by_area
) -> list[Group]:
    """One group per service with a charter in force, in the charters' order. Every
    indicator of a service is answered for by the technicians of the service and of
    its area."""
    groups: dict[int, Group] = {}
    for charter in charters:
        service = charter.service
        if service.pk not in groups:
            groups[service.pk] = Group(
                name=service.name,
                area=service.area,
                technicians=_union(
                    by_service.get(service.pk, []), by_area.get(service.area_id, [])
                ),
            )
    charter_of = {charter.pk: charter for charter in charters}
    for indicator in indicators:
        charter = charter_of[indicator.charter_id]
        group = groups[charter.service_id]
        group.total += 1
        if indicator.has_result:
            group.done += 1
            continue
        group.missing.append(
            Item(
                label=Truncator(indicator.name).chars(160),
                text=charter.title,
                done=indicator.has_result,
                url=reverse("service_charters:results_edit", args=[charter.pk, year]),
                responsible_ids=frozenset(user.pk for user in group.technicians),
                read_url=reverse("service_charters:charter_report", args=[charter.pk, year]),
                area_id=charter.service.area_id,
                service_id=charter.service_id,
            )
        )
    return list(groups.values())


# Many rounds at once: the list of rounds


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def share(self) -> Decimal:
        return share(self.done, self.total)


def round_summaries(rounds: Sequence[ReportingRound]) -> dict[int, Progress]:
    """{round id: items reported of items asked}, for every round given.

    At most 4 queries whatever the number of rounds and the data's size: the leaves
    per mandate and the entries per period (balance rounds), the indicators with their
    charter's dates and the results of the rounds' years (charters rounds).
    """
    balance = [item for item in rounds if item.kind == RoundKind.BALANCE]
    charters = [item for item in rounds if item.kind == RoundKind.CHARTERS]
    progress: dict[int, Progress] = {}
    if balance:
        progress.update(_balance_progress(balance))
    if charters:
        progress.update(_charters_progress(charters))
    return progress


def _balance_progress(rounds: Sequence[ReportingRound]) -> dict[int, Progress]:
    """Entries of the period's leaves, of the mandate's leaves. Two queries."""
    period_ids = {item.period_id for item in rounds}
    leaves_per_mandate = dict(
        PlanNode.objects.filter(is_leaf=True, mandate__periods__in=period_ids)
        .order_by()
        .values("mandate")
        .annotate(count=Count("pk", distinct=True))
        .values_list("mandate", "count")
    )
    entries_per_period = dict(
        Entry.objects.filter(period__in=period_ids, node__is_leaf=True)
        .order_by()
        .values("period")
        .annotate(count=Count("pk"))
        .values_list("period", "count")
    )
    return {
        item.pk: Progress(
            entries_per_period.get(item.period_id, 0),
            leaves_per_mandate.get(item.period.mandate_id, 0),
        )
        for item in rounds
    }


def _charters_progress(rounds: Sequence[ReportingRound]) -> dict[int, Progress]:
    """Indicators with a result in the year, of the indicators of the charters in force
    that year. Two queries."""
    indicators = list(
        Indicator.objects.order_by().values_list(
            "pk",
            f"{INDICATOR_CHARTER}__in_force_from",
            f"{INDICATOR_CHARTER}__in_force_until",
        )
    )
    results = set(
        Measurement.objects.filter(year__in={item.year for item in rounds})
        .order_by()
        .values_list("indicator_id", "year")
    )
    progress = {}
    for item in rounds:
        in_force = [
            pk
            for pk, start, end in indicators
            if start.year <= item.year and (end is None or end.year >= item.year)
        ]
        done = sum(1 for pk in in_force if (pk, item.year) in results)
        progress[item.pk] = Progress(done, len(in_force))
    return progress


def rounds_with_subjects():
    """Rounds with what the list shows of them selected: period, mandate, versions."""
    return ReportingRound.objects.select_related("period__mandate", "opened_by").annotate(
        version_count=Count("versions"),
    )


def rounds_due(day) -> list[ReportingRound]:
    """Open or in-review rounds whose reminder falls on `day`: `reminder_days` before the
    deadline, or on the deadline itself. One query."""
    candidates = ReportingRound.objects.filter(
        deadline__gte=day, status__in=[RoundStatus.OPEN, RoundStatus.IN_REVIEW]
    ).select_related("period__mandate")
    return [
        item
        for item in candidates
        if item.deadline == day or (item.deadline - day).days == item.reminder_days
    ]


def preview_links(round: ReportingRound) -> dict[str, str]:
    """Where the document the round will publish is read as it stands now: the page and
    the PDF of the period's Balanç, or of the year's follow-up of the charters. The
    same builders that publishing freezes (`publication.snapshots`), so what staff
    review is what a version will hold."""
    if round.kind == RoundKind.BALANCE:
        args, page, pdf = [round.period_id], "commitments:balance", "commitments:balance_pdf"
    else:
        args = [round.year]
        page, pdf = "service_charters:year_report", "service_charters:year_report_pdf"
    return {"page": reverse(page, args=args), "pdf": reverse(pdf, args=args)}


# What a round's history compares: what staff set when opening it, and where it stands.
ROUND_FIELDS = ["deadline", "reminder_days", "status"]


def round_history(round: ReportingRound) -> list[history.HistoryEvent]:
    """Who opened the round, moved it to review, or changed its deadline in the admin,
    and when, newest first. One query."""
    records = ReportingRound.history.filter(id=round.pk).select_related("history_user")
    return history.history_rows(
        records,
        history.model_fields(ReportingRound, ROUND_FIELDS),
    )
