"""The Balanç as open data: one row per commitment of the period's mandate, the same
columns for CSV, XLSX and JSON.

Every download of a balance's data and every published version's open data is built
here, so the columns are the same wherever a reader gets them:

    Període | the plan's export columns (`plan_io.export_table`: Nivell … Estat,
    % execució) | Observacions | Xifres | Total desglossat | Dones | Homes |
    Informació relacionada

Texts are plain (no Markdown marks; a link reads «text (address)»). «Xifres» writes
each figure of the entry on a line, with its women/men split as the balance prints
it. The three number columns add up the figures that give that split (the people
counted by sex: 144 participants, 121 women and 23 men); figures of other things
(344 procedures, 5 sessions) are not added to them, and the three are empty when no
figure gives the split. JSON gives the numbers as numbers and «Xifres» as a list of
figures with their own fields.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from commitments.models import Figure, PlanNode, ReportingPeriod
from commitments.plan_io import export_table
from terrassa_plis.formatting import number
from terrassa_plis.richtext import plain_text

PERIOD_COLUMN = "Període"
OBSERVATIONS_COLUMN = "Observacions"
FIGURES_COLUMN = "Xifres"
TOTAL_COLUMN = "Total desglossat"
WOMEN_COLUMN = "Dones"
MEN_COLUMN = "Homes"
RELATED_COLUMN = "Informació relacionada"


def figure_text(figure: Figure) -> str:
    """«Participants: 144 persones (121 dones i 23 homes)»."""
    amount = " ".join(part for part in (number(figure.value), figure.unit) if part)
    text = f"{figure.label}: {amount}" if figure.label else amount
    women = {"women": number(figure.women)}
    men = {"men": number(figure.men)}
    if figure.women is not None and figure.men is not None:
        split = _("%(women)s dones i %(men)s homes") % {**women, **men}
    elif figure.women is not None:
        split = _("%(women)s dones") % women
    elif figure.men is not None:
        split = _("%(men)s homes") % men
    else:
        return text
    return f"{text} ({split})"


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def balance_table(period: ReportingPeriod) -> tuple[list[str], list[list], list[dict]]:
    """Header, rows (CSV, XLSX) and records (JSON) of the period's balance. Four queries:
    the leaves with their entry's status, the status labels, the entries' texts, the
    entries' figures."""
    leaves = list(
        PlanNode.objects.filter(mandate_id=period.mandate_id, is_leaf=True)
        .with_entry_for(period)
        .select_related("level", "parent", "area", "service")
        .order_by("path")
    )
    plan_header, plan_rows = export_table(leaves, period)
    texts = {
        node_id: (observations, related)
        for node_id, observations, related in period.entries.filter(node__is_leaf=True)
        .order_by()
        .values_list("node_id", "observations", "related_information")
    }
    figures = defaultdict(list)
    leaf_figures = (
        Figure.objects.filter(entry__period=period, entry__node__is_leaf=True)
        .annotate(node_id=F("entry__node_id"))
        .order_by("node_id", "position", "pk")
    )
    for figure in leaf_figures:
        figures[figure.node_id].append(figure)

    header = [
        PERIOD_COLUMN,
        *plan_header,
        OBSERVATIONS_COLUMN,
        FIGURES_COLUMN,
        TOTAL_COLUMN,
        WOMEN_COLUMN,
        MEN_COLUMN,
        RELATED_COLUMN,
    ]
    rows, records = [], []
    for plan_row, leaf in zip(plan_rows, leaves, strict=True):
        observations, related = texts.get(leaf.pk, ("", ""))
        own = figures.get(leaf.pk, [])
        split = [figure for figure in own if figure.women is not None or figure.men is not None]
        totals = [
            _sum([figure.value for figure in split]),
            _sum([figure.women for figure in split]),
            _sum([figure.men for figure in split]),
        ]
        row = [
            period.label,
            *plan_row,
            plain_text(observations),
            "\n".join(figure_text(figure) for figure in own),
            *totals,
            plain_text(related),
        ]
        rows.append(row)
        record = {column: _json_value(value) for column, value in zip(header, row, strict=True)}
        record[FIGURES_COLUMN] = [
            {
                "concepte": figure.label,
                "valor": _json_value(figure.value),
                "unitat": figure.unit,
                "dones": _json_value(figure.women),
                "homes": _json_value(figure.men),
            }
            for figure in own
        ]
        records.append(record)
    return header, rows, records
