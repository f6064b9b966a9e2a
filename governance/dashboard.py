"""The PLIS dashboard for directors: the action plan by decision and implementation
degree, and what is late (milestones of the drafting calendar, agreements of the bodies).

`build_plis_dashboard` runs a fixed number of queries whatever the size of the data
(see its docstring); the view only checks access and renders.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum, Window
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.action_plan import DECISION_PLURALS, ActionPlan, DecisionCount
from governance.meetings import AgreementState, with_state
from governance.models import ActionDecision, Agreement, Milestone, Plan, PlanAction
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, percentage_of


@dataclass(frozen=True)
class CountBar:
    label: str
    count: int
    share: Decimal
    colour: str

    @property
    def share_text(self) -> str:
        return percent(self.share)


@dataclass(frozen=True)
class DegreeBand:
    """An implementation degree band: from `low` (included) to `high` (excluded; the
    last band includes 100)."""

    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}\u00a0%"

    def holds(self, degree: int) -> bool:
        return self.low <= degree < self.high or (self.high == 100 and degree == 100)

    def q(self, field: str) -> Q:
        """`holds` as a condition on the degree `field`, to count in SQL."""
        below = f"{field}__lte" if self.high == 100 else f"{field}__lt"
        return Q(**{f"{field}__gte": self.low, below: self.high})


DEGREE_BANDS = [DegreeBand(0, 25), DegreeBand(25, 50), DegreeBand(50, 75), DegreeBand(75, 100)]
DEGREE_COLOURS = ["degree-1", "degree-2", "degree-3", "degree-4"]
DECISION_COLOURS = {
    ActionDecision.PROPOSED: "neutral",
    ActionDecision.VALIDATED: "ok",
    ActionDecision.REJECTED: "bad",
}
NO_IMPLEMENTATION_LABEL = _("Sense dades d'implementació")
# The lists of late milestones and agreements show at most this many: the dashboard's
# size does not grow with the meetings.
LIST_SHOWN = 10


@dataclass(frozen=True)
class PlisDashboard:
    plan: Plan
    today: date
    action_count: int
    by_decision: list[CountBar]
    decision_chart: SafeString
    validated_count: int
    by_degree: list[CountBar]  # of the validated actions, by their latest degree
    degree_chart: SafeString
    average_degree: Decimal | None
    followed_count: int
    # The first LIST_SHOWN of each, then a link to the page that lists them all.
    late_milestones: list[Milestone]
    late_milestone_count: int
    late_agreements: list[Agreement]
    late_agreement_count: int


def _count_chart(bars: list[CountBar], *, total: int, title: str, chart_id: str) -> SafeString:
    return bar_chart(
        [Bar(bar.label, bar.count, bar.colour, bar.share_text) for bar in bars],
        title=title,
        description="; ".join(f"{bar.label}: {bar.count} ({bar.share_text})" for bar in bars) + ".",
        max_value=max(total, 1),
        chart_id=chart_id,
    )


def degree_bands(actions: Sequence[PlanAction]) -> list[CountBar]:
    """The actions by their latest implementation degree (`latest_degree`), in bands
    of 25 points, then those with no implementation entry."""
    degrees = [action.latest_degree for action in actions]
    return _degree_bars(
        [
            sum(1 for degree in degrees if degree is not None and band.holds(degree))
            for band in DEGREE_BANDS
        ],
        missing=sum(1 for degree in degrees if degree is None),
        total=len(actions),
    )


def _degree_bars(band_counts: list[int], *, missing: int, total: int) -> list[CountBar]:
    bars = [
        CountBar(band.label, count, percentage_of(count, total), colour)
        for band, colour, count in zip(DEGREE_BANDS, DEGREE_COLOURS, band_counts, strict=True)
    ]
    bars.append(
        CountBar(str(NO_IMPLEMENTATION_LABEL), missing, percentage_of(missing, total), "no-entry")
    )
    return bars


@dataclass(frozen=True)
class ValidatedFigures:
    """The validated actions counted in SQL (`validated_figures`)."""

    count: int
    by_degree: list[CountBar]
    average_degree: Decimal | None
    followed_count: int  # how many have an implementation entry


def validated_figures(plan: Plan) -> ValidatedFigures:
    """The plan's validated actions (only they are carried out) by their latest
    implementation degree, and its mean over those with one: one aggregate query."""
    figures = (
        PlanAction.objects.filter(plan=plan, decision=ActionDecision.VALIDATED)
        .with_latest_implementation()
        .aggregate(
            validated=Count("pk"),
            followed=Count("latest_degree"),
            degree_sum=Sum("latest_degree"),
            **{
                f"band_{index}": Count("pk", filter=band.q("latest_degree"))
                for index, band in enumerate(DEGREE_BANDS)
            },
        )
    )
    total, followed = figures["validated"], figures["followed"]
    return ValidatedFigures(
        count=total,
        by_degree=_degree_bars(
            [figures[f"band_{index}"] for index in range(len(DEGREE_BANDS))],
            missing=total - followed,
            total=total,
        ),
        average_degree=Decimal(figures["degree_sum"]) / followed if followed else None,
        followed_count=followed,
    )


def decision_bars(action_plan: ActionPlan) -> list[CountBar]:
    """The plan's actions by decision, each with its share of all the actions."""
    return _decision_bars(action_plan.decision_counts, total=action_plan.action_count)


