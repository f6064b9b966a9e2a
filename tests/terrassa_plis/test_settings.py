import os
import subprocess
import sys
from pathlib import Path

import pytest

from terrassa_plis.env import SettingsError, cache_from_url, database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qp9Lm2Zr5Tv8Wn4Bc6Hd1Jf0Gs3Ky" * 2
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "plis.terrassa.cat",
    "SITE_URL": "https://plis.terrassa.cat",
    "ADMINS": "plis-ops@terrassa.cat",
}


def run_manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "SITE_URL",
            "ADMINS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            # pytest's own settings module asks for demo mode; manage.py's does not.
            "DJANGO_SETTINGS_MODULE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # Whatever a developer's `.env` says, these runs see only the environment given.
        env={**clean, "ENV_FILE": os.devnull, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_database_url_the_embedded_sqlite_file_is_used(tmp_path):
    config = database_from_url(None, sqlite_default=tmp_path / "db.sqlite3")
    assert (config["ENGINE"], config["NAME"]) == (
        "django.db.backends.sqlite3",
        tmp_path / "db.sqlite3",
    )
    # Shared by the web processes and the worker: write-ahead log, writers that wait.
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_the_embedded_database_is_written_ahead_and_kept_open_between_requests(
    tmp_path, django_db_blocker, monkeypatch
):
    # `make test` sets it to 0 for the live server's threads; production leaves it unset.
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = database_from_url(f"sqlite:///{tmp_path}/db.sqlite3", sqlite_default=tmp_path)
    assert config["CONN_MAX_AGE"] == 60
    settings_dict = {
        **config,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    connection = DatabaseWrapper(settings_dict)
    # A file of its own, not the tests' database.
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
        finally:
            connection.close()


def test_a_postgres_url_becomes_a_psycopg_connection(tmp_path):
    config = database_from_url(
        "postgres://plis:s%40fe@db.example:5433/plis?sslmode=require", sqlite_default=tmp_path
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("plis", "plis", "s@fe")
    assert (config["HOST"], config["PORT"]) == ("db.example", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://a@b/c", "postgres://a@b:port/c", "postgres://a@b/", "sqlite://"]
)
def test_a_malformed_database_url_is_refused(url, tmp_path):
    with pytest.raises(SettingsError):
        database_from_url(url, sqlite_default=tmp_path)


def test_debug_accepts_only_clear_boolean_words(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingsError, match="DEBUG must be one of"):
        env_bool("DEBUG", True)


def test_production_without_secret_key_stops_with_one_sentence():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="plis.terrassa.cat")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set: production mode (DEBUG off) needs it."
    ]


def test_without_cache_url_the_database_cache_table_is_shared():
    config = cache_from_url(None, table="plis_cache", max_entries=2000)
    assert config == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "plis_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("db://other_cache", "db.DatabaseCache", "other_cache"),
        ("redis://cache.example:6379/1", "redis.RedisCache", "redis://cache.example:6379/1"),
        ("memcached://a:11211,b:11211", "memcached.PyMemcacheCache", ["a:11211", "b:11211"]),
        ("locmem://", "locmem.LocMemCache", None),
        ("dummy://", "dummy.DummyCache", None),
    ],
)
def test_cache_url_points_the_cache_elsewhere(url, backend, location):
    config = cache_from_url(url, table="plis_cache", max_entries=10)
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert config.get("LOCATION") == location


@pytest.mark.parametrize("url", ["mongodb://x", "db://", "db://no-dashes", "memcached://"])
def test_a_malformed_cache_url_is_refused(url):
    with pytest.raises(SettingsError):
        cache_from_url(url, table="plis_cache", max_entries=10)


def test_a_malformed_cache_url_stops_start_up_with_one_sentence():
    result = run_manage("check", DEBUG="1", CACHE_URL="mongodb://cache")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "CACHE_URL" in result.stderr


def test_a_malformed_database_url_stops_start_up_with_one_sentence():
    result = run_manage("check", DEBUG="1", DATABASE_URL="postgres//missing-colon")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_with_debug_unset_the_app_does_not_start_in_demo_mode():
    """A forgotten DEBUG must not serve the repository's secret key to the world."""
    result = run_manage("check")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set: production mode (DEBUG off) needs it."
    ]


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "SITE_URL", "ADMINS"])
def test_production_without_a_required_setting_stops_with_one_sentence(missing):
    environment = {key: value for key, value in PRODUCTION.items() if key != missing}
    del environment["DEBUG"]  # unset is production

    result = run_manage("check", **environment)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: {missing} is not set: production mode (DEBUG off) needs it."
    ]


def test_admins_must_be_e_mail_addresses():
    result = run_manage("check", **{**PRODUCTION, "ADMINS": "Equip PLIS"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ADMINS must list e-mail addresses, as "
        "'Name <name@example.org>, other@example.org'; got 'Equip PLIS'."
    ]


def test_admins_and_e_mail_come_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.ADMINS, s.SERVER_EMAIL, s.EMAIL_HOST, s.EMAIL_USE_TLS, s.SITE_URL)",
        **{
            **PRODUCTION,
            "ADMINS": "Equip PLIS <plis-ops@terrassa.cat>, guardia@terrassa.cat",
            "SERVER_EMAIL": "errors@terrassa.cat",
            "EMAIL_HOST": "smtp.terrassa.cat",
            "EMAIL_USE_TLS": "1",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "[('Equip PLIS', 'plis-ops@terrassa.cat'), "
        "('guardia@terrassa.cat', 'guardia@terrassa.cat')] "
        "errors@terrassa.cat smtp.terrassa.cat True https://plis.terrassa.cat"
    )


def test_a_local_env_file_fills_what_the_environment_does_not_set(tmp_path, monkeypatch):
    from terrassa_plis.env import load_env_file

    path = tmp_path / ".env"
    path.write_text("# local\nDEBUG=1\n\nSITE_URL='http://127.0.0.1:8000'\nPORT=9000\n")
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "8000")

    load_env_file(path)

    assert os.environ["DEBUG"] == "1"
    assert os.environ["SITE_URL"] == "http://127.0.0.1:8000"
    assert os.environ["PORT"] == "8000"  # the environment wins


def test_a_malformed_env_file_line_is_one_sentence(tmp_path):
    from terrassa_plis.env import SettingsError, load_env_file

    path = tmp_path / ".env"
    path.write_text("DEBUG 1\n")

    with pytest.raises(SettingsError, match=r"\.env, line 1: write NAME=value"):
        load_env_file(path)
