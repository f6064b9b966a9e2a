"""The search's results, grouped by instrument, each with its area and status.

Who reads decides what is searched, as the access guard says: whoever may read the
internal pages searches the live items of the three instruments; everyone else (a
visitor, a user without a role) only what was published: the rows of the published
balances and follow-ups, and the PLIS bodies, which the public pages show.

Each group names at most MAX_RESULTS items and says when there are more. Queries,
whatever the data's size: internal, 5 (the plan's items, the indicators, the bodies,
the actions and their areas); public, 3 (the published versions, the services when a
follow-up row matched, the bodies).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.search import nodes_matching
from governance.access import may_read_internal
from governance.models import ActionDecision
from governance.search import actions_matching, bodies_matching
from publication.public_search import published_matches
from service_charters.search import band_label, indicators_matching, latest_band
from terrassa_plis.formatting import percent, semester, shorten

# How many items each group names: a search is for finding, not for listing.
MAX_RESULTS = 20
NO_AREA = "—"


@dataclass(frozen=True)
class Hit:
    title: str
    text: str
    url: str
    area: str
    status: str
    source: str = ""  # where a published row was published


@dataclass(frozen=True)
class Group:
    key: str  # the section's id
    title: str
    hits: list[Hit]
    more: bool  # more than MAX_RESULTS matched


@dataclass(frozen=True)
class Results:
    groups: list[Group]
    published_only: bool

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def _group(key: str, title, items: Sequence, to_hit: Callable) -> Group:
    """The first MAX_RESULTS of `items` (a queryset sliced one further, or a list)."""
    first = list(items[: MAX_RESULTS + 1])
    hits = [to_hit(item) for item in first[:MAX_RESULTS]]
    return Group(key, str(title), hits, more=len(first) > MAX_RESULTS)


def search(user, words: list[str]) -> Results:
    if may_read_internal(user):
        return Results(_internal(words), published_only=False)
    return Results(_public(words), published_only=True)


# Everyone with a role: the live items


def _node_hit(node) -> Hit:
    status = node.latest_status or gettext("Sense seguiment")
    if node.latest_period:
        status = f"{status} ({node.latest_period})"
    return Hit(
        title=f"{node.level.name} {node.code} · {node.mandate.term}",
        text=shorten(node.text),
        url=node.get_absolute_url(),
        area=node.area.name if node.area_id else NO_AREA,
        status=status,
    )


def _indicator_hit(indicator) -> Hit:
    band, year = latest_band(indicator)
    charter = indicator.commitment.objective.offered_service.charter
    status = band_label(band) + (f" ({year})" if year else "")
    return Hit(
        title=shorten(indicator.name),
        text=charter.title,
        url=indicator.get_absolute_url(),
        area=charter.service.area.name,
        status=status,
    )


def _body_hit(body, *, public: bool = False) -> Hit:
    url = (
        reverse("publication:public_body", args=[body.slug]) if public else body.get_absolute_url()
    )
    return Hit(
        title=body.name,
        text=shorten(body.purpose),
        url=url,
        area=NO_AREA,
        status=body.get_kind_display(),
    )


def _action_hit(action) -> Hit:
    status = action.get_decision_display()
    if action.decision == ActionDecision.VALIDATED and action.latest_degree is not None:
        status = gettext("%(decision)s · %(degree)s implementat (%(period)s)") % {
            "decision": status,
            "degree": percent(action.latest_degree),
            "period": semester(action.latest_period),
        }
    areas = ", ".join(area.name for area in action.areas.all())
    return Hit(
        title=f"{gettext('Acció')} {action.code}",
        text=shorten(action.title),
        url=action.get_absolute_url(),
        area=areas or NO_AREA,
        status=status,
    )


def _internal(words: list[str]) -> list[Group]:
    return [
        _group("pla-de-mandat", _("Pla de Mandat"), nodes_matching(words), _node_hit),
        _group(
            "indicadors",
            _("Cartes de serveis: indicadors"),
            indicators_matching(words),
            _indicator_hit,
        ),
        _group("organs", _("PLIS: òrgans"), bodies_matching(words), _body_hit),
        _group("accions", _("PLIS: accions"), actions_matching(words), _action_hit),
    ]


# Everyone else: what was published


def _published_hit(row) -> Hit:
    return Hit(
        title=row.title,
        text=shorten(row.text),
        url=row.url,
        area=row.area or NO_AREA,
        status=row.status,
        source=row.publication,
    )


def _public(words: list[str]) -> list[Group]:
    # One more than shown, to say when there are more.
    published = published_matches(words, limit=MAX_RESULTS + 1)
    return [
        _group(
            "pla-de-mandat",
            _("Pla de Mandat: balanços publicats"),
            published.balance,
            _published_hit,
        ),
        _group(
            "indicadors",
            _("Cartes de serveis: seguiments publicats"),
            published.charters,
            _published_hit,
        ),
        _group(
            "organs",
            _("PLIS: òrgans"),
            bodies_matching(words),
            lambda body: _body_hit(body, public=True),
        ),
    ]
