"""The search page: what the header's search box sends."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from search.forms import SearchForm
from search.results import MAX_RESULTS, search


@login_not_required
@require_safe
def search_page(request):
    """Open to everyone: what each reader finds is what the access guard lets them read
    (`search.results.search`). A search too long is refused next to its field."""
    form = SearchForm(request.GET)
    words = form.words()
    context = {
        "form": form,
        "words": words,
        "results": search(request.user, words) if words else None,
        "max_results": MAX_RESULTS,
    }
    return render(request, "search/results.html", context, status=400 if form.errors else 200)
