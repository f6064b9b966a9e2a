"""Pages that are the same for everyone for a while (a dashboard for a period, a public
page), kept in Django's cache and served from it until the data they show changes.

What is kept is what the page itself shows: the blocks it fills in `base.html`
(`page_block` in `templatetags/plis.py` hands them over as they render). The rest of
`base.html` is rendered again on every request, for whoever asks: their name, their
navigation, their messages and the CSRF tokens of the sign-out and language forms are
never kept nor served to anyone else.

A visitor who is not signed in sees nothing of `base.html` that is theirs but the CSRF
token of the language form: for them the whole page is kept, that token left out, and a
hit only puts the visitor's own token back (`get_token`, as `{% csrf_token %}` does). A
visitor with a message to read (after signing out) gets the page built for them.

A page is kept under the fingerprint the documents use (`terrassa_plis.documents`),
without the data's version: the view and its arguments, the query string, the language,
the version of the templates, plus the day (what is due or current moves with it) and
the reader's audience (their roles, as the app decides them: one role's page is never
served to another). With it are kept the versions of the data apps whose tables the
page's queries named while it was built (`data_apps_read`); a committed change to any of
them makes the next request build the page again, while a change to another app's data
leaves it kept.

This module knows no app's models: each view says what its audience is.
"""

import functools
import re
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from terrassa_plis.documents import DATA_APPS, fingerprint
from terrassa_plis.models import DataVersion

# Where `page_block` hands the blocks it renders over, on the request being kept.
CAPTURED_BLOCKS = "_cached_page_blocks"
# The page that puts kept blocks back into `base.html`.
CACHED_PAGE_TEMPLATE = "cached_page.html"
# The markup of `{% csrf_token %}`, whose value is the one part of a visitor's page that
# is the visitor's own.
CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "\x00csrf\x00"


def cached_page(*, audience: Callable[..., str]):
    """Keep the decorated view's page (a GET answered 200) in the cache.

    `audience(request)` names who the page is built for (a role, «anonymous»): the
    blocks kept for one audience are served to that audience only. The view must show
    nothing in its blocks that depends on the reader beyond that: no CSRF token, no
    per-user content."""

    def decorator(view):
        name = f"page:{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            seconds = settings.PAGE_CACHE_SECONDS
            if not seconds or request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            # The data versions are read before the page is built: a change committed
            # meanwhile makes the kept page older than the data, so it is built again.
            versions = DataVersion.current()
            key = page_key(name, request, args, kwargs, audience(request))
            whole = _keeps_whole_page(request)
            if whole:
                key = f"{key}:whole"
            kept = cache.get(key)
            if kept is not None and _is_current(kept, versions):
                if whole:
                    return _whole_page(request, kept[PAGE])
                # Each block is HTML as the page's own template wrote (and escaped) it.
                blocks = {block: mark_safe(text) for block, text in kept[PAGE].items()}
                return render(request, CACHED_PAGE_TEMPLATE, {"cached_blocks": blocks})
            setattr(request, CAPTURED_BLOCKS, {})
            try:
                with data_apps_read() as apps_read:
                    response = view(request, *args, **kwargs)
            finally:
                blocks = getattr(request, CAPTURED_BLOCKS)
                delattr(request, CAPTURED_BLOCKS)
            if response.status_code == 200 and "content" in blocks:
                if whole:
                    text = response.content.decode(response.charset)
                    page = CSRF_INPUT.sub(rf"\1{CSRF_PLACEHOLDER}\2", text)
                else:
                    page = blocks
                read = {label: versions.get(label, 0) for label in apps_read}
                cache.set(key, {VERSIONS: read, PAGE: page}, seconds)
            return response

        return wrapper

    return decorator


# What a kept page holds: the versions of the apps whose tables it read, and the page.
VERSIONS, PAGE = "versions", "page"


def _is_current(kept: dict, versions: dict[str, int]) -> bool:
    """Whether no app whose data the kept page read has changed since it was built."""
    return all(versions.get(label, 0) == value for label, value in kept[VERSIONS].items())


@contextmanager
def data_apps_read():
    """The labels of the data apps (`documents.DATA_APPS`) whose tables the queries run
    meanwhile name: what a page built meanwhile shows, whichever way it read it."""
    tables = _data_tables()
    found: set[str] = set()

    def record(execute, sql, params, many, context):
        found.update(tables[name] for name in _IDENTIFIER.findall(sql) if name in tables)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield found


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.cache
def _data_tables() -> dict[str, str]:
    """The table of every model of a data app, many-to-many ones included, and its app."""
    return {
        model._meta.db_table: model._meta.app_label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DATA_APPS
    }


def _keeps_whole_page(request) -> bool:
    """Whether the whole page is the same for this reader as for every other one: a
    visitor not signed in, with no message waiting (reading the count marks none read)."""
    return not request.user.is_authenticated and not len(get_messages(request))


def _whole_page(request, text: str) -> HttpResponse:
    """A kept whole page with this visitor's CSRF token, which also sets their cookie."""
    return HttpResponse(text.replace(CSRF_PLACEHOLDER, get_token(request)))


def page_key(name: str, request, args, kwargs, audience: str) -> str:
    params = {
        "args": args,
        "kwargs": kwargs,
        "query": sorted(request.GET.lists()),
        "audience": audience,
        "day": timezone.localdate().isoformat(),
    }
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Without the data's version: a kept page is checked against its own apps' versions.
    return f"page:{fingerprint(name, params, language, data=False)}"


def prepare_cache(using: str = "default", **kwargs) -> None:
    """After every `migrate` (a deploy, a new database, a test run): the database cache's
    table exists, and nothing kept by the previous release (whose code may build pages
    otherwise) is served by this one."""
    call_command("createcachetable", database=using, verbosity=0)
    cache.clear()
