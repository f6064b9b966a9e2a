"""The charters' yearly follow-up report, the charters index and one indicator across years.

`build_report` makes the whole context of a follow-up document once, in a fixed
number of queries whatever the number of charters and indicators: the page and the
PDF render the same `Report` through the same template partial. Every figure comes
from `followup` (and so from `compliance`); here the rows are only arranged into
cells, sections and summaries, so the templates have nothing to compute.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from service_charters import followup
from service_charters.compliance import Band
from service_charters.followup import BAND_LABELS, FollowUpRow, Summary, band_css
from service_charters.models import Charter, Indicator, Measurement, assess_measurement
from terrassa_plis import history
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, person_name
from terrassa_plis.history import HistoryEvent

BAND_COLOURS = {
    Band.MET: "band-met",
    Band.PARTLY_MET: "band-partly-met",
    Band.NOT_MET: "band-not-met",
    Band.NOT_ASSESSED: "band-not-assessed",
}
# Plural labels for counts of commitments («4 assolits»).
BAND_PLURALS = {
    Band.MET: _("Assolits"),
    Band.PARTLY_MET: _("Assolits parcialment"),
    Band.NOT_MET: _("No assolits"),
    Band.NOT_ASSESSED: _("No avaluats"),
}

# Positions in followup.COLUMNS.
_MERGED_COLUMNS = {0: "offered_service", 1: "objective", 2: "commitment"}
_INDICATOR_COLUMN = 3
_NUMBER_COLUMNS = {4, 5, 6, 7}
_COMPLIANCE_COLUMN = 7
# The range of years any charters page, export or import may be asked for: outside it
# a year is a typing mistake, and `date(year, …)` would not even exist.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def check_year(year: int) -> None:
    """Not found, for a year outside the range every charters view accepts."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


@dataclass(frozen=True)
class BandFigure:
    band: Band
    label: str
    plural: str
    count: int
    share: Decimal
    share_text: str
    colour: str

    @property
    def css_class(self) -> str:
        return band_css(self.band)


@dataclass(frozen=True)
class SummaryView:
    """How many commitments fall in each band, with their shares and a chart."""

    label: str
    total: int
    figures: list[BandFigure]
    chart: SafeString | None = None

    @property
    def shares_text(self) -> str:
        """«82 % / 10 % / 8 % / 0 %»: met, partly met, not met, not assessed."""
        return " / ".join(figure.share_text for figure in self.figures)


def summary_view(summary: Summary, *, chart_id: str | None = None) -> SummaryView:
    figures = [
        BandFigure(
            band=band,
            label=str(BAND_LABELS[band]),
            plural=str(BAND_PLURALS[band]),
            count=summary.counts[band],
            share=summary.shares[band],
            share_text=percent(summary.shares[band]),
            colour=BAND_COLOURS[band],
        )
        for band in Band
    ]
    chart = None
    if chart_id is not None:
        chart = bar_chart(
            [
                Bar(figure.plural, figure.count, figure.colour, figure.share_text)
                for figure in figures
            ],
            title=gettext("Grau de compliment dels compromisos: %(label)s")
            % {"label": summary.label},
            description=gettext("%(total)s compromisos per grau de compliment: %(figures)s.")
            % {
                "total": summary.total,
                "figures": ", ".join(
                    f"{figure.count} {figure.plural.lower()} ({figure.share_text})"
                    for figure in figures
                ),
            },
            max_value=max(summary.total, 1),
            chart_id=chart_id,
        )
    return SummaryView(label=summary.label, total=summary.total, figures=figures, chart=chart)


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    number: bool = False
    band: Band | None = None
    indicator_id: int | None = None  # the indicator's name links to its page

    @property
    def css_class(self) -> str:
        classes = []
        if self.number:
            classes.append("number")
        if self.band is not None:
            classes.append(f"band {band_css(self.band)}")
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


@dataclass(frozen=True)
class CharterSection:
    charter: Charter
    year: int
    lines: list[Line]
    summary: SummaryView

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
        title = gettext("Seguiment de les cartes de serveis %(year)s") % {"year": self.year}
        if self.charter is not None:
            title += f" · {self.charter.service.short_name()}"
        return title

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
        charters = list(
            Charter.objects.in_force(year)
            .select_related("service__area")
            .order_by("service__name", "id")
        )
    else:
        charters = [charter]
    rows = followup.load_rows(charters, year) if charters else []
    rows_by_charter: dict[int, list[FollowUpRow]] = {item.pk: [] for item in charters}
    for row in rows:
        rows_by_charter[row.charter.pk].append(row)

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


# The charters index


