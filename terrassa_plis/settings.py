"""Settings for Terrassa PLIS.

Production is the default: with DEBUG unset, start-up stops with one sentence until
SECRET_KEY, ALLOWED_HOSTS, SITE_URL and ADMINS are set (and DATABASE_URL, for anything
but the embedded SQLite file). Demo mode (DEBUG=1, SQLite under `var/`) is what
`make run` and the tests ask for.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from terrassa_plis.env import (
    cache_from_url,
    database_from_url,
    env_admins,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# A developer's checkout may keep its settings in `.env` (not in git: `DEBUG=1` is
# enough to run manage.py by hand), or in the file ENV_FILE names; the environment wins.
load_env_file(Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env"))

# Off unless asked for: a forgotten variable must never serve the demo's secret key.
DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "demo-only-key-never-use-in-production-2f9c1e")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [], required=True)

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "terrassa_plis",
    "governance",
    "commitments",
    "service_charters",
    # Before publication: the demo relates its items before publication's demo publishes.
    "relations",
    "publication",
    "overview",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "terrassa_plis.middleware.CatalanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so that it sees every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "terrassa_plis.urls"
WSGI_APPLICATION = "terrassa_plis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL"), sqlite_default=VAR_DIR / "terrassa_plis.sqlite3"
    )
}
if not env_str("DATABASE_URL"):
    # The embedded default: make its folder on first use, so a fresh clone just runs.
    VAR_DIR.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache: by default the database cache table (`plis_cache`, made by every
# `manage.py migrate`, see `TerrassaPlisConfig`), which every web process on every machine
# shares through the database; CACHE_URL points it elsewhere (redis://…, memcached://…).
CACHES = {
    "default": cache_from_url(
        env_str("CACHE_URL"), table="plis_cache", max_entries=env_int("CACHE_MAX_ENTRIES", 2000)
    )
}
# How long a page that is the same for everyone (a dashboard, a public page) is kept
# (`terrassa_plis.cache`); 0 makes every request build it again. An edit of the data it
# shows makes the next request build it anew whatever this says.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Catalan first.
LANGUAGE_CODE = "ca"
LANGUAGES = [("ca", _("Català")), ("es", _("Castellà")), ("en", _("Anglès"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["terrassa_plis.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# In demo mode WhiteNoise serves straight from static/, with no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Every file the app writes (published versions, documents made in the background) goes
# through the default storage: a folder under MEDIA_ROOT, or, with
# AWS_STORAGE_BUCKET_NAME set, an S3-compatible bucket that web processes and workers on
# several machines share (django-storages, `pip install ".[s3]"`; it reads the other
# AWS_* variables itself: AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY…).
DEFAULT_STORAGE = (
    {"BACKEND": "storages.backends.s3.S3Storage"}
    if env_str("AWS_STORAGE_BUCKET_NAME")
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Production (DEBUG off) passes `manage.py check --deploy` with no warnings.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer asks over plain HTTP; a redirect would read as «down».
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts or styles: every asset is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Failed logins: lock the username + address pair, so nobody can lock a colleague out
# by mistyping their username from another machine.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# A model's history (its «Historial» in the admin, and going back to an old version) is
# open to whoever holds a permission on the history model itself, which no role is
# given: administrators only, never whoever may merely read or change the record.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# Background work (documents, large exports, publishing) runs in `manage.py db_worker`
# processes: tasks wait in the database, so any number of web processes and workers on
# any number of machines share them. TASKS_BACKEND=immediate runs each task inside the
# request that asks for it (tests, and a demo without a worker).
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND",
    {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    },
    default="database",
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
# `/health/` answers 503 when a task has waited longer than this many seconds for a
# worker (0: never): the workers are down or far behind. A whole-plan PDF takes tens of
# seconds, so a few queued behind one another stay well within it.
HEALTH_MAX_QUEUE_AGE = env_int("HEALTH_MAX_QUEUE_AGE", 900)
# Seconds a publication may spend rendering its document before it stops and publishes
# nothing (the 2019-2023 balance at city scale takes about 20 s).
PUBLISH_TIME_BUDGET = env_int("PUBLISH_TIME_BUDGET", 300)

# Uploads and imports, bounded before anything is parsed (`terrassa_plis.imports`). A
# follow-up sheet or a plan is a few hundred rows and well under 1 MB; an XLSX unpacks to
# ten or twenty times its size, never to gigabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 2 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "plis@terrassa.cat")
# Error reports leave from this address (Django's default, root@localhost, is refused
# by most mail relays).
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The people e-mailed every server error and every failed background task: the 500
# page tells the reader they have been informed, so production needs someone to inform.
ADMINS = env_admins("ADMINS", required=not DEBUG)
# The app's public address, for links in e-mails sent by commands (no request to ask):
# in production a wrong default would send every technician a link to nowhere.
SITE_URL = (
    env_str("SITE_URL", "http://127.0.0.1:8000") if DEBUG else env_str("SITE_URL", required=True)
)

# One line per event the team may be asked about: who published, imported, sent
# reminders, and every background task that failed (which is also e-mailed to ADMINS).
# The named loggers are `terrassa_plis.<event>`: publication, imports, reminders, tasks.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "event": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "event"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "terrassa_plis": {
            "level": env_choice(
                "LOG_LEVEL", {name: name for name in ("DEBUG", "INFO", "WARNING")}, "INFO"
            ),
        },
        "terrassa_plis.tasks": {"handlers": ["mail_admins"]},
        # The PDFs share the screen stylesheet, whose screen-only rules WeasyPrint
        # reports as ignored on every render.
        "weasyprint": {"level": "ERROR"},
    },
}

# The longest a document (a PDF, a large export) may take in a worker before it stops
# and says so; far above the slowest whole-plan PDF measured at city scale.
DOCUMENT_TIME_BUDGET = env_int("DOCUMENT_TIME_BUDGET", 300)
# A worker renders each document and each publication in a child process that ends with
# it: the memory a long layout takes goes back to the system, and a render past its
# budget is stopped (`terrassa_plis.isolation`).
WORKER_ISOLATION = env_bool("WORKER_ISOLATION", True)
