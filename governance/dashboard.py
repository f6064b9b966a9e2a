"""The PLIS dashboard for directors: the action plan by decision and implementation
degree, and what is late (milestones of the drafting calendar, agreements of the bodies).

`build_plis_dashboard` runs a fixed number of queries whatever the size of the data
(see its docstring); the view only checks access and renders.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Window
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.action_plan import ActionPlan, build_action_plan
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
    total = len(actions)
    degrees = [action.latest_degree for action in actions]
    bars = [
        CountBar(
            band.label,
            count := sum(1 for degree in degrees if degree is not None and band.holds(degree)),
            percentage_of(count, total),
            colour,
        )
        for band, colour in zip(DEGREE_BANDS, DEGREE_COLOURS, strict=True)
    ]
    missing = sum(1 for degree in degrees if degree is None)
    bars.append(
        CountBar(str(NO_IMPLEMENTATION_LABEL), missing, percentage_of(missing, total), "no-entry")
    )
    return bars


def decision_bars(action_plan: ActionPlan) -> list[CountBar]:
    """The plan's actions by decision, each with its share of all the actions."""
    total = action_plan.action_count
    return [
        CountBar(
            str(item.label),
            item.count,
            percentage_of(item.count, total),
            DECISION_COLOURS[item.decision],
        )
        for item in action_plan.decision_counts
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


def late_milestones(action_plan: ActionPlan) -> list[Milestone]:
    """The milestones of the drafting calendar still to do whose planned date has passed."""
    return [line.milestone for line in action_plan.milestones if line.is_overdue]


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
    2 the actions with their latest implementation, 3 their areas, 4 the milestones
    (governance.action_plan.build_action_plan), 5 the pending agreements of the plan's
    bodies with their meeting (`late_agreements`).
    Late: a milestone not done whose planned date is before `today`; an agreement not
    done whose due date is before `today`.
    """
    plan = Plan.objects.current()
    if plan is None:
        return None
    action_plan = build_action_plan(plan, today)
    by_decision = decision_bars(action_plan)
    validated = validated_actions(action_plan)
    by_degree = degree_bands(validated)
    milestones = late_milestones(action_plan)
    agreements, agreement_count = late_agreements(plan, today)
    return PlisDashboard(
        plan=plan,
        today=today,
        action_count=action_plan.action_count,
        by_decision=by_decision,
        decision_chart=decision_chart(by_decision, total=action_plan.action_count),
        validated_count=len(validated),
        by_degree=by_degree,
        degree_chart=degree_chart(by_degree, total=len(validated)),
        average_degree=action_plan.average_degree,
        followed_count=action_plan.followed_count,
        late_milestones=milestones[:LIST_SHOWN],
        late_milestone_count=len(milestones),
        late_agreements=agreements,
        late_agreement_count=agreement_count,
    )
