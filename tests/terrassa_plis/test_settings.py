import os
import subprocess
import sys
from pathlib import Path

import pytest

from terrassa_plis.env import SettingsError, database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qp9Lm2Zr5Tv8Wn4Bc6Hd1Jf0Gs3Ky" * 2


def run_manage(*args, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_database_url_the_embedded_sqlite_file_is_used(tmp_path):
    config = database_from_url(None, sqlite_default=tmp_path / "db.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "db.sqlite3"}


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


def test_a_malformed_database_url_stops_start_up_with_one_sentence():
    result = run_manage("check", DATABASE_URL="postgres//missing-colon")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="plis.terrassa.cat",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
