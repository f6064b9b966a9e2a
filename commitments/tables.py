"""The commitments list as a sortable, paginated table."""

import django_tables2 as tables
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from terrassa_plis.templatetags.plis import percent

TEXT_LENGTH = 160
PER_PAGE = 50


class CommitmentTable(tables.Table):
    # Codes sort naturally (2 < 10 < 21) by the materialised path, not as text.
    code = tables.Column(
        verbose_name=_("Codi"),
        order_by=("path",),
        linkify=("commitments:detail", {"pk": tables.A("pk")}),
    )
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
    )

    class Meta:
        empty_text = _("Cap compromís no coincideix amb aquests filtres.")
        order_by = ("code",)

    def __init__(self, data, *, statuses, show_progress, **kwargs):
        """`statuses` maps every status id of the mandate to its Status, loaded once."""
        # A mandate has a handful of statuses: render each mark once, not once a row.
        template = get_template("commitments/_status.html")
        self._status_marks = {
            status_id: template.render({"status": status})
            for status_id, status in [*statuses.items(), (None, None)]
        }
        exclude = () if show_progress else ("progress",)
        super().__init__(data, exclude=exclude, **kwargs)

    def render_text(self, value):
        # Plain slicing: Truncator weighs every character, a cost on each of 50 rows.
        if len(value) <= TEXT_LENGTH:
            return value
        return value[: TEXT_LENGTH - 1].rstrip() + "…"

    def render_area(self, value):
        return value.name

    def render_status(self, value):
        return self._status_marks.get(value, self._status_marks[None])

    def render_progress(self, value):
        return percent(value)
