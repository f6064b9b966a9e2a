"""Related items between the instruments, as every page and document shows them.

A plan's commitment is carried out by services whose charter indicators the council
follows, and by actions of the PLIS; each domain app shows the other instruments'
items without importing them (ARCHITECTURE.md). The cross-app app that keeps the
relations (`relations`) registers here, when Django starts, a *source* per model: a
function that takes ids of that model and returns, for each, the items related to it
as plain `RelatedItem`s, already worded. A domain app asks here by its own model's
label and gets nothing (and pays no query) when no source is registered.

The plan's import and export write related items as codes (`RelatedCodes`), through the
same kind of registration.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RelatedItem:
    """One item of another instrument, as «Informació relacionada» lists it."""

    kind: str
    """What it is: «Indicador de carta de serveis», «Acció del PLIS», «Compromís»."""
    code: str
    """How the plan's import and export name it: «IND-12», «PLIS-1.2.1», «21»."""
    title: str
    url: str
    figures: str = ""
    """Its latest figures, worded: «Compliment 2021: 100 %»."""
    badge: str = ""
    """Its band or decision, when it has one: «Assolit»."""
    badge_class: str = ""
    """The stylesheet's class for the badge: «band band--met»."""
    context: str = ""
    """Where it belongs: the charter, the plan."""


Source = Callable[[list[int]], dict[int, list[RelatedItem]]]

_sources: dict[str, Source] = {}


def register(model_label: str, source: Source) -> None:
    """Make `source` answer for the items related to objects of `model_label`
    («commitments.PlanNode»); registering again replaces it."""
    _sources[model_label] = source


def related_items(model_label: str, ids: Iterable[int]) -> dict[int, list[RelatedItem]]:
    """The items related to each of `ids`, by id; ids with none are absent. With no
    source registered, or no ids, an empty dict and no query."""
    source = _sources.get(model_label)
    ids = list(ids)
    if source is None or not ids:
        return {}
    return source(ids)


class RelatedCodes(Protocol):
    """The related items of a model's objects as codes, for a file that is exported,
    edited and imported again."""

    def codes_for(self, ids: list[int]) -> dict[int, list[str]]:
        """Each object's related codes, in the order they print."""

    def unknown(self, codes: Iterable[str]) -> list[str]:
        """The codes among `codes` that name no item, in their order."""

    def replace(self, codes_by_object: dict, *, user, reason: str) -> None:
        """Make each object's related items those its codes name (objects, not ids:
        the import may have just created them), recording who and why."""


_codecs: dict[str, RelatedCodes] = {}


def register_codes(model_label: str, codec: RelatedCodes) -> None:
    _codecs[model_label] = codec


def related_codes(model_label: str) -> RelatedCodes | None:
    """The codec of `model_label`, or None when no app keeps its relations."""
    return _codecs.get(model_label)


def split_codes(cell: str) -> list[str]:
    """The codes of a cell as people type them: «IND-3, IND-4; PLIS-1.2.1», each once."""
    seen: dict[str, None] = {}
    for part in cell.replace(";", ",").replace("\n", ",").split(","):
        code = part.strip()
        if code:
            seen.setdefault(code, None)
    return list(seen)
