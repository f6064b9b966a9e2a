"""Every PDF the app makes is tagged as PDF/UA asks: read back with pypdf, its structure
tree has alternative text on every figure, a scope on every table header cell, and
headings that nest without skipping a level.

Nothing a screen reader alone should hear prints: no element of a screen-reader-only
class (`visually-hidden`…) is laid out in a PDF, and its text is not in the PDF's text
unless the page shows it elsewhere. The reading order follows the page: the headings of
the structure tree are the document's headings in its order, and its text reads them in
that order.

The documents are those people download: the Balanç, the charters' yearly follow-up and
one charter's, the PLIS body's composition and the action plan, and a published version.
"""

import re
from html import unescape
from typing import NamedTuple
from unittest import mock

import pytest
import weasyprint
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from pypdf.generic import DictionaryObject

from terrassa_plis import pdf as pdf_module
from terrassa_plis.pdf import _shared_style
from tests.conftest import IMMEDIATE_TASKS
from tests.governance.conftest import OTL, TRANSVERSAL
from tests.pages import collapsed, pdf_reader, pdf_text
from tests.test_permission_matrix import as_persona

pytestmark = pytest.mark.accessibility


class Pdf(NamedTuple):
    name: str
    args: tuple


PDFS = [
    Pdf("commitments:balance_pdf", ("open_period",)),
    Pdf("service_charters:year_report_pdf", (2021,)),
    Pdf("service_charters:charter_report_pdf", ("charter", 2021)),
    Pdf("governance:body_pdf", ("otl",)),
    Pdf("governance:body_pdf", ("transversal",)),
    Pdf("governance:actions_pdf", ()),
    Pdf("publication:public_pdf", ("published_round", 1)),
]


# Classes whose text is for screen readers only (static/css/app.css).
SCREEN_READER_ONLY = {"visually-hidden", "balance-legend__current"}
SCREEN_READER_ONLY_ELEMENT = r'<(\w+)[^>]*class="[^"]*\b({})\b[^"]*"[^>]*>(.*?)</\1>'.format(
    "|".join(SCREEN_READER_ONLY)
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class Document(NamedTuple):
    content: bytes
    html: str


class Element(NamedTuple):
    role: str
    node: DictionaryObject
    parents: tuple[str, ...]


def structure(reader) -> list[Element]:
    """Every structure element of the PDF, in reading order, with its ancestors' roles."""
    elements = []

    def walk(node, parents):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child, parents)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            return
        role = str(node["/S"])[1:]
        elements.append(Element(role, node, parents))
        if "/K" in node:
            walk(node["/K"], (*parents, role))

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], ())
    return elements


def attribute(node, name):
    attributes = node.get("/A")
    if attributes is None:
        return None
    attributes = attributes.get_object()
    for entry in attributes if isinstance(attributes, list) else [attributes]:
        entry = entry.get_object()
        if isinstance(entry, DictionaryObject) and name in entry:
            return entry[name]
    return None


def problems(reader) -> list[str]:
    found = []
    level = 0
    for element in structure(reader):
        if element.role == "Figure" and not str(element.node.get("/Alt", "")).strip():
            found.append(f"a Figure without alternative text under {'/'.join(element.parents)}")
        if element.role == "TH" and attribute(element.node, "/Scope") is None:
            found.append(f"a TH without Scope under {'/'.join(element.parents)}")
        if element.role in ("H1", "H2", "H3", "H4", "H5", "H6"):
            heading = int(element.role[1])
            if heading > level + 1:
                found.append(f"an {element.role} after an H{level}")
            level = heading
    return found


