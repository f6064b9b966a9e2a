"""What changed between two published versions of a document: «Què ha canviat».

A version keeps the rows it was built from (`PublishedVersion.rows`), one per item of
the document, as plain data:

- a balance: one row per commitment (or action), keyed by its level and code, with its
  status, its progress and its observations as published in the open data (the typed
  text without Markdown marks, never the rendered HTML);
- a charters' follow-up: one row per indicator, keyed by the indicator, with its
  result, its degree of compliance and band (`service_charters.compliance`'s rule, as
  the follow-up applied it) and its observations.

`compare` takes the rows of an earlier and a later version (or of what a round would
publish now) and says, item by item, which status moved from what to what, which
observations are new, changed (with the words added and removed) or gone, and which
results and compliance moved; `Changes.counts` sums them up. Plain Python on plain
rows: no query, no template.
"""

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.utils.translation import ngettext

from commitments.plan_io import CODE, LEVEL, TEXT
from publication.models import PublishedVersion, RoundKind
from service_charters.bands import BAND_LABELS
from service_charters.compliance import Band

STATUS_COLUMN = "Estat"
PROGRESS_COLUMN = "% execució"
OBSERVATIONS_COLUMN = "Observacions"


# The rows a version is built from


def balance_rows(records: Iterable[dict]) -> list[dict]:
    """The rows of a balance, from its open data's records (`balance_table`): what the
    published data says of each commitment, so the comparison never reads anything
    the version did not publish."""
    return [
        {
            "key": f"{record[LEVEL]} {record[CODE]}",
            "label": f"{record[LEVEL]} {record[CODE]}",
            "text": record[TEXT],
            "status": record.get(STATUS_COLUMN) or "",
            "progress": _text(record.get(PROGRESS_COLUMN)),
            "observations": record.get(OBSERVATIONS_COLUMN) or "",
        }
        for record in records
    ]


def charters_rows(follow_up: Iterable) -> list[dict]:
    """The rows of a charters' follow-up, from its `FollowUpRow`s: each indicator's
    result and compliance as the report prints them, and its band."""
    return [
        {
            "key": f"indicator-{row.indicator.pk}",
            "label": row.indicator.name,
            "text": f"{row.charter.service.name} · {row.commitment.text}",
            "result": row.result_text,
            "compliance": row.compliance_text,
            "band": row.band.value,
            "observations": row.observations_text,
        }
        for row in follow_up
    ]


def _text(value) -> str:
    return "" if value is None else str(value)


def version_rows(version: PublishedVersion, kind: str) -> list[dict] | None:
    """The rows of `version`: those stored when it was published; for a balance
    published before versions kept them, read again from its frozen open data (its
    records hold the same columns). None for a charters' version published before:
    its open data does not name the indicators, so it cannot be compared."""
    if version.rows:
        return version.rows
    if kind == RoundKind.BALANCE:
        return balance_rows(json.loads(version.json or "[]"))
    return None


# The comparison


class SegmentKind(StrEnum):
    SAME = "same"
    ADDED = "ins"
    REMOVED = "del"


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str


# Words and the spaces between them, so the text is rebuilt exactly.
_TOKENS = re.compile(r"\S+|\s+")


