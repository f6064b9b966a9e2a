"""Every PDF the app makes is tagged as PDF/UA asks: read back with pypdf, its structure
tree has alternative text on every figure, a scope on every table header cell, and
headings that nest without skipping a level.

The documents are those people download: the Balanç, the charters' yearly follow-up and
one charter's, the PLIS body's composition and the action plan, and a published version.
"""

from typing import NamedTuple

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from pypdf.generic import DictionaryObject

from tests.conftest import IMMEDIATE_TASKS
from tests.governance.conftest import OTL, TRANSVERSAL
from tests.pages import pdf_reader
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
    # Made at once, in the request, as the suite's tests make them (tests/conftest.py).
    with (
        django_db_blocker.unblock(),
        override_settings(TASKS=IMMEDIATE_TASKS, WORKER_ISOLATION=False),
    ):
        client = as_persona(Client(), seed, "administrator")
        for pdf in PDFS:
            ids = {**seed["ids"], "otl": OTL, "transversal": TRANSVERSAL}
            url = reverse(pdf.name, args=[ids.get(arg, arg) for arg in pdf.args])
            response = client.get(url, follow=True)
            assert response["Content-Type"] == "application/pdf", url
            made[pdf] = response.getvalue()
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("pdf", PDFS, ids=lambda pdf: f"{pdf.name}{pdf.args}")
def test_the_pdf_s_structure_tree_passes_pdf_ua(documents, pdf):
    reader = pdf_reader(documents[pdf])

    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert sorted(set(problems(reader))) == []
