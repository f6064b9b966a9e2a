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
from terrassa_plis.text_search import (
    ensure_search_indexes,
    first_matching_by_group,
    matching,
    searched_models,
)
from tests.commitments.conftest import build_commitments

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


@pytest.mark.parametrize("words", [["prova"], ["prova", "de"], ["de"]])
def test_matches_are_read_group_after_group_in_the_order_given_and_by_id_within(seed_plan, words):
    build_commitments(seed_plan, 6)  # «Compromís de prova 100…», spread over the priorities
    found = PlanNode.objects.filter(text__contains="de prova").order_by("pk")
    parents = list(dict.fromkeys(node.parent_id for node in found))[:2]
    groups = []
    for parent in reversed(parents):  # not the order of their ids
        ids = PlanNode.objects.filter(parent_id=parent).values_list("pk", flat=True)
        groups.append((parent, min(ids), max(ids)))
    # A group without rows is passed over.
    groups.append((seed_plan.priority_2.pk + 10_000, None, None))

    read = first_matching_by_group(PlanNode, words, "parent", groups, fields=["code"])

    matches = matching(PlanNode.objects.filter(parent_id__in=parents), words).order_by("pk")
    expected = [
        node.code for parent in reversed(parents) for node in matches if node.parent_id == parent
    ]
    assert len(expected) >= 2
    assert [node.code for node in read] == expected
