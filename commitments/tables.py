"""The commitments list as a sortable, paginated table."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from terrassa_plis.formatting import percent
from terrassa_plis.tables import LeanTable

TEXT_LENGTH = 160
PER_PAGE = 50
NOT_REPORTED = "—"


class ForgivingPaginator(Paginator):
    """A page number out of range or not a number shows the nearest page, not an error.

    Links are shared and bookmarked: page 4 of a list that has since shrunk, or a
    mistyped number, still shows a page of the list.
    """

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            return 1
        return min(max(number, 1), self.num_pages)


class CommitmentTable(LeanTable):
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
        # A mandate has a handful of statuses: render each mark once, not once a row.
        template = get_template("commitments/_status.html")
        self._status_marks = {
            status_id: template.render({"status": status})
            for status_id, status in [*statuses.items(), (None, None)]
        }
        exclude = [] if show_progress else ["progress"]
        if not show_level:
            exclude.append("level")
        super().__init__(data, exclude=exclude, empty_text=empty_text, **kwargs)

    def configure(self, request) -> None:
        """Sort by the request, and paginate always with PER_PAGE rows.

        django-tables2 would also take `per_page` from the query string: a negative
        one fails and a huge one loads the whole plan in one page.
        """
        RequestConfig(request, paginate=False).configure(self)
        self.paginate(
            paginator_class=ForgivingPaginator,
            per_page=PER_PAGE,
            page=request.GET.get(self.prefixed_page_field, 1),
        )

    def render_text(self, value):
        # Plain slicing: Truncator weighs every character, a cost on each of 50 rows.
        if len(value) <= TEXT_LENGTH:
            return value
        return value[: TEXT_LENGTH - 1].rstrip() + "…"

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
