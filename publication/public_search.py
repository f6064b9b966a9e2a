"""What the public search finds in the published documents: the rows of the open data
the rounds froze (a balance's commitments, a follow-up's indicators), never the live
entries or results, so a visitor finds only what was published and as it was published.

Publishing a version stores its items (`PublishedItem`) with their searched words
already folded, in place of the round's earlier version's; the search matches those
rows by the one rule of `terrassa_plis.text_search`. An item published in several rounds
(a commitment every semester, an indicator every year) is found once, in its newest
publication.
"""

from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from commitments.plan_io import AREA, CODE, LEVEL, TEXT
from governance.models import Service
from publication.models import PublishedItem, PublishedVersion, RoundKind
from service_charters.bands import BAND_LABELS
from service_charters.compliance import Band
from terrassa_plis.text_search import first_matching_by_group, searched_text

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


def freeze_items(version: PublishedVersion, records: list[dict], parts) -> None:
    """Store the searchable items of `version` (its open data's `records`, its `parts`
    with their anchors) in place of those of the round's earlier versions. Part of the
    publishing transaction (`publication.versions.freeze_version`)."""
    round = version.round
    places = {
        item: f"?part={part.key}#{anchor}"
        for part in parts
        for item, anchor in part.anchors.items()
    }
    area_of_service = {}
    if round.kind == RoundKind.CHARTERS:
        area_of_service = {
            service.name: service.area.name for service in Service.objects.select_related("area")
        }
    mandate_id = round.period.mandate_id if round.kind == RoundKind.BALANCE else None
    PublishedItem.objects.filter(version__round=round).delete()
    # In the document's order: the search reads a version's items in the order of their ids.
    PublishedItem.objects.bulk_create(
        PublishedItem(version=version, position=position, **row)
        for position, row in enumerate(
            item_rows(round.kind, mandate_id, records, places, area_of_service), start=1
        )
    )


def item_rows(
    kind: str,
    mandate_id: int | None,
    records: list[dict],
    places: dict[str, str],
    area_of_service: dict[str, str],
) -> list[dict]:
    """The searchable items of a version's open data (`records`), as `PublishedItem`
    fields: `places` maps an item's key in the open data (a commitment's code, a
    charter's service) to its place on the public page, `area_of_service` a service's
    name to its area's."""
    rows = []
    for record in records:
        if kind == RoundKind.BALANCE:
            searched = (
                record.get(TEXT),
                record.get(OBSERVATIONS_COLUMN),
                record.get(RELATED_COLUMN),
            )
            row = {
                "key": f"{mandate_id}/{record.get(LEVEL)}/{record.get(CODE)}",
                "title": f"{record.get(LEVEL, '')} {record.get(CODE, '')}".strip(),
                "text": record.get(TEXT) or "",
                "area": record.get(AREA) or "",
                "status": record.get(STATUS_COLUMN) or "",
                "place": places.get(record.get(CODE), ""),
            }
        else:
            service = record.get(SERVICE_COLUMN)
            searched = (
                record.get(INDICATOR_COLUMN),
                record.get(COMMITMENT_COLUMN),
                record.get(OBJECTIVE_COLUMN),
                record.get(OBSERVATIONS_COLUMN),
            )
            row = {
                "key": f"{service}/{record.get(INDICATOR_COLUMN)}",
                "title": record.get(INDICATOR_COLUMN) or "",
                "text": record.get(COMMITMENT_COLUMN) or "",
                "area": area_of_service.get(service, ""),
                "status": _band_text(record),
                "place": places.get(service, ""),
            }
        row["search_text"] = searched_text(searched)
        rows.append(row)
    return rows


def published_matches(words: list[str], limit: int) -> PublishedMatches:
    """The balance items and follow-up items of the published documents that hold every
    word, each linked to its place in the public page: the first `limit` of each, newest
    publication first and in the document's order within one, an item found in several
    publications named once, in the newest. Three queries: the publications, then the
    items of each kind, read only as far as the first `limit`."""
    if not words:
        return PublishedMatches(balance=[], charters=[])
    items = PublishedItem.objects.filter(version=OuterRef("pk")).values("pk")
    versions = list(
        latest_published_versions()
        .only("round__kind", "round__period__start", "number", "title")
        .annotate(
            # The bounds of the version's items, which `freeze_items` wrote in order.
            first_item=Subquery(items.order_by("pk")[:1]),
            last_item=Subquery(items.order_by("-pk")[:1]),
        )
    )
    return PublishedMatches(
        balance=_first_items(RoundKind.BALANCE, versions, words, limit),
        charters=_first_items(RoundKind.CHARTERS, versions, words, limit),
    )


def _first_items(kind: str, versions, words: list[str], limit: int) -> list[PublishedRow]:
    versions = {version.pk: version for version in versions if version.round.kind == kind}
    items = first_matching_by_group(
        PublishedItem,
        words,
        "version",
        [(version.pk, version.first_item, version.last_item) for version in versions.values()],
        fields=["version", "key", "title", "text", "area", "status", "place"],
    )
    found: dict[str, PublishedRow] = {}
    # Read until `limit` different items: the same commitment matches once a semester.
    for item in items:
        if item.key in found:
            continue
        version = versions[item.version_id]
        page = reverse("publication:public_version", args=[version.round_id, version.number])
        found[item.key] = PublishedRow(
            title=item.title,
            text=item.text,
            area=item.area,
            status=item.status,
            publication=version.title,
            url=page + item.place,
        )
        if len(found) == limit:
            break
    return list(found.values())


def _band_text(record: dict) -> str:
    """«Assolit parcialment (75 %)», as the follow-up published it."""
    try:
        label = str(BAND_LABELS[Band(record.get(BAND_FIELD))])
    except ValueError:
        return record.get(COMPLIANCE_COLUMN) or ""
    compliance = record.get(COMPLIANCE_COLUMN) or ""
    return f"{label} ({compliance})" if compliance and compliance != label else label
