"""The charters' yearly follow-up document: a charter's, or every charter's of a year.

`build_report` makes the whole context of a follow-up document once, in a fixed
number of queries whatever the number of charters and indicators: the page and the
PDF render the same `Report` through the same template partial. Every figure comes
from `followup` (and so from `compliance`); here the rows are only arranged into
cells, sections and summaries, so the templates have nothing to compute.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.utils.text import slugify
from django.utils.translation import gettext

from service_charters import followup
from service_charters.bands import BAND_LABELS, SummaryView, band_css, summary_view
from service_charters.compliance import Band
from service_charters.followup import FollowUpRow
from service_charters.models import Charter

# Positions in followup.COLUMNS.
_MERGED_COLUMNS = {0: "offered_service", 1: "objective", 2: "commitment"}
_INDICATOR_COLUMN = 3
_NUMBER_COLUMNS = {4, 5, 6, 7}
_COMPLIANCE_COLUMN = 7


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    number: bool = False
    band: Band | None = None
    indicator_id: int | None = None  # the indicator's name links to its page
    repeated: bool = False
    """A merged cell shown again at the top of a printed block: the block may start a page."""

    @property
    def css_class(self) -> str:
        classes = []
        if self.number:
            classes.append("number")
        if self.band is not None:
            classes.append(f"band {band_css(self.band)}")
        if self.repeated:
            classes.append("followup-table__repeated")
        return " ".join(classes)

    @property
    def band_label(self) -> str:
        """The band named after the figure; empty when there is no figure, since the cell
        then already reads «No avaluat»."""
        if self.band is None or self.band == Band.NOT_ASSESSED:
            return ""
        return str(BAND_LABELS[self.band])


@dataclass(frozen=True)
class Line:
    """One indicator's row of the table, less the cells merged into the row above."""

    row: FollowUpRow
    cells: list[Cell]


def table_lines(rows: Sequence[FollowUpRow]) -> list[Line]:
    lines = []
    for row, spans in zip(rows, followup.row_spans(list(rows)), strict=True):
        cells = []
        for index, text in enumerate(row.cells()):
            span = spans[_MERGED_COLUMNS[index]] if index in _MERGED_COLUMNS else 1
            if span == 0:
                continue
            cells.append(
                Cell(
                    text=str(text),
                    rowspan=span,
                    number=index in _NUMBER_COLUMNS,
                    band=row.band if index == _COMPLIANCE_COLUMN else None,
                    indicator_id=row.indicator.pk if index == _INDICATOR_COLUMN else None,
                )
            )
        lines.append(Line(row, cells))
    return lines


# A printed block longer than this is cut: however long an objective, each piece of it
# then fits on a page and so shows its objective and commitment.
MAX_BLOCK_ROWS = 6


def printed_blocks(rows: Sequence[FollowUpRow]) -> list[list[Line]]:
    """The table's rows as the PDF prints them: in blocks that are kept on one page.

    A block is an objective's rows (cut every MAX_BLOCK_ROWS rows), its merged cells
    spanning the block only. A PDF reader cannot see a cell merged from the previous
    page, so each block shows again the offered service, objective and commitment it
    continues: a page break falls only between blocks, and every page reads whole.
    """
    objective_of = followup.MERGED_CELLS["objective"]
    blocks: list[list[FollowUpRow]] = []
    for row in rows:
        if (
            not blocks
            or objective_of(blocks[-1][-1]) != objective_of(row)
            or len(blocks[-1]) >= MAX_BLOCK_ROWS
        ):
            blocks.append([])
        blocks[-1].append(row)
    printed = []
    previous = None
    for block in blocks:
        lines = table_lines(block)
        if previous is not None:
            first = lines[0]
            cells = [
                replace(cell, repeated=identity(previous) == identity(first.row))
                for cell, identity in zip(first.cells, followup.MERGED_CELLS.values(), strict=False)
            ]
            lines[0] = Line(first.row, cells + first.cells[len(cells) :])
        printed.append(lines)
        previous = block[-1]
    return printed


@dataclass(frozen=True)
class CharterSection:
    charter: Charter
    year: int
    lines: list[Line]
    summary: SummaryView

    @property
    def blocks(self) -> list[list[Line]]:
        """The rows in printed blocks (`printed_blocks`), for the PDF."""
        return printed_blocks([line.row for line in self.lines])

    @property
    def service_label(self) -> str:
        """«SOLIDARITAT I COOPERACIÓ INTERNACIONAL», as the table's header prints it."""
        return self.charter.service.short_name().upper()

    @property
    def heading(self) -> str:
        return gettext("SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS %(year)s") % {
            "year": self.year
        }

    @property
    def period_label(self) -> str:
        return gettext("Gener - Desembre %(year)s") % {"year": self.year}


def follow_up_title(year: int, charter: Charter | None = None) -> str:
    """«Seguiment de les cartes de serveis 2021», and « · <servei>» for one charter."""
    title = gettext("Seguiment de les cartes de serveis %(year)s") % {"year": year}
    if charter is not None:
        title += f" · {charter.service.short_name()}"
    return title


@dataclass(frozen=True)
class Report:
    year: int
    charter: Charter | None  # None: every charter in force in the year
    sections: list[CharterSection]
    overall: SummaryView
    by_service: list[SummaryView] = field(default_factory=list)

    @property
    def is_year_report(self) -> bool:
        return self.charter is None

    @property
    def title(self) -> str:
        return follow_up_title(self.year, self.charter)

    @property
    def running_header(self) -> str:
        return self.title

    @property
    def columns(self) -> list[str]:
        return followup.COLUMNS

    @property
    def pdf_filename(self) -> str:
        if self.charter is None:
            stem = gettext("seguiment cartes de serveis %(year)s") % {"year": self.year}
        else:
            stem = gettext("seguiment %(service)s %(year)s") % {
                "service": self.charter.service.short_name(),
                "year": self.year,
            }
        return f"{slugify(stem)}.pdf"


def build_report(year: int, *, charter: Charter | None = None) -> Report:
    """The follow-up of `charter` for `year`, or of every charter in force that year.

    Queries, whatever the number of charters and indicators: the charters (year
    report only; a given charter needs none if its service was selected with it), the
    indicators with their tree and the year's measurements (followup.load_rows).
    """
    if charter is None:
        charters = list(Charter.objects.in_force(year).in_printed_order())
    else:
        charters = [charter]
    rows = followup.load_rows(charters, year) if charters else []
    rows_by_charter = followup.rows_by_charter(charters, rows)

    sections = [
        CharterSection(
            charter=item,
            year=year,
            lines=table_lines(rows_by_charter[item.pk]),
            summary=summary_view(followup.summarise(rows_by_charter[item.pk], item.title)),
        )
        for item in charters
    ]
    overall_label = gettext("Totes les cartes") if charter is None else charter.title
    overall = summary_view(followup.summarise(rows, overall_label), chart_id=f"report-chart-{year}")
    by_service = (
        [summary_view(summary) for summary in followup.summaries_by_service(rows)]
        if charter is None
        else []
    )
    return Report(
        year=year, charter=charter, sections=sections, overall=overall, by_service=by_service
    )
