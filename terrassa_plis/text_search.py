"""Finding records by the words of their texts: the one way every search of the site
matches, whichever database runs it.

People type without accents and in any case («participacio» must find «participació»),
so both sides are folded: accents dropped, case ignored. Each searched model
(`SearchableModel`) stores the folded text of its searched fields when a record is
saved, and the search matches that column: folding every text at every search made a
search grow with the data (4 M characters folded a search at three times the city).
On PostgreSQL that is Django's full-text search over the stored text with the Catalan
configuration (so «refugiada» finds «refugiades» too); on SQLite (the demo and the
tests) every word must appear in it. Which of the two runs is decided here, by
`connection.vendor`, and nowhere else.

This module knows no app's models: each model names its own `search_fields`.
"""

import re
import unicodedata
from collections.abc import Sequence

from django.apps import apps
from django.db import connection, connections, models, transaction
from django.db.models import Case, Q, QuerySet, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from terrassa_plis.history import DerivedTextField

# The longest search a person may type, and how many of its words count: a sentence is
# plenty to find a text, and a bound keeps every search's cost bounded too.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
# PostgreSQL's text-search configuration: the city writes in Catalan.
CONFIGURATION = "catalan"

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


class SearchTextField(DerivedTextField):
    """The folded texts of a record's searched fields, as `SearchableModel` wrote them
    when the record was saved: what the search matches, so that no search folds every
    text of the database again."""


class SearchableQuerySet(models.QuerySet):
    """The queryset of a `SearchableModel` (and any base of one): an `update()` of a
    searched field writes the search text of the rows it changed too, in the same
    transaction, so no bulk edit leaves the search finding the old words."""

    def update(self, **kwargs):
        searched = set(kwargs) & set(getattr(self.model, "search_fields", ()))
        # A bulk_update that names `search_text` (`with_search_text`) writes it itself.
        if not searched or "search_text" in kwargs:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # The rows are named first: the filter may not match them once updated.
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = self.model._base_manager.using(self.db)
            for start in range(0, len(pks), REFILL_BATCH):
                changed = filled(rows.filter(pk__in=pks[start : start + REFILL_BATCH]))
                rows.bulk_update(changed, ["search_text"])
        return count


# Rows an `update()` of a searched field reads and writes back at a time.
REFILL_BATCH = 500


class SearchableModel(models.Model):
    """A model the site's search finds by the words of its own `search_fields`.

    Every save stores their folded text in `search_text` (`fill_search_text`), whoever
    saves: the forms' operations, the imports, the admin, the demo loaders, fixtures. A
    bulk_create or bulk_update saves nothing one by one: its caller calls
    `fill_search_text` on each object first, and names `search_text` among the fields a
    bulk_update writes (`with_search_text`). A queryset's `update()` refills it when
    its model's queryset is a `SearchableQuerySet`, as every searched model's is.
    """

    search_fields: tuple[str, ...] = ()

    search_text = SearchTextField(_("text per a la cerca"))

    # A model with a queryset of its own makes it a `SearchableQuerySet`.
    objects = SearchableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A save of some fields saves the search text too when a searched one is among them.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = with_search_text(type(self), update_fields)
        super().save(*args, **kwargs)

    def fill_search_text(self) -> None:
        self.search_text = searched_text(getattr(self, field) for field in self.search_fields)


def searched_text(values) -> str:
    """What `search_text` holds: the folded texts, one a line. A word (`\\w+`) never spans
    a line, so «every word appears in some field» stays the rule."""
    return fold("\n".join(str(value) for value in values if value))


def with_search_text(model, fields):
    """`fields` to save of a `model`, with `search_text` if one of them is searched."""
    fields = set(fields)
    if fields & set(getattr(model, "search_fields", ())):
        fields.add("search_text")
    return fields


def filled(objects):
    """`objects`, each searched one with its search text filled: for a bulk_create or a
    bulk_update, which save nothing one by one. Any iterable; a list back."""
    objects = list(objects)
    for instance in objects:
        if isinstance(instance, SearchableModel):
            instance.fill_search_text()
    return objects


