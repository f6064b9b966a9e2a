"""The four bands of compliance as the pages show them: each band's label, plural label,
stylesheet class and palette colour, and the figures of a summary per band.

A band's words, class and colour are defined here and nowhere else; the colours are
palette names (`static/css/palette.css`, resolved by `terrassa_plis.charts`), the
classes those of `static/css/app.css`. Which band a figure falls in is the rule of
`compliance.Assessment.band`, not this module's.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from service_charters.compliance import Band
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent

BAND_LABELS = {
    Band.MET: _("Assolit"),
    Band.PARTLY_MET: _("Assolit parcialment"),
    Band.NOT_MET: _("No assolit"),
    Band.NOT_ASSESSED: _("No avaluat"),
}
# Plural labels for counts of commitments («4 assolits»).
BAND_PLURALS = {
    Band.MET: _("Assolits"),
    Band.PARTLY_MET: _("Assolits parcialment"),
    Band.NOT_MET: _("No assolits"),
    Band.NOT_ASSESSED: _("No avaluats"),
}
# The palette's names (`--band-met` in palette.css) for the charts.
BAND_COLOURS = {
    Band.MET: "band-met",
    Band.PARTLY_MET: "band-partly-met",
    Band.NOT_MET: "band-not-met",
    Band.NOT_ASSESSED: "band-not-assessed",
}


def band_css(band: Band) -> str:
    """The stylesheet's class for a band: «band--partly-met»."""
    return f"band--{band.value.replace('_', '-')}"


@dataclass(frozen=True)
class Summary:
    """How many commitments fall in each band, and their shares (0-100)."""

    label: str
    counts: dict[str, int]
    shares: dict[str, Decimal]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


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
