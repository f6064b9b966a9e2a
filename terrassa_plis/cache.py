"""Pages that are the same for everyone for a while (a dashboard for a period, a public
page), kept in Django's cache and served from it until the data they show changes.

What is kept is what the page itself shows: the blocks it fills in `base.html`
(`page_block` in `templatetags/plis.py` hands them over as they render). The rest of
`base.html` is rendered again on every request, for whoever asks: their name, their
navigation, their messages and the CSRF tokens of the sign-out and language forms are
never kept nor served to anyone else.

A page is kept under the fingerprint the documents use (`terrassa_plis.documents`): the
view and its arguments, the query string, the language, the version of the data (raised
by every committed change) and of the templates, plus the day (what is due or current
moves with it) and the reader's audience (their roles, as the app decides them: one
role's page is never served to another). An edit makes a new fingerprint, so the next
request builds the page again; the old one is forgotten with time.

This module knows no app's models: each view says what its audience is.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from terrassa_plis.documents import fingerprint

# Where `page_block` hands the blocks it renders over, on the request being kept.
CAPTURED_BLOCKS = "_cached_page_blocks"
# The page that puts kept blocks back into `base.html`.
CACHED_PAGE_TEMPLATE = "cached_page.html"


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
            # The data version is read before the page is built: a change committed
            # meanwhile makes the kept page newer than its key, never older.
            key = page_key(name, request, args, kwargs, audience(request))
            blocks = cache.get(key)
            if blocks is not None:
                # Each block is HTML as the page's own template wrote (and escaped) it.
                kept = {block: mark_safe(text) for block, text in blocks.items()}
                return render(request, CACHED_PAGE_TEMPLATE, {"cached_blocks": kept})
            setattr(request, CAPTURED_BLOCKS, {})
            try:
                response = view(request, *args, **kwargs)
            finally:
                blocks = getattr(request, CAPTURED_BLOCKS)
                delattr(request, CAPTURED_BLOCKS)
            if response.status_code == 200 and "content" in blocks:
                cache.set(key, blocks, seconds)
            return response

        return wrapper

    return decorator


def page_key(name: str, request, args, kwargs, audience: str) -> str:
    params = {
        "args": args,
        "kwargs": kwargs,
        "query": sorted(request.GET.lists()),
        "audience": audience,
        "day": timezone.localdate().isoformat(),
    }
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"page:{fingerprint(name, params, language)}"


def prepare_cache(using: str = "default", **kwargs) -> None:
    """After every `migrate` (a deploy, a new database, a test run): the database cache's
    table exists, and nothing kept by the previous release (whose code may build pages
    otherwise) is served by this one."""
    call_command("createcachetable", database=using, verbosity=0)
    cache.clear()