def word_diff(before: str, after: str) -> list[Segment]:
    """`after` against `before` word by word: unchanged, removed and added runs, in
    reading order (what was removed before what replaced it)."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[Segment] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            _append(segments, SegmentKind.SAME, old[old_start:old_end])
            continue
        _append(segments, SegmentKind.REMOVED, old[old_start:old_end])
        _append(segments, SegmentKind.ADDED, new[new_start:new_end])
    return segments


def _append(segments: list[Segment], kind: SegmentKind, tokens: Sequence[str]) -> None:
    text = "".join(tokens)
    if not text:
        return
    if segments and segments[-1].kind == kind:
        segments[-1] = Segment(kind, segments[-1].text + text)
    else:
        segments.append(Segment(kind, text))


class ObservationChange(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True)
class Move:
    """A value that moved: what it was and what it is (empty: there was none)."""

    before: str
    after: str


@dataclass
class ItemChange:
    """One commitment or indicator whose published data changed."""

    label: str
    text: str
    status: Move | None = None
    progress: Move | None = None
    result: Move | None = None
    compliance: Move | None = None
    band: Move | None = None
    observations: ObservationChange | None = None
    observations_before: str = ""
    observations_after: str = ""
    is_new: bool = False  # in the later version only
    is_gone: bool = False  # in the earlier version only

    @cached_property
    def diff(self) -> list[Segment]:
        """The observations' words removed and added; worked out only for the items a
        page shows (a new semester may change every observation of the plan)."""
        if self.observations == ObservationChange.ADDED:
            return [Segment(SegmentKind.ADDED, self.observations_after)]
        if self.observations == ObservationChange.REMOVED:
            return [Segment(SegmentKind.REMOVED, self.observations_before)]
        if self.observations == ObservationChange.CHANGED:
            return word_diff(self.observations_before, self.observations_after)
        return []


@dataclass(frozen=True)
class Counts:
    statuses: int = 0
    observations_added: int = 0
    observations_changed: int = 0
    observations_removed: int = 0
    results: int = 0
    compliance: int = 0
    items_added: int = 0
    items_removed: int = 0

    @property
    def total(self) -> int:
        return sum(vars(self).values())


@dataclass(frozen=True)
class Changes:
    items: list[ItemChange]
    counts: Counts

    @property
    def is_empty(self) -> bool:
        return not self.items


def _move(before: dict, after: dict, name: str, labels=None) -> Move | None:
    old, new = before.get(name) or "", after.get(name) or ""
    if old == new:
        return None
    if labels is not None:
        old, new = _band_label(old, labels), _band_label(new, labels)
    return Move(old, new)


def _band_label(value: str, labels) -> str:
    return str(labels[Band(value)]) if value else ""


def _observations(before: str, after: str) -> ObservationChange | None:
    if before == after:
        return None
    if not before:
        return ObservationChange.ADDED
    if not after:
        return ObservationChange.REMOVED
    return ObservationChange.CHANGED


def compare(before_rows: Sequence[dict], after_rows: Sequence[dict]) -> Changes:
    """What changed from `before_rows` to `after_rows` (the rows of `balance_rows` or
    `charters_rows`), in the later version's order, the items it no longer holds last."""
    before_by_key = {row["key"]: row for row in before_rows}
    after_keys = {row["key"] for row in after_rows}
    items = []
    for row in after_rows:
        old = before_by_key.get(row["key"])
        item = _item_change(old or {}, row)
        item.is_new = old is None
        if item.is_new or _moved(item):
            items.append(item)
    for row in before_rows:
        if row["key"] not in after_keys:
            items.append(ItemChange(label=row["label"], text=row["text"], is_gone=True))
    return Changes(items=items, counts=_counts(items))


def _item_change(before: dict, after: dict) -> ItemChange:
    old = (before.get("observations") or "").strip()
    new = (after.get("observations") or "").strip()
    return ItemChange(
        label=after["label"],
        text=after["text"],
        status=_move(before, after, "status"),
        progress=_move(before, after, "progress"),
        result=_move(before, after, "result"),
        compliance=_move(before, after, "compliance"),
        band=_move(before, after, "band", BAND_LABELS),
        observations=_observations(old, new),
        observations_before=old,
        observations_after=new,
    )


def _moved(item: ItemChange) -> bool:
    return any(
        (item.status, item.progress, item.result, item.compliance, item.band, item.observations)
    )


def _counts(items: Sequence[ItemChange]) -> Counts:
    def count(test) -> int:
        return sum(1 for item in items if test(item))

    return Counts(
        statuses=count(lambda item: item.status and not item.is_new),
        observations_added=count(lambda item: item.observations == ObservationChange.ADDED),
        observations_changed=count(lambda item: item.observations == ObservationChange.CHANGED),
        observations_removed=count(lambda item: item.observations == ObservationChange.REMOVED),
        results=count(lambda item: item.result and not item.is_new),
        compliance=count(lambda item: (item.compliance or item.band) and not item.is_new),
        items_added=count(lambda item: item.is_new),
        items_removed=count(lambda item: item.is_gone),
    )


def count_lines(counts: Counts) -> list[tuple[int, str]]:
    """(number, what it counts) of every count above zero, in a fixed order, in the
    reader's language."""
    lines = [
        (counts.statuses, ngettext("canvi d'estat", "canvis d'estat", counts.statuses)),
        (
            counts.observations_added,
            ngettext("observació nova", "observacions noves", counts.observations_added),
        ),
        (
            counts.observations_changed,
            ngettext(
                "observació modificada", "observacions modificades", counts.observations_changed
            ),
        ),
        (
            counts.observations_removed,
            ngettext(
                "observació suprimida", "observacions suprimides", counts.observations_removed
            ),
        ),
        (
            counts.results,
            ngettext("resultat que ha canviat", "resultats que han canviat", counts.results),
        ),
        (
            counts.compliance,
            ngettext(
                "grau de compliment que ha canviat",
                "graus de compliment que han canviat",
                counts.compliance,
            ),
        ),
        (counts.items_added, ngettext("element nou", "elements nous", counts.items_added)),
        (
            counts.items_removed,
            ngettext("element que ja no hi és", "elements que ja no hi són", counts.items_removed),
        ),
    ]
    return [(value, text) for value, text in lines if value]
