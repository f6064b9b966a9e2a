"""«Què ha canviat»: what a published version changed from the one before it (public,
for everyone, like the versions themselves), and what publishing a round now would
change from its last published version (for those who steer, before staff publish).

Both pages compare rows (`publication.changes`): the public one the two versions'
stored rows, the round's one the rows of the document as it stands now. The changed
items come a page at a time; the counts at the top cover them all.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from governance.access import steering_required
from governance.caching import cached_for_audience
from publication.changes import compare, count_lines, version_rows
from publication.public import PUBLISHED_LANGUAGE, version_to_compare, version_with_previous
from publication.rounds import rounds_with_subjects
from publication.snapshots import current_rows
from publication.views.public import _subject

# Changed items per page: an observation may be long, and a new semester changes them all.
CHANGES_PER_PAGE = 20
PAGE_PARAMETER = "pagina"


def _changes_context(request, before_rows, after_rows) -> dict:
    if before_rows is None or after_rows is None:
        # A version published before versions kept their rows (`version_rows`).
        return {"not_comparable": True, "published_language": PUBLISHED_LANGUAGE}
    changes = compare(before_rows, after_rows)
    page = Paginator(changes.items, CHANGES_PER_PAGE).get_page(request.GET.get(PAGE_PARAMETER))
    return {
        "changes": changes,
        "count_lines": count_lines(changes.counts),
        "page": page,
        "page_parameter": PAGE_PARAMETER,
        "published_language": PUBLISHED_LANGUAGE,
    }


@login_not_required
@require_safe
@cached_for_audience
def public_changes(request, round_pk, number):
    """What version `number` changed from the version before it. One query."""
    version, previous = version_with_previous(round_pk, number)
    round_ = version.round
    context = {
        "version": version,
        "previous": previous,
        "round": round_,
        "subject": _subject(round_),
        "version_url": reverse("publication:public_version", args=[round_.pk, version.number]),
        "previous_url": reverse("publication:public_version", args=[round_.pk, previous.number]),
        **_changes_context(
            request, version_rows(previous, round_.kind), version_rows(version, round_.kind)
        ),
    }
    return render(request, "publication/public_changes.html", context)


@steering_required
@require_safe
def round_changes(request, pk):
    """What publishing the round now would change from its last published version (or,
    before its first, from the last one of an earlier period or year: `version_to_compare`).
    Queries: the round, the version to compare with (one more before the round's first),
    and the rows as they stand now (balance 5, charters 2: `current_rows`); none of the
    rows when there is nothing to compare with."""
    round_ = get_object_or_404(rounds_with_subjects(), pk=pk)
    last = version_to_compare(round_)
    context = {"round": round_, "last": last}
    if last is not None:
        context |= _changes_context(request, version_rows(last, round_.kind), current_rows(round_))
    return render(request, "publication/round_changes.html", context)
