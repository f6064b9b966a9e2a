"""Settings read from the environment.

Each helper fails with a `SettingsError` whose message is one sentence a
system administrator can act on; `manage.py` and `wsgi.py` print it instead of
a traceback.
"""

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ImproperlyConfigured):
    pass


def load_env_file(path: Path) -> None:
    """A developer's local settings: `NAME=value` lines of `path` (blank lines and `#`
    comments aside) for every name the environment does not set already. A checkout
    without the file, as in CI and production, reads the environment alone."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name.strip()):
            raise SettingsError(f"{path.name}, line {number}: write NAME=value; got {line!r}.")
        os.environ.setdefault(name.strip(), value.strip().strip("'\""))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number; got {raw!r}.") from None


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    raw = os.environ.get(name, "").strip()
    if raw:
        return raw
    if required:
        raise SettingsError(f"{name} is not set: production mode (DEBUG off) needs it.")
    return default


def env_choice(name: str, choices: dict[str, str], default: str) -> str:
    """The value `choices` gives for the environment variable's word (`default` if unset)."""
    raw = os.environ.get(name, "").strip() or default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}; got {raw!r}.")
    return choices[raw]


def env_list(name: str, default: list[str], *, required: bool = False) -> list[str]:
    raw = env_str(name, required=required)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_admins(name: str, *, required: bool = False) -> list[tuple[str, str]]:
    """`Name <address>, other@address`: the people told of every server error."""
    admins = []
    for item in env_list(name, [], required=required):
        match = _ADMIN.fullmatch(item)
        if not match:
            raise SettingsError(
                f"{name} must list e-mail addresses, as 'Name <name@example.org>, "
                f"other@example.org'; got {item!r}."
            )
        address = match["address"] or match["bare"]
        admins.append(((match["name"] or "").strip() or address, address))
    return admins


_ADMIN = re.compile(
    r"(?:(?P<name>[^<>]*)<(?P<address>[^<>@\s]+@[^<>@\s]+)>|(?P<bare>[^<>@\s]+@[^<>@\s]+))"
)


# The embedded database serves several web processes and a worker at once: with its
# write-ahead log readers go on while one writes; a write transaction takes the lock when
# it begins (Django's atomic), so it never fails half-way on «database is locked», and
# waits up to 20 s for another writer to finish.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _sqlite(path) -> dict:
    # A connection kept between requests, as PostgreSQL's: a new one reads the whole
    # schema again before its first query.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": dict(SQLITE_OPTIONS),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
    }


def database_from_url(url: str | None, *, sqlite_default: Path) -> dict:
    """Translate DATABASE_URL into Django's DATABASES['default'].

    Absent: the embedded SQLite file. `postgres://user:pass@host:port/name?opt=v`
    or `sqlite:///absolute/path` otherwise.
    """
    if not url:
        return _sqlite(sqlite_default)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise SettingsError(
                "DATABASE_URL for SQLite must name a file: sqlite:////path/db.sqlite3."
            )
        return _sqlite(path)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SettingsError(
            f"DATABASE_URL must start with postgres:// or sqlite://; got scheme {parts.scheme!r}."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name or "/" in name:
        raise SettingsError(
            "DATABASE_URL must end with the database name: postgres://user:pass@host:5432/name."
        )
    try:
        port = parts.port
    except ValueError:
        raise SettingsError("DATABASE_URL has a port that is not a number.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


# CACHE_URL schemes: Django's backend for each (and whether LOCATION is the URL itself).
_CACHE_BACKENDS = {
    "db": "django.core.cache.backends.db.DatabaseCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}


def cache_from_url(url: str | None, *, table: str, max_entries: int) -> dict:
    """Translate CACHE_URL into Django's CACHES['default'].

    Absent: the database cache in `table`, which every web process on every machine
    shares through the database. `db://other_table`, `locmem://` (one process only),
    `redis://host:6379/0` (needs redis-py), `memcached://host:11211[,host2:11211]`
    (needs pymemcache) or `dummy://` (nothing kept) otherwise.
    """
    if not url:
        url = f"db://{table}"
    parts = urlsplit(url)
    backend = _CACHE_BACKENDS.get(parts.scheme)
    if backend is None:
        raise SettingsError(
            f"CACHE_URL must start with one of {', '.join(f'{s}://' for s in _CACHE_BACKENDS)}; "
            f"got scheme {parts.scheme!r}."
        )
    config = {"BACKEND": backend}
    if parts.scheme == "db":
        name = parts.netloc or parts.path.strip("/")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise SettingsError(f"CACHE_URL db:// must name a table, as db://{table}; got {url!r}.")
        config["LOCATION"] = name
    elif parts.scheme in {"redis", "rediss"}:
        config["LOCATION"] = url
    elif parts.scheme == "memcached":
        servers = [server for server in parts.netloc.split(",") if server]
        if not servers:
            raise SettingsError(
                "CACHE_URL memcached:// must name a server: memcached://host:11211."
            )
        config["LOCATION"] = servers
    if parts.scheme in {"db", "locmem"}:
        # These two forget the oldest third of their entries past this many.
        config["OPTIONS"] = {"MAX_ENTRIES": max_entries}
    return config
