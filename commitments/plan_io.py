"""The Mandate Plan as a table: the columns that the list exports and the import reads.

One set of columns goes both ways, so a sheet downloaded from the list, edited in a
spreadsheet program and imported again updates the plan:

    Nivell | Codi | Codi superior | Text | Àrea | Servei | ODS  (+ Estat | % execució)

The level and the code are the key: a row updates the mandate's node of that level
with that code, or creates it. Codes are unique within a level, not across levels
(priority 2 and commitment 2 both exist), so «Codi superior» names a node of the
level just above the row's. An import is validated whole before anything is written,
and written in one transaction, so a file with one bad row changes nothing. The
headers are the file format and are not translated.

Codes are text, not numbers: a spreadsheet that takes `61.10` for a number keeps
61.1 and would address another action. The export writes every code as a text cell,
so a round trip keeps `61.10`; see docs/import_plan.md for codes typed by hand.

This module holds the columns and the export; `plan_import` reads a table back.
"""

import hashlib
import re
from collections.abc import Iterable

from commitments.figures import FigureTotals, labelled_figure_text
from commitments.models import (
    Figure,
    PlanNode,
    ReportingPeriod,
    Status,
)
from terrassa_plis.formatting import plain_decimal
from terrassa_plis.related import related_codes

LEVEL, CODE, PARENT, TEXT, AREA, SERVICE, SDGS = PLAN_COLUMNS = [
    "Nivell",
    "Codi",
    "Codi superior",
    "Text",
    "Àrea",
    "Servei",
    "ODS",
]
FIGURES, FIGURES_TOTAL, FIGURES_WOMEN, FIGURES_MEN = FIGURE_COLUMNS = [
    "Xifres",
    "Xifres: total",
    "Xifres: dones",
    "Xifres: homes",
]
# What the period reported, for reading: the import leaves these columns alone.
EXPORT_ONLY_COLUMNS = ["Estat", "% execució", *FIGURE_COLUMNS]
RELATED = "Relacionats"
"""The items of other instruments related to the node, by code (`relations.targets`:
«CC-4» a commitment and «IND-12» an indicator of a service charter, «PLIS-1.2.1» a PLIS
action), separated by
commas. Optional: a file without it leaves the relations as they are; an empty cell
removes them. Not covered by «Versió»."""
VERSION = "Versió"
"""The last column of the list's own downloads: the node and a digest of each column the
import may change (`EDITABLE_COLUMNS`) as exported, so that an import can refuse to undo
what someone changed in the app since the file was made."""
EDITABLE_COLUMNS = [PARENT, TEXT, AREA, SERVICE, SDGS]
VERSION_CELL = re.compile(rf"^n(\d+)((?:-[0-9a-f]{{6}}){{{len(EDITABLE_COLUMNS)}}})$")


def format_sdgs(sdgs) -> str:
    return ", ".join(str(goal) for goal in sdgs)


def export_table(
    nodes: Iterable[PlanNode], period: ReportingPeriod | None, *, with_version: bool = False
) -> tuple[list[str], list[list]]:
    """Header and rows of `nodes`, with each node's status, progress and figures in `period`.

    Nodes come from `PlanNodeQuerySet.with_entry_for(period)`; with level, parent,
    area and service selected, this costs one query for the nodes, one for the
    mandate's status labels and one for the period's figures. «Xifres» prints a leaf's
    figures as the balance does; the totals add up the figures with a women/men split
    (`commitments.figures`), of the leaf or of every leaf under an upper level. With
    `with_version`, «Versió» last (`version_cell`), for a file to be edited and imported.
    «Relacionats» (before it) holds each node's related codes, one more query, when an
    app keeps relations (`terrassa_plis.related`).
    """
    nodes = list(nodes)
    codec = related_codes("commitments.PlanNode")
    codes = codec.codes_for([node.pk for node in nodes]) if codec and nodes else {}
    labels = {}
    figures = _PeriodFigures()
    if period is not None and nodes:
        labels = dict(
            Status.objects.filter(mandate_id=period.mandate_id).values_list("id", "label")
        )
        figures = _PeriodFigures(
            Figure.objects.filter(entry__period=period)
            .order_by("entry__node__path", "position", "pk")
            .values_list("entry__node__path", "label", "value", "unit", "women", "men")
        )
    rows = []
    for node in nodes:
        status_id = getattr(node, "period_status_id", None) if period is not None else None
        progress = getattr(node, "period_progress", None) if period is not None else None
        totals = figures.totals(node.path)
        rows.append(
            [
                node.level.name,
                # Text, never a number: `xlsx_export` writes a str as a text cell, so
                # 61.10 stays 61.10 (a number would come back as 61.1).
                str(node.code),
                node.parent.code if node.parent_id else "",
                node.text,
                node.area.name if node.area_id else "",
                node.service.name if node.service_id else "",
                format_sdgs(node.sdgs),
                labels.get(status_id, ""),
                progress,
                figures.text(node.path),
                *_totals_cells(totals),
                *([", ".join(codes.get(node.pk, []))] if codec else []),
                *([version_cell(node)] if with_version else []),
            ]
        )
    header = PLAN_COLUMNS + EXPORT_ONLY_COLUMNS + ([RELATED] if codec else [])
    return header + ([VERSION] if with_version else []), rows


def cell_digest(value: str) -> str:
    # Six hex digits per cell: enough to tell that one cell changed.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:6]


def editable_values(node: PlanNode, parent_code: str) -> list[str]:
    """What `EDITABLE_COLUMNS` hold for `node`, independent of names typed otherwise."""
    return [
        parent_code,
        node.text,
        str(node.area_id or ""),
        str(node.service_id or ""),
        format_sdgs(sorted(node.sdgs)),
    ]


def version_cell(node: PlanNode) -> str:
    """«n42-1a2b3c-…»: the node and the digest of each editable cell as exported."""
    parent_code = node.parent.code if node.parent_id else ""
    digests = "-".join(cell_digest(value) for value in editable_values(node, parent_code))
    return f"n{node.pk}-{digests}"


def _totals_cells(totals: FigureTotals) -> tuple:
    """Total, women and men as cells; empty where no figure has a split."""
    if not totals.count:
        return (None, None, None)
    return tuple(plain_decimal(value) for value in (totals.total, totals.women, totals.men))


class _PeriodFigures:
    """A period's figures by the path of their leaf: the printed line of a leaf and the
    totals of any node (its own figures, or those of every leaf under it)."""

    def __init__(self, rows=()):
        self._lines: dict[str, list[str]] = {}
        self._totals: dict[str, FigureTotals] = {}
        for path, label, value, unit, women, men in rows:
            self._lines.setdefault(path, []).append(
                labelled_figure_text(label, value, unit, women, men)
            )
            own = FigureTotals.of(value, women, men)
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                prefix = "/".join(parts[:i])
                self._totals[prefix] = self._totals.get(prefix, FigureTotals()) + own

    def text(self, path: str) -> str:
        return "; ".join(self._lines.get(path, []))

    def totals(self, path: str) -> FigureTotals:
        return self._totals.get(path, FigureTotals())
