"""What a published version freezes: the document's HTML, its PDF and its open data.

Everything is built by the domain apps' own builders and templates (the balance of
`commitments.balance`, the follow-up report of `service_charters.followup_document`), in Catalan
whatever language the person publishing reads, since the transparency portal
publishes the Catalan document. The HTML is the document alone, without the site's
navigation, so the public page can show it inside its own frame.

Nothing here needs a request: a task renders it (publication.tasks), and the documents
have no links or images to resolve against the site's address.
"""

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
from terrassa_plis.pdf import render_pdf

PUBLISHING_LANGUAGE = "ca"


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
    )


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
    )
