"""The commitments list and a technician's worklists as sortable, paginated tables."""

import django_tables2 as tables
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from terrassa_plis.formatting import percent
from terrassa_plis.tables import LeanTable, paginate_always

TEXT_LENGTH = 160
NOT_REPORTED = "—"


def status_marks(statuses) -> dict:
    """Each status's mark and label (commitments/_status.html) by status id, and «Sense
    seguiment» under None: a mandate has a handful of statuses, rendered once, not once a
    row."""
    template = get_template("commitments/_status.html")
    return {
        status_id: template.render({"status": status})
        for status_id, status in [*statuses.items(), (None, None)]
    }


def shortened(text: str) -> str:
    """A node's text cut to TEXT_LENGTH characters.

    Plain slicing: Truncator weighs every character, a cost on each of 50 rows.
    """
    if len(text) <= TEXT_LENGTH:
        return text
    return text[: TEXT_LENGTH - 1].rstrip() + "…"


class CommitmentTable(LeanTable):
    row_header = "code"
    # Codes sort naturally (2 < 10 < 21) by the materialised path, not as text.
    code = tables.Column(
        verbose_name=_("Codi"),
        order_by=("path",),
        linkify=("commitments:detail", {"pk": tables.A("pk")}),
    )
    # Shown only with every level listed, where «Prioritat 2» and «Compromís 2» share a code.
    level = tables.Column(verbose_name=_("Nivell"), order_by=("level__depth", "path"))
    text = tables.Column(verbose_name=_("Text"))
    area = tables.Column(verbose_name=_("Àrea responsable"), order_by=("area__number",))
    status = tables.Column(
        verbose_name=_("Estat"),
        accessor="period_status_id",
        order_by=("period_status_position",),
        # A node without an entry still shows «Sense seguiment».
        empty_values=(),
    )
    progress = tables.Column(
        verbose_name=_("% execució"),
        accessor="period_progress",
        attrs={"th": {"class": "number"}, "td": {"class": "number"}},
        # An upper level has no entry: it still shows its leaves' mean.
        empty_values=(),
    )

    # The status column's marks say their language themselves (commitments/_status.html).
    data_columns = ("level", "text", "area")

    class Meta:
        order_by = ("code",)
        sequence = ("code", "level", "text", "area", "status", "progress")

    def __init__(
        self,
        data,
        *,
        statuses,
        show_progress,
        show_level=False,
        empty_text=None,
        caption="",
        rolled_up_progress=None,
        **kwargs,
    ):
        """`statuses` maps every status id of the mandate to its Status, loaded once;
        `empty_text` names the listed level (`CommitmentFilter.empty_text`), `caption` what
        the table lists (`CommitmentFilter.caption`);
        `rolled_up_progress` is the average progress of every upper level by node id
        (`EntryQuerySet.progress_by_node`), shown where a node has no entry of its own."""
        self._rolled_up_progress = rolled_up_progress or {}
        self.caption = caption
        self._status_marks = status_marks(statuses)
        exclude = [] if show_progress else ["progress"]
        if not show_level:
            exclude.append("level")
        super().__init__(data, exclude=exclude, empty_text=empty_text, **kwargs)

    def configure(self, request) -> None:
        paginate_always(self, request)

    def render_text(self, value):
        return shortened(value)

    def render_level(self, value):
        return value.name

    def render_area(self, value):
        return value.name

    def render_status(self, value, record):
        # Only leaves report: an upper level has no status of its own.
        if not record.is_leaf:
            return NOT_REPORTED
        return self._status_marks.get(value, self._status_marks[None])

    def render_progress(self, value, record):
        if not record.is_leaf:
            # An upper level reports nothing itself: it shows the mean of its leaves.
            return percent(self._rolled_up_progress.get(record.pk))
        return percent(value)


class HiddenHeaderColumn(tables.Column):
    """A column whose header is for screen readers only (a column of buttons)."""

    @property
    def header(self):
        return format_html('<span class="visually-hidden">{}</span>', self.verbose_name)


class WorklistTable(LeanTable):
    """The leaves of a technician's worklist (`worklist.Worklist`) in one open period that
    still lack their entry, or, with `filled`, that have it: each with the button that
    opens its entry form. A QuerySet in the plan's order (`Worklist.missing`/`filled`),
    sorted by the column headers and sliced in the database, with its own query-string
    `prefix` (a page has two tables per open period)."""

    row_header = "code"
    code = tables.Column(verbose_name=_("Codi"), order_by=("path",))
    text = tables.Column(verbose_name=_("Text"), orderable=False)
    area = tables.Column(
        verbose_name=_("Àrea responsable"), order_by=("area__number", "path"), empty_values=()
    )
    status = tables.Column(
        verbose_name=_("Estat de compliment"),
        accessor="period_status_id",
        order_by=("period_status_position", "path"),
    )
    action = HiddenHeaderColumn(
        verbose_name=_("Acció"), accessor="pk", orderable=False, empty_values=()
    )

    data_columns = ("code", "text", "area")
    # A to-do list: a page its reader gets through before the next.
    per_page = 20

    class Meta:
        sequence = ("code", "text", "area", "status", "action")

    def __init__(self, nodes, *, period, statuses=None, filled=False, prefix=""):
        """`statuses` maps the mandate's status ids to their Status (`Mandate.status_map`),
        needed for the `filled` table only."""
        # The list still to fill in shows no status: no mark to render.
        self._status_marks = status_marks(statuses) if filled else {}
        # Translated once a table, not once a row.
        self._button = (
            ("button", gettext("Revisa"))
            if filled
            else ("button button--primary", gettext("Omple"))
        )
        # Each row's link is this one with the node's id put in: one reverse a table.
        self._link = reverse("commitments:entry_edit", args=[0, period.pk]).replace(
            "/0/", "/{}/", 1
        )
        super().__init__(nodes, exclude=[] if filled else ["status"], prefix=prefix)

    def render_code(self, value, record):
        return f"{record.level.name} {value}"

    def render_text(self, value):
        return shortened(value)

    def render_area(self, value, record):
        area = value.name if value else "—"
        if record.service_id:
            return format_html("{}<br>{}", area, record.service.name)
        return area

    def render_status(self, value, record):
        mark = self._status_marks.get(value, self._status_marks[None])
        if record.period_progress is None:
            return mark
        return format_html(
            '{} <span class="badge">{}</span>', mark, percent(record.period_progress)
        )

    def render_action(self, value, record):
        css_class, label = self._button
        return format_html(
            '<a class="{}" href="{}">{}<span class="visually-hidden"> {} {}</span></a>',
            css_class,
            self._link.format(value),
            label,
            record.level.name,
            record.code,
        )