@pytest.fixture(scope="module")
def documents(seed, django_db_blocker):
    made = {}
    html = []

    def keeping_the_html(*args, **kwargs):
        html.append(render_to_string(*args, **kwargs))
        return html[-1]

    # Made at once, in the request, as the suite's tests make them (tests/conftest.py).
    with (
        django_db_blocker.unblock(),
        override_settings(TASKS=IMMEDIATE_TASKS, WORKER_ISOLATION=False),
        mock.patch.object(pdf_module, "render_to_string", keeping_the_html),
    ):
        client = as_persona(Client(), seed, "administrator")
        for pdf in PDFS:
            ids = {**seed["ids"], "otl": OTL, "transversal": TRANSVERSAL}
            url = reverse(pdf.name, args=[ids.get(arg, arg) for arg in pdf.args])
            html.clear()
            response = client.get(url, follow=True)
            assert response["Content-Type"] == "application/pdf", url
            # A published version's PDF was made when it was published, from the
            # same templates as the year's follow-up.
            made[pdf] = Document(response.getvalue(), html[0] if html else "")
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("pdf", PDFS, ids=lambda pdf: f"{pdf.name}{pdf.args}")
def test_the_pdf_s_structure_tree_passes_pdf_ua(documents, pdf):
    reader = pdf_reader(documents[pdf].content)

    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert sorted(set(problems(reader))) == []


# The documents made here, whose HTML the test sees.
RENDERED = [pdf for pdf in PDFS if pdf.name != "publication:public_pdf"]


def laid_out_elements(html: str):
    """Every element WeasyPrint lays out in the document, in the order of its pages, with
    the text of its boxes."""
    stylesheets, font_config = _shared_style()
    document = weasyprint.HTML(string=html, base_url="https://testserver/").render(
        stylesheets=stylesheets, font_config=font_config
    )
    seen = {}

    def walk(box):
        if box.element is not None and hasattr(box, "text"):
            seen.setdefault(box.element, []).append(box.text)
        elif box.element is not None:
            seen.setdefault(box.element, [])
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return seen


def screen_reader_only(element) -> bool:
    return bool(SCREEN_READER_ONLY & set(element.get("class", "").split()))


def _hidden_texts(html: str) -> list[str]:
    """The text of every screen-reader-only element of the document's HTML."""
    return [
        collapsed(unescape(re.sub(r"<[^>]+>", " ", match.group(3))))
        for match in re.finditer(SCREEN_READER_ONLY_ELEMENT, html, re.DOTALL)
    ]


def _shown_text(html: str) -> str:
    """The document's text but its screen-reader-only elements'."""
    body = html.split("<body", 1)[1]
    shown = re.sub(SCREEN_READER_ONLY_ELEMENT, " ", body, flags=re.DOTALL)
    return collapsed(unescape(re.sub(r"<[^>]+>", " ", shown)))


@pytest.mark.django_db
@pytest.mark.parametrize("pdf", RENDERED, ids=lambda pdf: f"{pdf.name}{pdf.args}")
def test_no_screen_reader_only_text_prints(documents, pdf):
    document = documents[pdf]
    laid_out = laid_out_elements(document.html)
    text = collapsed(pdf_text(pdf_reader(document.content)))
    shown = _shown_text(document.html)

    printed = [
        f"<{element.tag} class={element.get('class')}>"
        for element in laid_out
        if screen_reader_only(element)
    ]
    assert printed == []
    hidden = [phrase for phrase in _hidden_texts(document.html) if phrase]
    assert [phrase for phrase in hidden if phrase in text and phrase not in shown] == []


@pytest.mark.django_db
@pytest.mark.parametrize("pdf", RENDERED, ids=lambda pdf: f"{pdf.name}{pdf.args}")
def test_the_structure_tree_reads_the_headings_in_the_page_s_order(documents, pdf):
    document = documents[pdf]
    reader = pdf_reader(document.content)
    headings = [
        (element.tag, collapsed(" ".join("".join(texts) for texts in [laid_out[element]])))
        for laid_out in [laid_out_elements(document.html)]
        for element in laid_out
        if element.tag in HEADINGS
    ]
    tree = [
        element.role.lower()
        for element in structure(reader)
        if element.role in ("H1", "H2", "H3", "H4", "H5", "H6")
    ]
    # Compared without spaces: lines broken inside a heading lose theirs in one or other.
    text = re.sub(r"\s+", "", pdf_text(reader)).casefold()

    assert tree == [tag for tag, _ in headings]
    positions = []
    for _, heading in headings:
        found = text.find(re.sub(r"\s+", "", heading).casefold(), positions[-1] if positions else 0)
        assert found >= 0, f"«{heading}» is not where the reading order puts it"
        positions.append(found)
