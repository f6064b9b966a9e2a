"""Finding records by the words of their texts: the one way every search of the site
matches, whichever database runs it.

People type without accents and in any case («participacio» must find «participació»),
so both sides are folded: accents dropped, case ignored. On PostgreSQL that is Django's
full-text search over `unaccent(text)` with the Catalan configuration (so «refugiada»
finds «refugiades» too), the extension installed by the `search` app's first
migration. On SQLite (the demo and the tests) each text is folded by a small Python
function registered on the connection, and every word must appear in some field.
Which of the two runs is decided here, by `connection.vendor`, and nowhere else.

This module knows no app's models: callers name the fields of their own querysets.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField

# The longest search a person may type, and how many of its words count: a sentence is
# plenty to find a text, and a bound keeps every search's cost bounded too.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# PostgreSQL's text-search configuration: the city writes in Catalan.
CONFIGURATION = "catalan"
FOLD_FUNCTION = "PLIS_FOLD"

_WORD = re.compile(r"\w+")


def fold(text: str | None) -> str:
    """«Participació» → «participacio»: without accents, in lower case."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def search_words(query: str) -> list[str]:
    """The folded words of what was typed, each once, at most MAX_WORDS."""
    found = []
    for word in _WORD.findall(fold(query[:MAX_QUERY_LENGTH])):
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def text_matches(words: Sequence[str], *texts: str | None) -> bool:
    """Whether every word appears in one of `texts` (folded): for texts already read,
    as the published open data, matched the way the SQLite fallback does."""
    folded = [fold(text) for text in texts if text]
    return bool(words) and all(any(word in text for text in folded) for word in words)


class Unaccent(Func):
    function = "UNACCENT"
    output_field = TextField()


class _Folded(Func):
    function = FOLD_FUNCTION
    output_field = TextField()


def matching(queryset: QuerySet, fields: Sequence[str], words: Sequence[str]) -> QuerySet:
    """The records of `queryset` whose `fields` (of the model itself: a text spread over
    related rows is matched on those rows' own queryset) hold every word."""
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _full_text(queryset, fields, words)
    return _folded_contains(queryset, fields, words)


def _full_text(queryset: QuerySet, fields: Sequence[str], words: Sequence[str]) -> QuerySet:
    # Imported here: django.contrib.postgres needs psycopg, which SQLite installs lack.
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector(*(Unaccent(F(field)) for field in fields), config=CONFIGURATION)
    query = SearchQuery(" ".join(words), config=CONFIGURATION, search_type="plain")
    return queryset.alias(plis_text_search=vector).filter(plis_text_search=query)


def _folded_contains(queryset: QuerySet, fields: Sequence[str], words: Sequence[str]) -> QuerySet:
    _register_fold(connection)
    aliases = {f"plis_folded_{index}": _Folded(F(field)) for index, field in enumerate(fields)}
    condition = Q()
    for word in words:
        condition &= Q(*(Q(**{f"{alias}__contains": word}) for alias in aliases), _connector=Q.OR)
    return queryset.alias(**aliases).filter(condition)


def _register_fold(db) -> None:
    """Give SQLite the folding function (idempotent, and cheap: a connection may be new)."""
    db.ensure_connection()
    db.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
