"""The Balanç as open data: one row per commitment of the period's mandate, the same
columns for CSV, XLSX and JSON.

Every download of a balance's data and every published version's open data is built
here, so the columns are the same wherever a reader gets them:

    Període | the plan's export columns (`plan_io.export_table`: Nivell … Estat,
    % execució, Xifres, Xifres: total, Xifres: dones, Xifres: homes, Relacionats) |
    Observacions | Informació relacionada

«Relacionats» names each related charter commitment, indicator and PLIS action by its
code with its title and its figures as the Balanç prints them (`terrassa_plis.related`);
JSON gives them as a list of objects. No address: their pages are the staff's, and this
table is the published open data.

Texts are plain (no Markdown marks; a link reads «text (address)»). «Xifres» and its
totals are the plan export's (`commitments.figures`: the totals add up the figures that
give a women/men split). JSON gives the numbers as numbers and «Xifres» as a list of
figures with their own fields.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F

from commitments.models import Figure, PlanNode, ReportingPeriod
from commitments.plan_io import FIGURES, RELATED, export_table
from terrassa_plis.exports import json_number
from terrassa_plis.related import RelatedItem, related_items
from terrassa_plis.richtext import plain_text

PERIOD_COLUMN = "Període"
OBSERVATIONS_COLUMN = "Observacions"
RELATED_COLUMN = "Informació relacionada"


def _json_value(value):
    """A cell as JSON: numbers as numbers, also those the export writes as text ("374")."""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    return json_number(value)


def balance_table(period: ReportingPeriod) -> tuple[list[str], list[list], list[dict]]:
    """Header, rows (CSV, XLSX) and records (JSON) of the period's balance. Five queries:
    the leaves with their entry's status, the status labels, the figures as the export
    writes them, the entries' texts, the entries' figures for the JSON; and the related
    items: their codes for the export's column (1), then as the Balanç shows them (1 to 3).
    """
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

    related = related_items("commitments.PlanNode", [leaf.pk for leaf in leaves])
    header = [PERIOD_COLUMN, *plan_header, OBSERVATIONS_COLUMN, RELATED_COLUMN]
    related_at = header.index(RELATED) if RELATED in header else None
    numbers = set(plan_header[plan_header.index(FIGURES) + 1 :])
    rows, records = [], []
    for plan_row, leaf in zip(plan_rows, leaves, strict=True):
        observations, related_text = texts.get(leaf.pk, ("", ""))
        row = [period.label, *plan_row, plain_text(observations), plain_text(related_text)]
        items = related.get(leaf.pk, [])
        if related_at is not None:
            row[related_at] = "; ".join(_related_cell(item) for item in items)
        rows.append(row)
        record = {
            column: _json_value(value) if column in numbers or not isinstance(value, str) else value
            for column, value in zip(header, row, strict=True)
        }
        record[FIGURES] = [
            {
                "concepte": figure.label,
                "valor": _json_value(figure.value),
                "unitat": figure.unit,
                "dones": _json_value(figure.women),
                "homes": _json_value(figure.men),
            }
            for figure in figures.get(leaf.pk, [])
        ]
        if related_at is not None:
            record[RELATED] = [
                {
                    "codi": item.code,
                    "tipus": item.kind,
                    "títol": item.title,
                    "àmbit": item.context,
                    "xifres": item.figures,
                    "estat": item.badge,
                }
                for item in items
            ]
        records.append(record)
    return header, rows, records


def _related_cell(item: RelatedItem) -> str:
    """«IND-3 Nombre de cicles realitzats (Carta…): Compliment 2021: 75 %, Assolit
    parcialment»."""
    context = f" ({item.context})" if item.context else ""
    facts = ", ".join(fact for fact in (item.figures, item.badge) if fact)
    return f"{item.code} {item.title}{context}" + (f": {facts}" if facts else "")
