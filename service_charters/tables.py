"""The charters index as a sortable table, paginated by PER_PAGE charters: the counts of
commitments per band are worked out for the charters of the page only."""

from collections.abc import Callable
from functools import cached_property

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from service_charters.bands import BAND_PLURALS, band_css
from service_charters.charters_index import band_counts_by_charter
from service_charters.compliance import Band
from service_charters.models import Charter
from terrassa_plis.formatting import day, number
from terrassa_plis.tables import LeanTable

NUMBER = {"th": {"class": "number"}}


def _date_cell(value):
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), day(value))


class BandCountColumn(tables.Column):
    """A charter's count of commitments in one band, read from the page's counts
    (`CharterTable.band_counts`)."""

    def __init__(self, band: Band):
        self.band = band
        super().__init__(
            verbose_name=BAND_PLURALS[band],
            accessor="pk",
            orderable=False,
            attrs={**NUMBER, "td": {"class": f"number {band_css(band)}-count"}},
        )

    def render(self, value, table):
        return number(table.band_counts[value][self.band])


class CharterTable(LeanTable):
    """The charters in force in `year` (a QuerySet, in the printed order by default),
    each with its commitments per band that year and the links to its follow-up, its PDF
    and, for whoever `may_edit` it, its results form."""

    row_header = "title"

    title = tables.Column(verbose_name=_("Carta de serveis"), order_by=("title", "id"))
    service = tables.Column(
        verbose_name=_("Servei"), accessor="service__name", order_by=("service__name", "id")
    )
    area = tables.Column(
        verbose_name=_("Àrea"),
        accessor="service__area__name",
        order_by=("service__area__name", "service__name", "id"),
    )
    in_force_from = tables.Column(
        verbose_name=_("En vigor des de"), order_by=("in_force_from", "id")
    )
    # No end date: in force until replaced, «—».
    in_force_until = tables.Column(
        verbose_name=_("En vigor fins a"), order_by=("in_force_until", "id"), default="—"
    )
    met = BandCountColumn(Band.MET)
    partly_met = BandCountColumn(Band.PARTLY_MET)
    not_met = BandCountColumn(Band.NOT_MET)
    not_assessed = BandCountColumn(Band.NOT_ASSESSED)
    actions = tables.Column(
        verbose_name=_("Accions"), accessor="pk", orderable=False, empty_values=()
    )

    data_columns = ("service", "area")

    class Meta:
        attrs = {"class": "charter-list-table"}
        sequence = (
            "title",
            "service",
            "area",
            "in_force_from",
            "in_force_until",
            "met",
            "partly_met",
            "not_met",
            "not_assessed",
            "actions",
        )

    def __init__(self, charters, *, year: int, may_edit: Callable[[Charter], bool]):
        """`may_edit` is the access guard's answer for one charter."""
        self.year = year
        self.caption = gettext(
            "Cartes de serveis i compromisos per grau de compliment, %(year)s"
        ) % {"year": year}
        self._may_edit = may_edit
        # Each row's links are these with the charter's id put in: one reverse a table.
        self._links = {
            name: reverse(f"service_charters:{name}", args=[0, year]).replace("/0/", "/{}/", 1)
            for name in ("charter_report", "charter_report_pdf", "results_edit")
        }
        self._labels = {
            "charter_report": gettext("Seguiment"),
            "charter_report_pdf": gettext("PDF"),
            "results_edit": gettext("Resultats"),
        }
        super().__init__(
            charters, empty_text=gettext("Encara no hi ha cap carta de serveis."), orderable=True
        )

    @cached_property
    def band_counts(self) -> dict[int, dict[Band, int]]:
        """The commitments per band of the charters of the page (`band_counts_by_charter`),
        so the counting does not grow with the number of charters."""
        rows = self.page.object_list if hasattr(self, "page") else self.rows
        return band_counts_by_charter([row.record.pk for row in rows], self.year)

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', self._links["charter_report"].format(record.pk), value
        )

    def render_in_force_from(self, value):
        return _date_cell(value)

    def render_in_force_until(self, value):
        return _date_cell(value)

    def render_actions(self, value, record):
        names = ["charter_report", "charter_report_pdf"]
        if self._may_edit(record):
            names.append("results_edit")
        items = format_html_join(
            "",
            '<li><a href="{}">{}<span class="visually-hidden"> {}</span></a></li>',
            ((self._links[name].format(value), self._labels[name], record.title) for name in names),
        )
        return format_html('<ul class="charter-list-table__actions">{}</ul>', items)
