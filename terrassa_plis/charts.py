"""Charts drawn on the server as SVG: they need no JavaScript and print in the PDFs.

Every chart is an <svg role="img"> with a <title> and <desc> for screen readers;
pages also show the figures as a table. Only presentation attributes are used
(no style attributes), so the Content-Security-Policy needs no 'unsafe-inline'.

The SVG has no viewBox: its units are CSS pixels, so its text keeps its size (12 px,
WCAG 1.4.4 and 1.4.10) however wide the chart is drawn, from a 320 px phone to a
desktop or a PDF. Only lengths across the chart are percentages of its width: the bars
grow with it, the text does not shrink with it. Labels are wrapped on the server into
lines short enough for the narrowest chart (a 320 px screen), values written after
them, and each bar drawn under its label across the whole width.
"""

from dataclasses import dataclass
from html import escape as html_escape

from django.utils.safestring import SafeString, mark_safe

from terrassa_plis import palette
from terrassa_plis.formatting import number

FONT_SIZE = 12
LINE_HEIGHT = 15
BAR_HEIGHT = 9
ROW_GAP = 6
# The narrowest a chart is drawn (a 320 px screen less the page's margins), and how
# wide a character of DejaVu Sans at FONT_SIZE is at most on average: what labels are
# wrapped to.
NARROWEST = 270
CHARACTER_WIDTH = 7.5
LINE_CHARACTERS = int(NARROWEST / CHARACTER_WIDTH)
VALUE_GAP = 8


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


def label_lines(label: str, characters: int = LINE_CHARACTERS) -> list[str]:
    """The label cut between words into lines of at most `characters` (a word longer
    than that keeps a line of its own)."""
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= characters:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    unit: str = "",
    max_value: float | None = None,
    decimals: int = 0,
    chart_id: str = "chart",
) -> SafeString:
    """Horizontal bars, one per row: the label, then its value (on the label's last
    line when both fit), and the bar under them."""
    scale_max = max_value or max((bar.value for bar in bars), default=0) or 1
    suffix = f"\u00a0{unit}" if unit else ""
    chart_id = _escape(chart_id)
    ink = palette.colour("ink")
    rows = []
    y = 0
    for bar in bars:
        value_text = f"{number(bar.value, decimals)}{suffix}"
        if bar.note:
            value_text += f" ({bar.note})"
        value = f'font-weight="700">{_escape(value_text)}</tspan>'
        label = label_lines(bar.label)
        lines = [_escape(line) for line in label]
        if label[-1] and len(label[-1]) + 1 + len(value_text) <= LINE_CHARACTERS:
            lines[-1] += f'<tspan dx="{VALUE_GAP}" {value}'
        else:
            lines.append(f"<tspan {value}")
        for line in lines:
            y += LINE_HEIGHT
            rows.append(
                f'<text x="0" y="{y - 3}" font-size="{FONT_SIZE}" fill="{ink}">{line}</text>'
            )
        length = 100 * max(0.0, min(bar.value / scale_max, 1.0))
        rows.append(
            f'<rect x="0" y="{y}" width="{length:.2f}%" height="{BAR_HEIGHT}" '
            f'fill="{_escape(_fill(bar.colour))}" rx="2"/>'
        )
        y += BAR_HEIGHT + ROW_GAP
    height = max(y, LINE_HEIGHT + BAR_HEIGHT + ROW_GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="100%" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'font-family="DejaVu Sans, sans-serif">',
        f'<title id="{chart_id}-title">{_escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{_escape(description or title)}</desc>',
        *rows,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text was escaped above