def _decision_bars(decision_counts: Sequence[DecisionCount], *, total: int) -> list[CountBar]:
    return [
        CountBar(
            str(item.label),
            item.count,
            percentage_of(item.count, total),
            DECISION_COLOURS[item.decision],
        )
        for item in decision_counts
    ]


def decision_counts(plan: Plan) -> list[DecisionCount]:
    """How many of the plan's actions have each decision, in the decisions' order (one
    query)."""
    counts = dict(
        PlanAction.objects.filter(plan=plan)
        .order_by()
        .values("decision")
        .annotate(action_count=Count("pk"))
        .values_list("decision", "action_count")
    )
    return [
        DecisionCount(value, DECISION_PLURALS[value], counts.get(value, 0))
        for value in ActionDecision.values
    ]


def validated_actions(action_plan: ActionPlan) -> list[PlanAction]:
    """The plan's validated actions (only they are carried out), in the plan's order."""
    return [
        action
        for axis in action_plan.axes
        for line in axis.lines
        for action in line.actions
        if action.decision == ActionDecision.VALIDATED
    ]


def late_milestones(plan: Plan, today: date) -> tuple[list[Milestone], int]:
    """The first `LIST_SHOWN` milestones of the drafting calendar still to do whose
    planned date has passed, the earliest first, and how many there are (one query)."""
    late = (
        Milestone.objects.filter(plan=plan)
        .overdue(today)
        .annotate(late_total=Window(Count("pk")))
        .order_by("planned_on", "pk")
    )
    shown = list(late[:LIST_SHOWN])
    return shown, shown[0].late_total if shown else 0


def late_agreements(plan: Plan, today: date) -> tuple[list[Agreement], int]:
    """The first `LIST_SHOWN` agreements of the plan's bodies not done whose due date is
    before `today`, the earliest due first, and how many there are (one query)."""
    late = (
        Agreement.objects.pending(today)
        .filter(meeting__body__plan=plan, due__lt=today)
        .annotate(late_total=Window(Count("pk")))
    )
    shown = [
        agreement
        for agreement in with_state(late[:LIST_SHOWN], today)
        if agreement.state == AgreementState.LATE
    ]
    return shown, shown[0].late_total if shown else 0


def decision_chart(by_decision: list[CountBar], *, total: int) -> SafeString:
    return _count_chart(
        by_decision,
        total=total,
        title=gettext("Accions del pla per decisió"),
        chart_id="plis-dashboard-decision",
    )


def degree_chart(by_degree: list[CountBar], *, total: int) -> SafeString:
    return _count_chart(
        by_degree,
        total=total,
        title=gettext("Accions validades per grau d'implementació"),
        chart_id="plis-dashboard-degree",
    )


def build_plis_dashboard(today: date) -> PlisDashboard | None:
    """The PLIS dashboard on `today`, or None when no plan is recorded.

    Queries, whatever the number of actions, milestones and agreements: 1 the plan,
    2 the actions counted by decision, 3 the validated actions counted by degree band
    (with their mean degree), 4 the milestones, 5 the pending agreements of the plan's
    bodies with their meeting (`late_agreements`). Every count and mean is an SQL
    aggregate: no action is read.
    Late: a milestone not done whose planned date is before `today`; an agreement not
    done whose due date is before `today`.
    """
    plan = Plan.objects.current()
    if plan is None:
        return None
    counts = decision_counts(plan)
    action_count = sum(item.count for item in counts)
    by_decision = _decision_bars(counts, total=action_count)
    validated = validated_figures(plan)
    milestones, milestone_count = late_milestones(plan, today)
    agreements, agreement_count = late_agreements(plan, today)
    return PlisDashboard(
        plan=plan,
        today=today,
        action_count=action_count,
        by_decision=by_decision,
        decision_chart=decision_chart(by_decision, total=action_count),
        validated_count=validated.count,
        by_degree=validated.by_degree,
        degree_chart=degree_chart(validated.by_degree, total=validated.count),
        average_degree=validated.average_degree,
        followed_count=validated.followed_count,
        late_milestones=milestones,
        late_milestone_count=milestone_count,
        late_agreements=agreements,
        late_agreement_count=agreement_count,
    )
