"""The charters index in pages of PER_PAGE charters: every charter reachable, each
page's counts those of the follow-up report, the same queries at any number of charters."""

import re

import pytest
from django.urls import reverse

from governance.models import Service
from service_charters import followup
from service_charters.compliance import Band
from service_charters.models import Charter
from terrassa_plis.tables import PER_PAGE
from tests.pages import markup
from tests.service_charters.conftest import build_charters

ROW = re.compile(r"<tr><th scope=\"row\"><a href=\"[^\"]*\">([^<]*)</a></th>(.*?)</tr>", re.S)
COUNT = re.compile(r"<td class=\"[^\"]*band--([a-z-]+)-count[^\"]*\">([^<]*)</td>")
PAGE_LINK = re.compile(r"<a (?:aria-current=\"page\" )?href=\"\?([^\"]*)\">\d+</a>")
BAND_CLASSES = {band: band.value.replace("_", "-") for band in Band}


def list_url(query=""):
    return reverse("service_charters:list") + query


def index_rows(text: str) -> dict[str, dict[Band, int]]:
    """Each listed charter's title with its counts by band, in the page's order."""
    rows = {}
    for title, cells in ROW.findall(text):
        counts = dict(COUNT.findall(cells))
        rows[title] = {band: int(counts[css]) for band, css in BAND_CLASSES.items()}
    return rows


def every_page(client, query="?year=2021") -> list[dict[str, dict[Band, int]]]:
    """The index's pages, followed by the page links from the first one."""
    first = markup(client.get(list_url(query)))
    others = dict.fromkeys(PAGE_LINK.findall(first))
    assert all("year=2021" in link for link in others)
    return [index_rows(first)] + [
        index_rows(markup(client.get(list_url(f"?{link}"))))
        for link in others
        if not link.endswith("page=1")
    ]


@pytest.fixture
def many_charters(seed_charter):
    """The seed charter and PER_PAGE + 5 more: two pages."""
    return build_charters(
        Service.objects.get(name="Servei de Ciutadania"), PER_PAGE + 5, indicators_each=2
    )


def test_every_charter_is_on_one_page_and_only_one(reader, many_charters):
    pages = every_page(reader)

    assert [len(page) for page in pages] == [PER_PAGE, 6]
    titles = [title for page in pages for title in page]
    assert sorted(titles) == sorted(Charter.objects.in_force(2021).values_list("title", flat=True))
    assert len(set(titles)) == len(titles)


def test_the_pages_count_each_charter_as_the_report_summarises_it(reader, many_charters):
    rows = {title: counts for page in every_page(reader) for title, counts in page.items()}

    charters = list(Charter.objects.in_force(2021).in_printed_order())
    report_rows = followup.load_rows(charters, 2021)
    for charter in charters:
        summary = followup.summarise(
            [row for row in report_rows if row.charter.pk == charter.pk], charter.title
        )
        assert rows[charter.title] == summary.counts
    overall = followup.summarise(report_rows, "2021").counts
    assert {band: sum(counts[band] for counts in rows.values()) for band in Band} == overall


def test_the_page_and_year_links_keep_the_order_chosen(reader, many_charters):
    text = markup(reader.get(list_url("?year=2021&sort=-title&page=2")))

    titles = list(index_rows(text))
    every_title = sorted(Charter.objects.in_force(2021).values_list("title", flat=True))
    assert titles == every_title[::-1][PER_PAGE:]
    assert 'href="?year=2021&sort=-title&page=1" rel="prev"' in text
    assert '<a aria-current="page" href="?year=2021&sort=-title&page=2">2</a>' in text
    # Another year from the chooser keeps the order, from its first page.
    assert '<input type="hidden" name="sort" value="-title">' in text
    assert 'aria-sort="descending"' in text


def test_a_page_out_of_range_shows_the_last_one(reader, many_charters):
    text = markup(reader.get(list_url("?year=2021&page=9")))

    assert len(index_rows(text)) == 6


@pytest.mark.parametrize(("charters", "page"), [(3, 1), (PER_PAGE + 5, 1), (PER_PAGE + 5, 2)])
def test_the_index_runs_the_same_queries_at_any_number_of_charters(
    reader, organisation, charters, page, django_assert_num_queries
):
    build_charters(Service.objects.get(name="Servei de Ciutadania"), charters, indicators_each=3)

    # Session, user, the user's roles; the years with results; the count of charters
    # in force (the paginator); the page's charters with their service and area; the
    # page's commitments with indicators and each one's sum of degrees of compliance
    # (charters_index.band_counts_by_charter, filtered to the page's charters). The
    # director edits no charter: no query for the results links.
    with django_assert_num_queries(8):
        response = reader.get(list_url(f"?year=2021&page={page}"))
    assert response.status_code == 200
    assert len(index_rows(markup(response))) == min(charters - (page - 1) * PER_PAGE, PER_PAGE)
