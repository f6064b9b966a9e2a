"""The cache every web process shares: its table is made, and what the previous release
kept forgotten, by every `migrate` (`terrassa_plis.cache.prepare_cache`)."""

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection


def test_migrate_makes_the_cache_table_and_forgets_the_pages_kept_before(db):
    cache.set("page:kept-by-the-previous-release", {"content": "<p>Abans</p>"}, 600)
    assert cache.get("page:kept-by-the-previous-release") is not None

    call_command("migrate", verbosity=0)

    assert cache.get("page:kept-by-the-previous-release") is None


def test_a_database_without_the_cache_table_gets_it_on_migrate(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE plis_cache")
    assert "plis_cache" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "plis_cache" in connection.introspection.table_names()
    cache.set("page:new", {"content": "<p>Ara</p>"}, 600)
    assert cache.get("page:new") == {"content": "<p>Ara</p>"}
