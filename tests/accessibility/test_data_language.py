"""The council's data (commitments, charters, indicators, the PLIS's plan and bodies,
observations) is Catalan whatever language the interface speaks: on a Spanish or English
page, and in a Spanish or English PDF, it sits inside an element with lang="ca" (WCAG
3.1.2), so a screen reader reads it with a Catalan voice. A Catalan page needs no such
attribute: its <html lang="ca"> says it.
"""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from commitments.models import PlanNode
from governance.models import Body, PlanAction
from service_charters.models import Charter, Indicator
from tests.accessibility.test_pdf_structure import structure
from tests.governance.conftest import TRANSVERSAL
from tests.pages import collapsed, pdf_reader
from tests.test_permission_matrix import as_persona

pytestmark = pytest.mark.accessibility

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class LanguageOfText(HTMLParser):
    """The page's text, cut where its language (the nearest lang attribute) changes,
    left out what is in <head>."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.chunks: list[tuple[str, str]] = []
        self.langs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "lang" in attrs:
            self.langs.append(f"{tag}:{attrs['lang']}")
        if tag in VOID:
            return
        lang = attrs.get("lang", self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and "head" not in (tag for tag, _ in self.stack):
            self.chunks.append((self.stack[-1][1], data))

    def text_in(self, lang: str) -> str:
        return collapsed(" ".join(data for language, data in self.chunks if language == lang))


def read(content: bytes) -> LanguageOfText:
    parser = LanguageOfText()
    parser.feed(content.decode())
    return parser


def data_of_each_page(ids) -> dict[str, tuple[str, list[str]]]:
    """Pages (URL name → URL) and Catalan data each shows."""
    node = PlanNode.objects.get(pk=ids["commitment_21"])
    charter = Charter.objects.select_related("service").get(pk=ids["charter"])
    indicator = Indicator.objects.get(pk=ids["indicator"])
    body = Body.objects.select_related("plan").get(slug=TRANSVERSAL)
    action = PlanAction.objects.get(pk=ids["action"])
    # The statuses are the mandate's own words, in Catalan.
    status = node.entries.select_related("status").order_by("-period__start").first().status
    return {
        "commitment": (
            reverse("commitments:detail", args=[node.pk]),
            [node.text, status.label],
        ),
        "balance": (reverse("commitments:balance", args=[ids["open_period"]]), [node.text]),
        # Commitment 21's row: its text (shortened), its area and its status.
        "commitments": (
            reverse("commitments:list") + "?q=persones+migrades",
            [node.text[:100], node.area.name, status.label],
        ),
        "charters": (reverse("service_charters:list"), [charter.service.name]),
        "charter follow-up": (
            reverse("service_charters:charter_report", args=[charter.pk, 2021]),
            [charter.title, indicator.name],
        ),
        "indicator": (
            reverse("service_charters:indicator_detail", args=[indicator.pk]),
            [indicator.name, charter.service.name],
        ),
        "PLIS": (reverse("governance:plan"), [body.plan.name]),
        "PLIS body": (reverse("governance:body", args=[TRANSVERSAL]), [body.name]),
        "PLIS action": (reverse("governance:action", args=[action.pk]), [action.title]),
        "PLIS dashboard": (reverse("publication:plis_dashboard"), [body.plan.name]),
        "public PLIS": (reverse("publication:public_plis"), [body.plan.name, body.name]),
    }


@pytest.fixture(scope="module")
def pages(seed, django_db_blocker):
    """Each page in Catalan, Spanish and English, and the Catalan data it shows."""
    answers = {}
    with django_db_blocker.unblock(), transaction.atomic():
        for name, (url, data) in data_of_each_page(seed["ids"]).items():
            for language in ("ca", "es", "en"):
                client = as_persona(Client(), seed, "administrator")
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                response = client.get(url)
                assert response.status_code == 200, url
                answers[name, language] = (read(response.content), data)
        transaction.set_rollback(True)
    return answers


PAGES = [
    "commitment", "commitments", "balance", "charters", "charter follow-up", "indicator", "PLIS",
    "PLIS body", "PLIS action", "PLIS dashboard", "public PLIS",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_catalan_data_on_a_spanish_or_english_page_is_marked_lang_ca(pages, page, language):
    parsed, data = pages[page, language]

    assert f"html:{language}" in parsed.langs
    catalan = parsed.text_in("ca")
    assert [text for text in data if collapsed(text) not in catalan] == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_a_catalan_page_marks_no_element_but_the_page(pages, page):
    parsed, data = pages[page, "ca"]

    # The language switch's buttons name each language in itself, on every page.
    assert [lang for lang in parsed.langs if not lang.startswith("button:")] == ["html:ca"]
    assert all(collapsed(text) in parsed.text_in("ca") for text in data)


PDFS = {
    "balance": ("commitments:balance_pdf", "open_period"),
    "charter follow-up": ("service_charters:charter_report_pdf", "charter"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("document", PDFS)
def test_a_spanish_pdf_tags_the_catalan_data_lang_ca_and_a_catalan_one_needs_not(
    seed, document, settings
):
    from tests.conftest import IMMEDIATE_TASKS

    settings.TASKS = IMMEDIATE_TASKS
    settings.WORKER_ISOLATION = False
    name, arg = PDFS[document]
    args = [seed["ids"][arg]] + ([2021] if arg == "charter" else [])
    languages = {}
    for language in ("ca", "es"):
        client = as_persona(Client(), seed, "administrator")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse(name, args=args), follow=True)
        assert response["Content-Type"] == "application/pdf"
        reader = pdf_reader(response.getvalue())
        languages[language] = (
            str(reader.trailer["/Root"].get("/Lang")),
            {str(element.node.get("/Lang")) for element in structure(reader)} - {"None"},
        )

    assert languages["ca"] == ("ca", set())
    assert languages["es"] == ("es", {"ca"})