@receiver(pre_save)
def fill_search_text_before_save(sender, instance, **kwargs):
    """Before every save, also a fixture's (loaddata saves without the model's `save`)."""
    if isinstance(instance, SearchableModel):
        instance.fill_search_text()


def fill_stored_search_text(model, fields: Sequence[str], batch_size: int = 500) -> None:
    """Fill the search text of every row of `model` from its `fields`. For the migration
    that adds the column, whose historical model has no `search_fields` nor `save`."""
    rows = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=batch_size):
        row.search_text = searched_text(getattr(row, field) for field in fields)
        rows.append(row)
        if len(rows) == batch_size:
            model.objects.bulk_update(rows, ["search_text"])
            rows = []
    if rows:
        model.objects.bulk_update(rows, ["search_text"])


def matching(queryset: QuerySet, words: Sequence[str]) -> QuerySet:
    """The records of `queryset` (of a `SearchableModel`: a text spread over related rows
    is matched on those rows' own queryset) whose searched fields hold every word."""
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _full_text(queryset, words)
    condition = Q()
    index = connection.ops.quote_name(_trigram_table(queryset.model))
    for word in words:
        # Both sides are folded already: the stored text when saved, the words when typed.
        if len(word) >= TRIGRAM:
            # A phrase of trigrams is the word as a substring, found in the index.
            rows = RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [f'"{word}"'])
            condition &= Q(pk__in=rows)
        else:
            # Shorter than a trigram: the index cannot find it, the text is read.
            condition &= Q(search_text__contains=word)
    return queryset.filter(condition)


def _full_text(queryset: QuerySet, words: Sequence[str]) -> QuerySet:
    # Imported here: django.contrib.postgres needs psycopg, which SQLite installs lack.
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector("search_text", config=CONFIGURATION)
    query = SearchQuery(" ".join(words), config=CONFIGURATION, search_type="plain")
    return queryset.alias(plis_text_search=vector).filter(plis_text_search=query)


def first_matching_by_group(model, words, group_field: str, groups, fields):
    """The rows of `model` whose searched fields hold every word, group after group of
    `groups` and in id order within one, read lazily: whoever wants the first few stops
    reading there. `groups` are (value of `group_field`, first id, last id) triples, the
    ids bounding the group's rows, in the order wanted; `fields` are the columns read.

    So a search that shows the newest few matches pays for those few, not for every row
    that matches a common word. On SQLite each group asks the trigram index for its own
    range of ids, in id order, and a compound query reads the groups one after the other
    (the index cannot order matches otherwise, and an `IN` of the matches would list
    them all first). On PostgreSQL the GIN index finds every match and they are sorted.
    """
    # A group without rows has no bounds, and nothing to find.
    groups = [group for group in groups if group[1] is not None]
    if not words or not groups:
        return iter(())
    if connection.vendor != "sqlite":
        order = Case(
            *(When(**{group_field: value}, then=rank) for rank, (value, *_) in enumerate(groups))
        )
        queryset = model.objects.filter(**{f"{group_field}__in": [value for value, *_ in groups]})
        return (
            matching(queryset, words).only(*fields).order_by(order, "pk").iterator(chunk_size=100)
        )
    quote = connection.ops.quote_name
    table, index = quote(model._meta.db_table), quote(_trigram_table(model))
    pk = quote(model._meta.pk.column)
    group_column = quote(model._meta.get_field(group_field).column)
    names = dict.fromkeys(
        [model._meta.pk.column, *(model._meta.get_field(f).column for f in fields)]
    )
    columns = ", ".join(f"row.{quote(name)}" for name in names)
    long_words = [word for word in words if len(word) >= TRIGRAM]
    # Shorter than a trigram: the index cannot find it, the text is read.
    short = "".join(" AND instr(row.search_text, %s) > 0" for word in words if len(word) < TRIGRAM)
    short_words = [word for word in words if len(word) < TRIGRAM]
    if long_words:
        phrase = " ".join(f'"{word}"' for word in long_words)
        source = (
            f"{index} AS found JOIN {table} AS row ON row.{pk} = found.rowid "
            f"WHERE {index} MATCH %s AND found.rowid >= %s AND found.rowid <= %s"
        )
        order, bound = "found.rowid", lambda first, last: [phrase, first, last]
    else:
        source = f"{table} AS row WHERE row.{pk} >= %s AND row.{pk} <= %s"
        order, bound = f"row.{pk}", lambda first, last: [first, last]
    arms, params = [], []
    for value, first, last in groups:
        # Each arm wrapped, so that it keeps its own ORDER BY, which the index serves.
        arms.append(
            f"SELECT * FROM (SELECT {columns} FROM {source} AND row.{group_column} = %s"
            f"{short} ORDER BY {order})"
        )
        params += [*bound(first, last), value, *short_words]
    return model.objects.raw(" UNION ALL ".join(arms), params).iterator()


