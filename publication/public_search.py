"""What the public search finds in the published documents: the rows of the open data
the rounds froze (a balance's commitments, a follow-up's indicators), never the live
entries or results, so a visitor finds only what was published and as it was published.

The latest version of every published round is read in one query; its frozen JSON
records are matched word by word (`terrassa_plis.text_search.text_matches`). An item
published in several rounds (a commitment every semester, an indicator every year) is
found once, in its newest publication.
"""

import json
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from commitments.plan_io import AREA, CODE, LEVEL, TEXT
from governance.models import Service
from publication.models import PublishedPart, PublishedVersion, RoundKind
from service_charters.bands import BAND_LABELS
from service_charters.compliance import Band
from terrassa_plis.text_search import text_matches

# The open data's columns the search reads (`commitments.balance_data`,
# `service_charters.followup`), in Catalan as published.
STATUS_COLUMN = "Estat"
OBSERVATIONS_COLUMN = "Observacions"
RELATED_COLUMN = "Informació relacionada"
SERVICE_COLUMN = "Servei"
OBJECTIVE_COLUMN = "Objectiu"
COMMITMENT_COLUMN = "Compromís"
INDICATOR_COLUMN = "Indicador"
COMPLIANCE_COLUMN = "Grau de compliment"
BAND_FIELD = "band"


@dataclass(frozen=True)
class PublishedRow:
    """A row of a published document that matched, with where it was published."""

    title: str
    text: str
    area: str
    status: str
    publication: str  # the published document's title
    url: str  # where it is on its public page


@dataclass(frozen=True)
class PublishedMatches:
    balance: list[PublishedRow]
    charters: list[PublishedRow]


def latest_published_versions():
    """The latest version of every published round, the newest subject first (a
    balance's period, a follow-up's year), with its open data as JSON only."""
    latest = (
        PublishedVersion.objects.filter(round_id=OuterRef("round_id"))
        .values("round_id")
        .annotate(latest=Max("number"))
        .values("latest")
    )
    return (
        PublishedVersion.objects.filter(number=Subquery(latest))
        .select_related("round__period")
        .defer("html", "intro", "csv")
        .order_by("-round__period__start", "-round__year", "-pk")
    )


def item_links(versions: list[PublishedVersion]) -> dict[int, dict[str, str]]:
    """Each version's items (a commitment's code, a charter's service) to their place on
    its public page: the part that holds them and their element. One query."""
    links: dict[int, dict[str, str]] = {version.pk: {} for version in versions}
    parts = PublishedPart.objects.filter(version__in=versions).values(
        "version_id", "key", "anchors"
    )
    for part in parts:
        for item, anchor in part["anchors"].items():
            links[part["version_id"]][item] = f"?part={part['key']}#{anchor}"
    return links


def published_matches(words: list[str]) -> PublishedMatches:
    """The balance rows and follow-up rows of the published documents that hold every
    word, each linked to its place in the public page. Three queries: the versions,
    their parts' anchors, the services (to name a charter's area)."""
    balance: dict[tuple, PublishedRow] = {}
    charters: dict[tuple, PublishedRow] = {}
    area_of_service = None
    versions = list(latest_published_versions())
    links = item_links(versions)
    for version in versions:
        page = reverse("publication:public_version", args=[version.round_id, version.number])
        records = json.loads(version.json or "[]")
        if version.round.kind == RoundKind.BALANCE:
            mandate = version.round.period.mandate_id
            for record in records:
                key = (mandate, record.get(LEVEL), record.get(CODE))
                if key in balance or not text_matches(
                    words,
                    record.get(TEXT),
                    record.get(OBSERVATIONS_COLUMN),
                    record.get(RELATED_COLUMN),
                ):
                    continue
                balance[key] = PublishedRow(
                    title=f"{record.get(LEVEL, '')} {record.get(CODE, '')}".strip(),
                    text=record.get(TEXT) or "",
                    area=record.get(AREA) or "",
                    status=record.get(STATUS_COLUMN) or "",
                    publication=version.title,
                    url=page + links[version.pk].get(record.get(CODE), ""),
                )
        else:
            for record in records:
                key = (record.get(SERVICE_COLUMN), record.get(INDICATOR_COLUMN))
                if key in charters or not text_matches(
                    words,
                    record.get(INDICATOR_COLUMN),
                    record.get(COMMITMENT_COLUMN),
                    record.get(OBJECTIVE_COLUMN),
                    record.get(OBSERVATIONS_COLUMN),
                ):
                    continue
                if area_of_service is None:
                    area_of_service = {
                        service.name: service.area.name
                        for service in Service.objects.select_related("area")
                    }
                charters[key] = PublishedRow(
                    title=record.get(INDICATOR_COLUMN) or "",
                    text=record.get(COMMITMENT_COLUMN) or "",
                    area=area_of_service.get(record.get(SERVICE_COLUMN), ""),
                    status=_band_text(record),
                    publication=version.title,
                    url=page + links[version.pk].get(record.get(SERVICE_COLUMN), ""),
                )
    return PublishedMatches(list(balance.values()), list(charters.values()))


def _band_text(record: dict) -> str:
    """«Assolit parcialment (75 %)», as the follow-up published it."""
    try:
        label = str(BAND_LABELS[Band(record.get(BAND_FIELD))])
    except ValueError:
        return record.get(COMPLIANCE_COLUMN) or ""
    compliance = record.get(COMPLIANCE_COLUMN) or ""
    return f"{label} ({compliance})" if compliance and compliance != label else label
