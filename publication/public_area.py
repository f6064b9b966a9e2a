"""An area's page as citizens read it: the area's commitments in the latest published
balance (by status, what changed since the balance published before it, the delayed
ones) and its charters' commitments in the latest published follow-up (by band).

Read only from the frozen open data of the published versions (`publication.public`),
never from live entries or results, so the page says what was published. It exists
once a balance and a follow-up have been published.
"""

import json
from collections import Counter
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from commitments.balance import NO_ENTRY_LABEL
from commitments.models import Status, StatusCategory
from commitments.plan_io import AREA, CODE, LEVEL, TEXT
from governance.models import Area
from publication.models import PublishedVersion, RoundKind
from publication.public_search import STATUS_COLUMN, latest_published_versions
from service_charters.bands import SummaryView, summary_view
from service_charters.followup import SERVICE_COLUMN, summarise_published
from terrassa_plis.formatting import percent, percentage_of

# How many rows each list names; the published document holds them all.
LISTED_ROWS = 10


@dataclass(frozen=True)
class PublishedStatus:
    label: str
    count: int
    share_text: str


@dataclass(frozen=True)
class PublishedRow:
    title: str
    text: str
    status: str
    previous_status: str = ""


@dataclass(frozen=True)
class PublicArea:
    area: Area
    balance: PublishedVersion
    balance_url: str
    total: int
    statuses: list[PublishedStatus]
    previous: PublishedVersion | None
    changed: list[PublishedRow]
    changed_count: int
    late: list[PublishedRow]
    late_count: int
    charters: PublishedVersion
    charters_url: str
    charters_summary: SummaryView


def _url(version: PublishedVersion) -> str:
    return reverse("publication:public_version", args=[version.round_id, version.number])


def _records(version: PublishedVersion) -> list[dict]:
    return json.loads(version.json or "[]")


def build_public_area(area: Area) -> PublicArea:
    """Queries, whatever the number of publications: 1 the latest published versions,
    2 the statuses of the balance's mandate, 3 the area's services. Http404 until a
    balance and a follow-up are published."""
    versions = list(latest_published_versions())
    balances = [v for v in versions if v.round.kind == RoundKind.BALANCE]
    follow_ups = [v for v in versions if v.round.kind == RoundKind.CHARTERS]
    if not balances or not follow_ups:
        raise Http404
    balance, charters = balances[0], follow_ups[0]
    mandate_id = balance.round.period.mandate_id
    previous = next((v for v in balances[1:] if v.round.period.mandate_id == mandate_id), None)
    rows = [r for r in _records(balance) if r.get(AREA) == area.name]
    statuses = list(Status.objects.filter(mandate_id=mandate_id).order_by("position"))
    counts = Counter(r.get(STATUS_COLUMN) or "" for r in rows)
    published_statuses = [
        PublishedStatus(
            s.label, counts[s.label], percent(percentage_of(counts[s.label], len(rows)))
        )
        for s in statuses
    ]
    if counts[""]:
        published_statuses.append(
            PublishedStatus(
                str(NO_ENTRY_LABEL), counts[""], percent(percentage_of(counts[""], len(rows)))
            )
        )
    delayed = {s.label for s in statuses if s.category == StatusCategory.DELAYED}
    late = [_row(r) for r in rows if r.get(STATUS_COLUMN) in delayed]
    changed = []
    if previous is not None:
        before = {
            (r.get(LEVEL), r.get(CODE)): r.get(STATUS_COLUMN) or ""
            for r in _records(previous)
            if r.get(AREA) == area.name
        }
        changed = [
            _row(r, before.get((r.get(LEVEL), r.get(CODE)), ""))
            for r in rows
            if r.get(STATUS_COLUMN)
            and r.get(STATUS_COLUMN) != before.get((r.get(LEVEL), r.get(CODE)))
        ]
    services = set(area.services.values_list("name", flat=True))
    charter_rows = [r for r in _records(charters) if r.get(SERVICE_COLUMN) in services]
    return PublicArea(
        area=area,
        balance=balance,
        balance_url=_url(balance),
        total=len(rows),
        statuses=published_statuses,
        previous=previous,
        changed=changed[:LISTED_ROWS],
        changed_count=len(changed),
        late=late[:LISTED_ROWS],
        late_count=len(late),
        charters=charters,
        charters_url=_url(charters),
        charters_summary=summary_view(
            summarise_published(charter_rows, gettext("Totes les cartes de l'àrea"))
        ),
    )


def _row(record: dict, previous_status: str | None = None) -> PublishedRow:
    return PublishedRow(
        title=f"{record.get(LEVEL, '')} {record.get(CODE, '')}".strip(),
        text=record.get(TEXT) or "",
        status=record.get(STATUS_COLUMN) or str(NO_ENTRY_LABEL),
        previous_status=(previous_status or str(NO_ENTRY_LABEL))
        if previous_status is not None
        else "",
    )