# The indexes the search reads, one a searched table, so that a search reads the rows
# that match instead of every stored text (`search_text` grows with the data):
# PostgreSQL, a GIN index of the very vector `_full_text` asks for; SQLite, an FTS5
# table of the text's trigrams, kept by triggers. They are made sure of after every
# migrate rather than by migrations: SQLite rebuilds a table to alter a column and
# drops its triggers with it, so a later migration would silently stop the index.
TRIGRAM = 3


def _trigram_table(model) -> str:
    return f"{model._meta.db_table}_search"


def searched_models() -> list:
    """Every model with a stored search text (`SearchTextField`)."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(field, SearchTextField) for field in model._meta.local_fields)
    ]


def ensure_search_indexes(using: str = "default", **kwargs) -> None:
    """After every migrate: each searched table has its index (made, and filled, when
    it has none)."""
    db = connections[using]
    with db.cursor() as cursor:
        for model in searched_models():
            if db.vendor == "sqlite":
                _ensure_trigram_table(db, cursor, model)
            elif db.vendor == "postgresql":
                _ensure_vector_index(db, cursor, model)


def _ensure_trigram_table(db, cursor, model) -> None:
    quote = db.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    index = _trigram_table(model)
    add = (
        f"INSERT INTO {quote(index)}(rowid, search_text) VALUES (new.{quote(pk)}, new.search_text);"
    )
    remove = (
        f"INSERT INTO {quote(index)}({quote(index)}, rowid, search_text) "
        f"VALUES ('delete', old.{quote(pk)}, old.search_text);"
    )
    triggers = {
        f"{index}_insert": f"AFTER INSERT ON {quote(table)} BEGIN {add} END",
        f"{index}_delete": f"AFTER DELETE ON {quote(table)} BEGIN {remove} END",
        f"{index}_update": (
            f"AFTER UPDATE OF search_text ON {quote(table)} BEGIN {remove} {add} END"
        ),
    }
    names = [index, *triggers]
    cursor.execute(
        f"SELECT name FROM sqlite_master WHERE name IN ({', '.join(['%s'] * len(names))})", names
    )
    existing = {name for (name,) in cursor.fetchall()}
    if existing == set(names):
        return
    if index not in existing:
        cursor.execute(
            f"CREATE VIRTUAL TABLE {quote(index)} USING fts5(search_text, "
            f"content={quote(table)}, content_rowid={quote(pk)}, tokenize='trigram')"
        )
    for name, body in triggers.items():
        if name not in existing:
            cursor.execute(f"CREATE TRIGGER {quote(name)} {body}")
    # Whatever was written while a piece was missing is read again.
    cursor.execute(f"INSERT INTO {quote(index)}({quote(index)}) VALUES ('rebuild')")


def _ensure_vector_index(db, cursor, model) -> None:
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    name = f"{model._meta.db_table[:40]}_search_gin"
    index = GinIndex(SearchVector("search_text", config=CONFIGURATION), name=name)
    with db.schema_editor() as editor:
        sql = str(index.create_sql(model, editor)).replace(
            "CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1
        )
    cursor.execute(sql)
