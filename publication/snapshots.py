"""What a published version freezes: the document's HTML, its PDF and its open data.

Everything is built by the domain apps' own builders and templates (the balance of
`commitments.balance`, the follow-up report of `service_charters.followup_document`), in Catalan
whatever language the person publishing reads, since the transparency portal
publishes the Catalan document. The HTML is the document alone, without the site's
navigation, so the public page can show it inside its own frame.

The public page shows a version a part at a time (a top-level node of the balance, a
charter of the follow-up) under the document's beginning, so the snapshot keeps those
too, rendered by the same templates the whole document includes.

Nothing here needs a request: a task renders it (publication.tasks), and the documents
have no links or images to resolve against the site's address.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from commitments.balance import build_balance
from commitments.balance_data import balance_table
from commitments.models import ReportingPeriod
from publication import changes
from publication.models import ReportingRound, RoundKind
from service_charters.followup import load_rows, open_data_table
from service_charters.followup_document import build_report
from service_charters.models import Charter
from terrassa_plis.exports import csv_export, json_export
from terrassa_plis.formatting import shorten
from terrassa_plis.pdf import render_pdf

PUBLISHING_LANGUAGE = "ca"
# A part's title as the public page's chooser lists it: the node's or charter's name and
# the beginning of its text.
PART_TITLE_LENGTH = 160


@dataclass(frozen=True)
class Part:
    key: str  # in the public page's address: «objectiu-6»
    title: str
    html: str
    # Each open-data item of the part (`PublishedPart.anchors`) to its element's id.
    anchors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    title: str
    html: str
    pdf: bytes
    pdf_filename: str
    csv: str
    json: str
    # What `publication.changes` compares with another version's: not published itself.
    rows: list[dict] = field(default_factory=list)
    # The document's beginning and its parts, for the public page (the whole is `html`).
    intro: str = ""
    parts: list[Part] = field(default_factory=list)


def build_snapshot(round: ReportingRound) -> Snapshot:
    """The round's document as it stands now, ready to be frozen in a version."""
    with translation.override(PUBLISHING_LANGUAGE):
        if round.kind == RoundKind.BALANCE:
            return balance_snapshot(round.period)
        return charters_snapshot(round.year)


def current_rows(round: ReportingRound) -> list[dict]:
    """The rows a version of the round would keep if it were published now
    (`Snapshot.rows`), without rendering the document: balance, 5 queries
    (`balance_table`); charters, 2 (`load_rows`)."""
    with translation.override(PUBLISHING_LANGUAGE):
        if round.kind == RoundKind.BALANCE:
            return changes.balance_rows(balance_table(round.period)[2])
        return changes.charters_rows(load_rows(Charter.objects.in_force(round.year), round.year))


def _open_data(stem: str, header: list[str], rows: list[list], records: list[dict]):
    """The CSV and JSON texts, written by the same exporters as every download."""
    csv_text = csv_export(stem, header, rows).content.decode("utf-8-sig")
    json_text = json_export(stem, records).content.decode("utf-8")
    return csv_text, json_text


# The balance


def balance_snapshot(period: ReportingPeriod) -> Snapshot:
    balance = build_balance(period)
    # The public reads the frozen version: related items are named, not linked, since
    # their pages are the staff's (templates/_related_items.html).
    context = {"balance": balance, "for_public": True}
    html = render_to_string("commitments/_balance_document.html", context)
    pdf = render_pdf("commitments/balance_pdf.html", context)
    header, rows, records = balance_table(period)
    csv_text, json_text = _open_data(balance.filename_stem, header, rows, records)
    return Snapshot(
        title=f"{balance.title} · {period.label}",
        html=html,
        pdf=pdf,
        pdf_filename=balance.pdf_filename,
        csv=csv_text,
        json=json_text,
        rows=changes.balance_rows(records),
        intro=render_to_string("commitments/_balance_intro.html", context),
        parts=balance_parts(balance, context),
    )


def balance_parts(balance, context: dict) -> list[Part]:
    """One part a top-level node, its headings and leaves in the document's order; each
    leaf's anchor keyed by its code, as the open data names it (one row a leaf)."""
    parts = []
    for top, items in _by_top_node(balance.items):
        level_name = balance.top_level.name if balance.top_level else ""
        html = render_to_string("commitments/_balance_tree.html", {**context, "items": items})
        parts.append(
            Part(
                key=slugify(f"{level_name} {top.code.replace('.', '-')}"),
                title=shorten(f"{level_name} {top.code}. {top.text}", PART_TITLE_LENGTH),
                html=html,
                anchors={item.node.code: item.anchor for item in items if item.kind == "leaf"},
            )
        )
    return parts


def _by_top_node(items: Iterable) -> list[tuple]:
    """The items grouped under the top-level node they belong to, in order."""
    groups: list[tuple] = []
    for item in items:
        top_path = item.node.path.split("/")[0]
        if not groups or groups[-1][0].path != top_path:
            groups.append((item.node, []))
        groups[-1][1].append(item)
    return groups


# The charters' follow-up


def charters_snapshot(year: int) -> Snapshot:
    report = build_report(year)
    context = {"report": report}
    html = render_to_string("service_charters/_report_document.html", context)
    pdf = render_pdf("service_charters/report_pdf.html", context)
    follow_up = load_rows(Charter.objects.in_force(year), year)
    header, rows, records = open_data_table(follow_up, year, with_service=True)
    csv_text, json_text = _open_data(slugify(f"seguiment cartes {year}"), header, rows, records)
    return Snapshot(
        title=report.title,
        html=html,
        pdf=pdf,
        pdf_filename=report.pdf_filename,
        csv=csv_text,
        json=json_text,
        rows=changes.charters_rows(follow_up),
        intro=render_to_string("service_charters/_report_intro.html", context),
        parts=report_parts(report, context),
    )


def report_parts(report, context: dict) -> list[Part]:
    """One part a charter, keyed by its service's name; the open data names a charter's
    rows by the service's full name."""
    parts = []
    keys: set[str] = set()
    for section in report.sections:
        charter = section.charter
        key = slugify(charter.service.short_name())[:60] or f"carta-{charter.pk}"
        if key in keys:
            key = f"{key}-{charter.pk}"
        keys.add(key)
        html = render_to_string(
            "service_charters/_report_sections.html", {**context, "sections": [section]}
        )
        parts.append(
            Part(
                key=key,
                title=shorten(charter.title, PART_TITLE_LENGTH),
                html=html,
                anchors={charter.service.name: f"charter-section-{charter.pk}"},
            )
        )
    return parts
