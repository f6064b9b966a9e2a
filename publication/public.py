"""Which versions the public pages show: only what a round has published, never a draft.

A round is public once it has at least one `PublishedVersion`; its rows are frozen, so
the public pages read them and nothing else (no entry, measurement or live builder).
Everything that is not a published version — a round never published, an unknown
round or version number — is simply not found, so URLs can't be guessed into drafts.
"""

import json
from dataclasses import dataclass

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import Http404

from publication.models import PublishedPart, PublishedVersion, ReportingRound
from terrassa_plis.exports import read_table

# The frozen document is rendered in the language the site speaks first.
PUBLISHED_LANGUAGE = "ca"

# The large frozen texts: read only by the view that serves each of them.
FROZEN_CONTENT = ("html", "intro", "csv", "json", "rows")


def published_rounds() -> QuerySet[ReportingRound]:
    """Every round with a published version, newest publication first; one query.

    Each round carries the latest version's `latest_number`, `latest_title` and
    `latest_published_at`.
    """
    latest = PublishedVersion.objects.filter(round_id=OuterRef("pk")).order_by("-number")
    return (
        ReportingRound.objects.annotate(
            latest_number=Max("versions__number"),
            latest_title=Subquery(latest.values("title")[:1]),
            latest_published_at=Subquery(latest.values("published_at")[:1]),
        )
        .filter(latest_number__isnull=False)
        .select_related("period__mandate")
        .order_by("-latest_published_at", "-pk")
    )


def _versions_of(round_pk: int) -> QuerySet[PublishedVersion]:
    return PublishedVersion.objects.filter(round_id=round_pk)


def public_version(
    round_pk: int, number: int | None = None, *, content: str | tuple[str, ...] = ()
):
    """The published version `number` of the round (the latest when None); one query.

    The version carries `latest_number`, the round's current version. Of the frozen
    texts only those named by `content` ("html", "csv", "json", "rows", or several) are read.
    Anything else raises Http404.
    """
    content = (content,) if isinstance(content, str) else content
    versions = _versions_of(round_pk)
    latest = versions.order_by("-number").values("number")[:1]
    queryset = (
        versions.select_related("round__period__mandate")
        .defer(*(name for name in FROZEN_CONTENT if name not in content))
        .annotate(latest_number=Subquery(latest))
    )
    if number is None:
        version = queryset.order_by("-number").first()
    else:
        version = queryset.filter(number=number).first()
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class PublicDocument:
    """What the public page shows of a version: the document's beginning and one part,
    with every part's key and title for the chooser; or, for a version published before
    parts, the whole document as `html` and no parts."""

    intro: str
    html: str
    parts: list[dict]
    current: dict | None

    def neighbours(self) -> tuple[dict | None, dict | None]:
        """The parts before and after the current one, for «anterior / següent»."""
        if self.current is None:
            return None, None
        at = self.parts.index(self.current)
        return (
            self.parts[at - 1] if at > 0 else None,
            self.parts[at + 1] if at + 1 < len(self.parts) else None,
        )


def public_document(version: PublishedVersion, part_key: str | None) -> PublicDocument:
    """The part `part_key` of the version (its first part when None), with the
    version's `intro` read. Two queries: the parts' keys and titles, the part's HTML
    (the whole document's for a version without parts). An unknown key raises Http404."""
    parts = list(version.parts.order_by("position").values("key", "title"))
    if not parts:
        if part_key:
            raise Http404
        html = PublishedVersion.objects.filter(pk=version.pk).values_list("html", flat=True)
        return PublicDocument(intro="", html=html.first() or "", parts=[], current=None)
    current = next((part for part in parts if part["key"] == part_key), None)
    if part_key is None:
        current = parts[0]
    if current is None:
        raise Http404
    html = PublishedPart.objects.filter(version=version, key=current["key"])
    return PublicDocument(
        intro=version.intro,
        html=html.values_list("html", flat=True).first() or "",
        parts=parts,
        current=current,
    )


def version_list(round_pk: int) -> list[dict]:
    """Number, date and note of every published version of the round, newest first."""
    return list(_versions_of(round_pk).order_by("-number").values("number", "published_at", "note"))


def published_table(version: PublishedVersion) -> tuple[list[str], list[list]]:
    """The version's open data as a table, for the spreadsheet: the frozen CSV's header
    and rows, with the numbers the frozen JSON gives as numbers (so a spreadsheet can add
    them up). Read from what was published, never built again: the three downloads
    always say the same. Needs the version's `csv` and `json`."""
    header, *rows = read_table("dades.csv", version.csv.encode("utf-8"))
    records = json.loads(version.json or "[]")
    if len(records) != len(rows):
        return header, rows
    return header, [
        [
            _number_or_text(record.get(column), cell)
            for column, cell in zip(header, row, strict=True)
        ]
        for row, record in zip(rows, records, strict=True)
    ]


def _number_or_text(value, text: str):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return text


def version_with_previous(round_pk: int, number: int):
    """The published version `number` of the round and the version before it, with
    what «Què ha canviat» compares (`rows`, and `json` for a version published before
    versions kept their rows); one query. Http404 for an unknown version and for the
    round's first, which has nothing to be compared with."""
    pair = list(
        _versions_of(round_pk)
        .filter(number__lte=number)
        .select_related("round__period__mandate")
        .defer("html", "intro", "csv")
        .order_by("-number")[:2]
    )
    if len(pair) < 2 or pair[0].number != number:
        raise Http404
    return pair[0], pair[1]


def version_to_compare(round: ReportingRound):
    """What publishing `round` now would be compared with: its last published version;
    before its first, the last version published of the same kind before it (the
    balance of an earlier period of the same mandate, the charters of an earlier year).
    None when there is none. One query (two before the round's first version)."""
    versions = PublishedVersion.objects.defer("html", "intro", "csv").select_related(
        "round__period__mandate"
    )
    own = versions.filter(round=round).order_by("-number").first()
    if own is not None:
        return own
    if round.period_id:
        earlier = versions.filter(
            round__period__mandate_id=round.period.mandate_id,
            round__period__start__lt=round.period.start,
        ).order_by("-round__period__start", "-number")
    else:
        earlier = versions.filter(round__kind=round.kind, round__year__lt=round.year).order_by(
            "-round__year", "-number"
        )
    return earlier.first()
