"""Every text of every chart reads at 12 CSS px or more, on a 320 px phone and on a
desktop (WCAG 1.4.4 and 1.4.10), and stays inside its chart.

The pages are those of the permission matrix that show a chart (the dashboards, the
Balanç, the charters' follow-up, an indicator…), as the administrator gets them, laid
out by Chromium. A text's size is measured as drawn: its font size times the scale
from the SVG's units to the screen's pixels (`getScreenCTM`), so a chart that shrinks
its text with its width fails.
"""

import pytest
from django.db import transaction
from django.test import Client

from tests.accessibility.checkers import WIDTHS, Chromium
from tests.accessibility.test_pages import FILES
from tests.test_permission_matrix import GET, MATRIX, as_persona

pytestmark = pytest.mark.accessibility

PERSONA = "administrator"
SMALLEST = 12

# For every text of every chart: how big it is drawn, and whether it reaches past its
# chart's edges (the SVG clips what does).
MEASURE = r"""() => [...document.querySelectorAll("svg.chart")].flatMap((svg, index) => {
  const chart = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].map((text) => {
    const box = text.getBoundingClientRect();
    const matrix = text.getScreenCTM();
    const scale = Math.sqrt(Math.abs(matrix.a * matrix.d - matrix.b * matrix.c));
    return {
      chart: svg.querySelector("title").textContent,
      index,
      text: text.textContent,
      size: parseFloat(getComputedStyle(text).fontSize) * scale,
      outside: box.left < chart.left - 0.5 || box.right > chart.right + 0.5,
    };
  });
})"""


@pytest.fixture(scope="module")
def chart_pages(seed, django_db_blocker):
    """The URL and answer of every page of the matrix that shows a chart."""
    pages = {}
    with django_db_blocker.unblock(), transaction.atomic():
        client = as_persona(Client(), seed, PERSONA)
        for row in MATRIX:
            if row.method != GET or FILES.search(row.name) or row.name.startswith("admin:"):
                continue
            if row.expected[PERSONA] != 200:
                continue
            url = row.url(seed["ids"])
            response = client.get(url)
            if b'class="chart"' in response.content:
                pages[str(row)] = (url, dict(response.items()), response.content)
        transaction.set_rollback(True)
    return pages


@pytest.fixture(scope="module")
def chromium(browser):
    opened = Chromium(browser)
    yield opened
    opened.close()


def test_the_dashboards_balance_and_follow_up_are_measured(chart_pages):
    names = {name.split("(")[0] for name in chart_pages}
    assert {
        "GET-publication:dashboard",
        "GET-publication:charters_dashboard",
        "GET-publication:plis_dashboard",
        "GET-commitments:balance",
        "GET-service_charters:year_report",
        "GET-service_charters:charter_report",
        "GET-service_charters:indicator_detail",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_text_is_at_least_12_px_and_inside_its_chart(chart_pages, chromium, width):
    measured, small, outside = 0, [], []
    for name, (url, headers, body) in chart_pages.items():
        page = chromium.show(url.split("?")[0], 200, headers, body, width)
        for text in page.evaluate(MEASURE):
            measured += 1
            where = f"{name}: chart {text['index']} «{text['chart']}», «{text['text']}»"
            if text["size"] < SMALLEST - 0.01:
                small.append(f"{where} at {text['size']:.1f} px")
            if text["outside"]:
                outside.append(where)

    assert measured > 0
    assert small == []
    assert outside == []
