"""Charts drawn on the server as SVG: they need no JavaScript and print in the PDFs.

Every chart is an <svg role="img"> with a <title> and <desc> for screen readers;
pages also show the figures as a table. Only presentation attributes are used
(no style attributes), so the Content-Security-Policy needs no 'unsafe-inline'.
"""

from dataclasses import dataclass
from html import escape as html_escape

from django.utils.safestring import SafeString, mark_safe

from terrassa_plis import palette
from terrassa_plis.formatting import number


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # A name of the palette (`terrassa_plis.palette`) or a colour; the plain bar by default.
    colour: str = "chart-bar"
    note: str = ""


def _escape(value) -> str:
    """Escape for an attribute value as well as for text: quotes included."""
    return html_escape(str(value), quote=True)


def _fill(colour: str) -> str:
    return colour if colour.startswith("#") else palette.colour(colour)


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    max_value: float | None = None,
    width: int = 640,
    decimals: int = 0,
    chart_id: str = "chart",
) -> SafeString:
    """Horizontal bars, one per row, with the label above the bar and the value after it."""
    row_height, bar_height, label_height = 38, 16, 14
    top = 4
    height = top + row_height * max(len(bars), 1)
    label_x, bar_x = 0, 0
    value_room = 90
    scale_max = max_value or max((bar.value for bar in bars), default=0) or 1
    usable = width - bar_x - value_room
    chart_id = _escape(chart_id)
    ink = palette.colour("ink")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<title id="{chart_id}-title">{_escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{_escape(description or title)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row_height
        length = max(0.0, usable * (bar.value / scale_max))
        suffix = f"\u00a0{unit}" if unit else ""
        value_text = f"{number(bar.value, decimals)}{suffix}"
        if bar.note:
            value_text += f" ({bar.note})"
        parts.append(
            f'<text x="{label_x}" y="{y + label_height - 2}" font-size="12" fill="{ink}">'
            f"{_escape(bar.label)}</text>"
        )
        parts.append(
            f'<rect x="{bar_x}" y="{y + label_height + 2}" width="{length:.1f}" '
            f'height="{bar_height}" fill="{_escape(_fill(bar.colour))}" rx="2"/>'
        )
        parts.append(
            f'<text x="{bar_x + length + 6:.1f}" y="{y + label_height + bar_height - 1}" '
            f'font-size="12" fill="{ink}">{_escape(value_text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text was escaped above
