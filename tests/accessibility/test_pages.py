"""Every page, as every persona gets it, passes axe-core (WCAG 2.0/2.1 A and AA) at 320 px
and at desktop width without sideways scroll, and the Nu HTML Checker with no error.

The pages are those of the permission matrix (tests/test_permission_matrix.py): each URL
as each persona gets it, forms with their errors included (the matrix's POST rows that
answer with the form again), refusals (403) and "not found" pages too. The same page for
several personas is checked once. A page template that none of them renders fails
`test_every_page_template_is_checked`: a new page comes with its check.
"""

import re
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from tests.accessibility.checkers import Chromium, missing_tools, vnu_errors
from tests.conftest import EVERY_PERSONA as PERSONAS
from tests.test_permission_matrix import GET, MATRIX, as_persona

pytestmark = pytest.mark.accessibility

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Statuses that answer with a page; the others answer with a redirect or nothing.
PAGE_STATUSES = {200, 400, 403, 404}
# URL names that answer with a file, not a page.
FILES = re.compile(r"(_pdf|export|popolo|public_data|health|document_progress)$")
# Templates that are no page of their own: included parts (_name.html), what pages
# extend, PDF documents (checked as PDFs, in test_pdf_structure.py), and the page a kept
# page is put back into (`cached_page.html`: the kept page reads as the page built,
# tests/publication/test_page_cache.py).
NOT_PAGES = re.compile(
    r"(^|/)_[^/]+$|(^|/)(base|public_base|pdf_base|cached_page)\.html$|_pdf\.html$"
)
# Pages no URL of the matrix answers with, rendered as their view renders them.
OTHER_PAGES = ["500.html", "registration/locked_out.html"]


class Visit(NamedTuple):
    row: object
    persona: str

    def __str__(self):
        return f"{self.row}-{self.persona}"


# Answers that are no page: a form nobody's page sends (a hand-made request) is
# refused in a line of plain text.
NOT_PAGES_ROWS = {"POST-governance:action(action)", "POST-publication:round(published_round)"}

VISITS = [
    Visit(row, persona)
    for row in MATRIX
    for persona in PERSONAS
    if not row.name.startswith("admin:")
    and not FILES.search(row.name)
    and str(row) not in NOT_PAGES_ROWS
    and row.expected[persona] in PAGE_STATUSES
]


def _same_page(body: str) -> str:
    """What tells two pages apart: the page without its CSRF token, which differs in
    every answer."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=|data-csrf=)"[^"]*"', r"\1", body)


class Pages:
    """Every visit's answer, each distinct page once, and what the checkers found."""

    def __init__(self, seed, browser):
        self.answers = {}
        self.templates = set()
        bodies = {}
        with transaction.atomic():
            for visit in VISITS:
                client = as_persona(Client(), seed, visit.persona)
                url = visit.row.url(seed["ids"])
                if visit.row.method == GET:
                    response = client.get(url)
                else:
                    response = client.post(url, visit.row.data)
                self.templates.update(t.name for t in response.templates if t.name)
                body = response.content.decode()
                name, _ = bodies.setdefault(_same_page(body), (f"page-{len(bodies):03}", body))
                self.answers[str(visit)] = (name, url, response)
            request = RequestFactory().get("/")
            request.user = seed["users"]["director"]
            for template in OTHER_PAGES:
                body = render_to_string(template, request=request)
                self.templates.add(template)
                name, _ = bodies.setdefault(body, (f"page-{len(bodies):03}", body))
                self.answers[template] = (name, "/", None)
            transaction.set_rollback(True)
        self.bodies = dict(bodies.values())
        self.browser = browser
        self.axe = {}

    @cached_property
    def vnu(self):
        return vnu_errors(self.bodies)

    @cached_property
    def chromium(self):
        return Chromium(self.browser)

    def findings(self, name, url, response):
        if name not in self.axe:
            status = response.status_code if response else 500
            headers = dict(response.items()) if response else {"Content-Type": "text/html"}
            self.axe[name] = self.chromium.check(
                url.split("?")[0], status, headers, self.bodies[name].encode()
            )
        return self.axe[name]


@pytest.fixture(scope="module")
def pages(seed, browser, django_db_blocker):
    if missing := missing_tools():
        pytest.fail(f"missing {', '.join(missing)}: run `make test` (it runs `npm ci`)")
    with django_db_blocker.unblock():
        checked = Pages(seed, browser)
        yield checked
        if "chromium" in checked.__dict__:
            checked.chromium.close()


def page_templates() -> set[str]:
    names = {str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")}
    return {name for name in names if not name.startswith("admin/") and not NOT_PAGES.search(name)}


@pytest.mark.django_db
def test_every_page_template_is_checked(pages):
    unchecked = sorted(page_templates() - pages.templates)
    assert not unchecked, "page templates no checked page renders: " + ", ".join(unchecked)


def _answer(pages, visit):
    name, url, response = pages.answers[str(visit)]
    if response is not None:
        assert response.status_code == visit.row.expected[visit.persona]
        assert response["Content-Type"].startswith("text/html"), f"{url} is not a page"
    return name, url, response


@pytest.mark.django_db
@pytest.mark.parametrize("visit", [*VISITS, *OTHER_PAGES], ids=str)
def test_page_passes_axe_at_every_width_without_sideways_scroll(pages, visit):
    findings = pages.findings(*_answer(pages, visit))

    assert findings.axe == []
    assert findings.sideways_scroll == []


@pytest.mark.django_db
@pytest.mark.parametrize("visit", [*VISITS, *OTHER_PAGES], ids=str)
def test_page_passes_the_nu_html_checker(pages, visit):
    name, _url, _response = _answer(pages, visit)

    assert pages.vnu[name] == []
