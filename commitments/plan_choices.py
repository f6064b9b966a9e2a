"""What the Mandate Plan's dashboard may be filtered by: the mandates, their reporting
periods and the areas, read once and asked for by key, with the default period."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from commitments.models import Entry, Mandate, ReportingPeriod
from governance.models import Area


@dataclass(frozen=True)
class PlanChoices:
    """What the plan dashboard may be filtered by: mandates, their periods, the areas.

    `periods` are ordered by mandate and start, each annotated with `has_entries`.
    """

    mandates: list[Mandate]
    periods: list[ReportingPeriod]
    areas: list[Area]

    def periods_of(self, mandate: Mandate) -> list[ReportingPeriod]:
        return [period for period in self.periods if period.mandate_id == mandate.pk]

    def mandate(self, pk: int) -> Mandate | None:
        return next((mandate for mandate in self.mandates if mandate.pk == pk), None)

    def period(self, pk: int) -> ReportingPeriod | None:
        return next((period for period in self.periods if period.pk == pk), None)

    def area(self, number: int) -> Area | None:
        return next((area for area in self.areas if area.number == number), None)

    def default_period(self, mandate: Mandate | None = None) -> ReportingPeriod | None:
        """The latest period with entries (of `mandate`, if given); failing that, the
        mandate's open period or its latest one."""
        periods = self.periods_of(mandate) if mandate else self.periods
        with_entries = [period for period in periods if period.has_entries]
        if with_entries:
            return max(with_entries, key=lambda period: period.start)
        if not periods:
            return None
        open_periods = [period for period in periods if period.is_open]
        return (open_periods or [max(periods, key=lambda period: period.start)])[0]


def plan_choices() -> PlanChoices:
    """Three queries: the mandates, every period (with its mandate and whether it has
    any entry), the areas."""
    has_entries = Exists(Entry.objects.filter(period=OuterRef("pk")).order_by())
    periods = list(
        ReportingPeriod.objects.select_related("mandate")
        .annotate(has_entries=has_entries)
        .order_by("mandate__start_year", "mandate_id", "start")
    )
    return PlanChoices(
        mandates=list(Mandate.objects.order_by("start_year", "pk")),
        periods=periods,
        areas=list(Area.objects.order_by("number")),
    )
