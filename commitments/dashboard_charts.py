"""How the plan dashboard shows its figures: the key figures' shares, the breakdowns by
top-level node and by area with their charts, the chart of the whole plan. What is counted
is `commitments.dashboard`'s; here it is only worded and drawn.
"""

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from commitments.dashboard_figures import Breakdown, Changes, GroupRow, KeyFigure, StatusShare
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, percentage_of

# Names of the palette (static/css/palette.css), as the charts take them.
FAVOURABLE_COLOUR = "favourable"
DELAYED_COLOUR = "delayed"


def share_figure(label: str, count: int, total: int) -> KeyFigure:
    """«40 %», «4 de 10»."""
    return KeyFigure(
        label,
        percent(percentage_of(count, total)),
        gettext("%(count)s de %(total)s") % {"count": count, "total": total},
    )


def change_figures(changes: Changes, *, has_delayed: bool) -> list[KeyFigure]:
    """How many leaves are newly delayed (when the mandate counts delays), newly
    favourable, and newly completed (when the mandate has a «completed» status) since
    the previous period."""
    label = changes.previous.label
    since = gettext("des del %(period)s") % {"period": label[:1].lower() + label[1:]}
    figures = []
    if has_delayed:
        figures.append(KeyFigure(gettext("Nous retards"), str(changes.newly_delayed.total), since))
    figures.append(
        KeyFigure(
            gettext("Nous completats o dins les previsions"),
            str(changes.newly_favourable.total),
            since,
        )
    )
    if changes.newly_completed is not None:
        figures.append(
            KeyFigure(gettext("Nous completats"), str(changes.newly_completed.total), since)
        )
    return figures


def share_chart(
    rows: list[GroupRow], *, attribute: str, title: str, colour: str, chart_id: str
) -> SafeString:
    """One bar per row: its share (`attribute`, 0-100) of the row's leaves."""
    bars = [
        Bar(
            row.label,
            float(getattr(row, attribute)),
            colour,
            gettext("%(total)s en total") % {"total": row.total},
        )
        for row in rows
    ]
    description = (
        "; ".join(
            f"{row.label}: {percent(getattr(row, attribute))} "
            + gettext("de %(total)s") % {"total": row.total}
            for row in rows
        )
        + "."
    )
    return bar_chart(
        bars,
        title=title,
        description=description,
        unit="%",
        max_value=100,
        decimals=1,
        chart_id=chart_id,
    )


def breakdown(
    title: str,
    group_label: str,
    rows: list[GroupRow],
    *,
    has_delayed: bool,
    chart_id: str,
    total_rows: int | None = None,
    all_url: str = "",
) -> Breakdown:
    """The rows with the chart of their favourable share, and of their delayed share when
    the mandate counts delays; `total_rows` the groups in all when only the first are
    shown, `all_url` where to read the rest."""
    favourable_chart = share_chart(
        rows,
        attribute="favourable_share",
        title=gettext("Percentatge completat o dins les previsions: %(title)s") % {"title": title},
        colour=FAVOURABLE_COLOUR,
        chart_id=f"{chart_id}-favourable",
    )
    delayed_chart = None
    if has_delayed:
        delayed_chart = share_chart(
            rows,
            attribute="delayed_share",
            title=gettext("Percentatge amb retard: %(title)s") % {"title": title},
            colour=DELAYED_COLOUR,
            chart_id=f"{chart_id}-delayed",
        )
    return Breakdown(
        title,
        group_label,
        rows,
        favourable_chart,
        delayed_chart,
        total_rows=len(rows) if total_rows is None else total_rows,
        all_url=all_url,
    )


def overall_chart(counts: list[StatusShare], total: int, leaves_name: str) -> SafeString:
    """One bar per status of the whole plan (or of the area shown)."""
    return bar_chart(
        [Bar(row.label, row.count, row.colour, row.share_text) for row in counts],
        title=gettext("Estat de compliment de tot el pla"),
        description=gettext("%(total)s %(leaves)s per estat de compliment: %(figures)s.")
        % {
            "total": total,
            "leaves": leaves_name.lower(),
            "figures": "; ".join(f"{row.label}: {row.count} ({row.share_text})" for row in counts),
        },
        max_value=max(total, 1),
        chart_id="plan-dashboard-overall",
    )