def available_years() -> list[int]:
    """Years with any measurement, newest first; one query."""
    return list(Measurement.objects.order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class CharterOverview:
    charter: Charter
    summary: SummaryView
    may_edit: bool


def charter_overview(year: int, *, may_edit: Callable[[Charter], bool]) -> list[CharterOverview]:
    """Every charter in force in `year` with its commitments per band.

    Three queries whatever the number of charters: the charters, then their rows of the
    year (followup.load_rows), grouped here. `may_edit` is the access guard's answer.
    """
    charters = list(
        Charter.objects.in_force(year)
        .select_related("service__area")
        .order_by("service__name", "id")
    )
    rows = followup.load_rows(charters, year) if charters else []
    rows_by_charter: dict[int, list[FollowUpRow]] = {charter.pk: [] for charter in charters}
    for row in rows:
        rows_by_charter[row.charter.pk].append(row)
    return [
        CharterOverview(
            charter=charter,
            summary=summary_view(followup.summarise(rows_by_charter[charter.pk], charter.title)),
            may_edit=may_edit(charter),
        )
        for charter in charters
    ]


# One indicator across years


@dataclass(frozen=True)
class YearResult:
    year: int
    result: str
    difference: str
    compliance: str
    band: Band
    observations: str
    compliance_value: Decimal | None

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    @property
    def css_class(self) -> str:
        return f"band {band_css(self.band)}"


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    results: list[YearResult]
    chart: SafeString | None
    history: list[HistoryEvent]

    @property
    def charter(self) -> Charter:
        return self.indicator.commitment.objective.offered_service.charter

    @property
    def path(self) -> list[str]:
        commitment = self.indicator.commitment
        objective = commitment.objective
        return [self.charter.title, objective.text, commitment.text]

    @property
    def target_kind_label(self) -> str:
        return self.indicator.get_target_kind_display()


MEASUREMENT_FIELDS = [
    "year",
    "result",
    "not_applicable",
    "not_applicable_reason",
    "observations",
    "shortfall_causes",
    "improvement_actions",
    "improvement_due",
]
INDICATOR_FIELDS = ["name", "target_kind", "target_value", "target_text", "unit", "periodicity"]
MEASUREMENT_EVENTS = {
    "+": _("Creat el resultat de %(year)s"),
    "~": _("Modificat el resultat de %(year)s"),
    "-": _("Esborrat el resultat de %(year)s"),
}
INDICATOR_EVENTS = {
    "+": _("Creat l'indicador"),
    "~": _("Modificat l'indicador"),
    "-": _("Esborrat l'indicador"),
}


def build_indicator_page(indicator: Indicator) -> IndicatorPage:
    """The indicator's results of every year and their history, with the indicator's own
    changes; three queries.

    `indicator` must come with its commitment, objective, offered service, charter
    and service selected.
    """
    commitment = indicator.commitment
    results = []
    for measurement in indicator.measurements.order_by("year"):
        row = FollowUpRow(
            charter=commitment.objective.offered_service.charter,
            offered_service=commitment.objective.offered_service,
            objective=commitment.objective,
            commitment=commitment,
            indicator=indicator,
            measurement=measurement,
            assessment=assess_measurement(indicator, measurement),
        )
        results.append(
            YearResult(
                year=measurement.year,
                result=row.result_text,
                difference=row.difference_text,
                compliance=row.compliance_text,
                band=row.band,
                observations=row.observations_text,
                compliance_value=row.assessment.compliance,
            )
        )
    return IndicatorPage(
        indicator=indicator,
        results=results,
        chart=_compliance_chart(indicator, results),
        history=indicator_history(indicator),
    )


def _compliance_chart(indicator, results: list[YearResult]) -> SafeString | None:
    if not results:
        return None
    bars = []
    not_assessed = []
    for result in results:
        compliance = result.compliance_value
        if compliance is None:
            not_assessed.append(str(result.year))
            bars.append(
                Bar(str(result.year), 0, BAND_COLOURS[Band.NOT_ASSESSED], result.band_label.lower())
            )
        else:
            bars.append(Bar(str(result.year), float(compliance), BAND_COLOURS[result.band]))
    description = gettext("Grau de compliment de cada any, de 0 a 100 %%: %(years)s.") % {
        "years": "; ".join(f"{result.year}: {result.compliance.lower()}" for result in results)
    }
    if not_assessed:
        description += " " + gettext("Anys no avaluats: %(years)s.") % {
            "years": ", ".join(not_assessed)
        }
    return bar_chart(
        bars,
        title=gettext("Grau de compliment per any: %(name)s") % {"name": indicator.name},
        description=description,
        unit="%",
        max_value=100,
        chart_id=f"indicator-{indicator.pk}-chart",
    )


def _saved_by(record) -> str:
    """Who saved a record: its history's user, or else the result's editor."""
    return person_name(record.history_user or getattr(record, "updated_by", None))


def _measurement_fields(indicator: Indicator) -> list[history.Field]:
    def result(record) -> str:
        if record.result is None:
            return history.EMPTY
        return followup.format_value(indicator, record.result)

    fields = history.model_fields(Measurement, MEASUREMENT_FIELDS, result=result)
    # A creation or a deletion lists its values less the year, which its event names.
    return [replace(field, listed_alone=field.name != "year") for field in fields]


def indicator_history(indicator: Indicator) -> list[HistoryEvent]:
    """Who changed which field of the indicator or of its results, newest first; the
    results deleted too.

    Two queries, the indicator's records and its results' records, each diffed here
    against the one before it of the same object (terrassa_plis.history), rather than
    asking each record for its predecessor (a query per record).
    """
    measurement_records = Measurement.history.filter(indicator_id=indicator.pk).select_related(
        "history_user", "updated_by"
    )
    indicator_records = Indicator.history.filter(id=indicator.pk).select_related("history_user")
    events = [
        replace(row, summary=str(MEASUREMENT_EVENTS[row.kind]) % {"year": row.record.year})
        for row in history.history_rows(
            measurement_records, _measurement_fields(indicator), who=_saved_by
        )
    ]
    events += [
        replace(row, summary=str(INDICATOR_EVENTS[row.kind]))
        for row in history.history_rows(
            indicator_records, history.model_fields(Indicator, INDICATOR_FIELDS), who=_saved_by
        )
    ]
    # The records' ids order the events saved within the same instant.
    return sorted(events, key=lambda event: (event.when, event.record.history_id), reverse=True)
