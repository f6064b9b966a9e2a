"""Each searched table has an index the search reads, so that a search reads the rows
that match rather than every stored text: an FTS5 table of trigrams kept by triggers on
SQLite, a GIN index of the searched vector on PostgreSQL. Both are made sure of after
every migrate (`text_search.ensure_search_indexes`): SQLite drops a table's triggers
when a migration rebuilds the table, and the next migrate must bring them back."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Entry, PlanNode
from publication.models import PublishedItem
from terrassa_plis.text_search import ensure_search_indexes, matching, searched_models

SQLITE = connection.vendor == "sqlite"


def index_objects() -> set[str]:
    with connection.cursor() as cursor:
        if SQLITE:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE '%%\\_search%%' ESCAPE '\\'"
            )
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search_gin'")
        return {name for (name,) in cursor.fetchall()}


def test_every_table_with_a_search_text_has_its_index(db):
    tables = {model._meta.db_table for model in searched_models()}
    assert PlanNode._meta.db_table in tables and PublishedItem._meta.db_table in tables
    names = index_objects()
    for table in tables:
        if SQLITE:
            expected = {
                f"{table}_search",
                *(f"{table}_search_{t}" for t in ("insert", "delete", "update")),
            }
        else:
            expected = {f"{table[:40]}_search_gin"}
        assert expected <= names, table


def test_a_word_is_found_through_the_index_and_a_short_one_in_the_text(seed_plan):
    entry = Entry.objects.filter(node=seed_plan.commitment_21).first()
    entry.observations = "Reunió de 10 entitats del xilòfon municipal."
    entry.save()

    with CaptureQueriesContext(connection) as queries:
        found = list(matching(Entry.objects.all(), ["xilofon", "10"]))

    assert found == [entry]
    sql = queries.captured_queries[0]["sql"]
    assert ("MATCH" in sql) if SQLITE else ("@@" in sql)
    # Edited again: the index follows the text.
    entry.observations = "Sense res més."
    entry.save()
    assert not matching(Entry.objects.all(), ["xilofon"]).exists()
    entry.delete()
    assert not matching(Entry.objects.all(), ["sense"]).filter(pk=entry.pk).exists()


@pytest.mark.skipif(not SQLITE, reason="SQLite's triggers are what a table rebuild drops")
def test_a_lost_trigger_is_made_again_and_what_was_written_meanwhile_is_found(seed_plan):
    table = PlanNode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{table}_search_update"')
    node = seed_plan.commitment_21
    node.text = "Compromís sobre el xilòfon municipal."
    node.save()
    assert not matching(PlanNode.objects.all(), ["xilofon"]).exists()

    ensure_search_indexes()

    assert f"{table}_search_update" in index_objects()
    assert list(matching(PlanNode.objects.all(), ["xilofon"])) == [node]
