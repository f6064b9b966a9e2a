"""The public transparency pages: what the rounds published, readable without signing in.

Every page reads one frozen `PublishedVersion` (see publication.public): its HTML as
published, its PDF from storage, its open data as published. Nothing is rendered or
computed again, so later edits of the plan or the charters never change them.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from governance.caching import cached_for_audience
from governance.composition import bodies_with_counts
from governance.models import Area, Plan
from publication.models import RoundKind
from publication.public import (
    PUBLISHED_LANGUAGE,
    public_document,
    public_version,
    published_rounds,
    published_table,
    version_list,
)
from publication.public_area import build_public_area
from terrassa_plis.exports import CSV, JSON, XLSX, Export, xlsx_export
from terrassa_plis.pdf import PDF_CONTENT_TYPE

DATA_FORMATS = {"csv": CSV, "xlsx": XLSX, "json": JSON}


def _stem(version) -> str:
    """The downloads' file name without extension: the title and the version."""
    return f"{slugify(version.title) or 'document'}-v{version.number}"


def _subject(round_) -> str:
    """The period (with its mandate) of a balance round, the year of a charters round."""
    if round_.kind == RoundKind.BALANCE and round_.period_id:
        return f"{round_.period.label} ({round_.period.mandate.term})"
    return str(round_.year)


# How many publications the public home lists; the index has them all.
HOME_PUBLICATIONS = 5


@login_not_required
@require_safe
def home(request):
    """Signed-in people get their home; citizens, what the city has published, the PLIS
    bodies and the open data, with the staff's sign-in as a link."""
    if request.user.is_authenticated:
        return render(request, "home.html")
    return public_home(request)


@cached_for_audience
def public_home(request):
    """The citizens' home, the same for every visitor (kept, see `caching`)."""
    rounds = list(published_rounds()[: HOME_PUBLICATIONS + 1])
    for round_ in rounds:
        round_.subject = _subject(round_)
        round_.data_links = [
            (
                file_format,
                reverse(
                    "publication:public_data", args=[round_.pk, round_.latest_number, file_format]
                ),
            )
            for file_format in DATA_FORMATS
        ]
    plan = Plan.objects.current()
    context = {
        "rounds": rounds[:HOME_PUBLICATIONS],
        "more_rounds": len(rounds) > HOME_PUBLICATIONS,
        "plan": plan,
        "bodies": bodies_with_counts(plan, timezone.localdate()) if plan else [],
    }
    return render(request, "publication/public_home.html", context)


@login_not_required
@require_safe
@cached_for_audience
def published_index(request):
    rounds = list(published_rounds())
    for round_ in rounds:
        round_.subject = _subject(round_)
    # Each area's published picture (`public_area`) exists once both kinds are published.
    # The areas are read either way, so the page's queries do not depend on what is.
    areas = list(Area.objects.all())
    if not {RoundKind.BALANCE, RoundKind.CHARTERS} <= {r.kind for r in rounds}:
        areas = []
    return render(request, "publication/public_index.html", {"rounds": rounds, "areas": areas})


@login_not_required
@require_safe
@cached_for_audience
def published_page(request, round_pk, number=None):
    """A published version: its beginning and one of its parts (`?part=`, the first by
    default), with a chooser of every part; the whole document is the PDF."""
    version = public_version(round_pk, number, content="intro")
    document = public_document(version, request.GET.get("part") or None)
    previous_part, next_part = document.neighbours()
    round_ = version.round
    links = {
        "page": reverse("publication:public_page", args=[round_.pk]),
        "pdf": reverse("publication:public_pdf", args=[round_.pk, version.number]),
        **{
            file_format: reverse(
                "publication:public_data", args=[round_.pk, version.number, file_format]
            )
            for file_format in DATA_FORMATS
        },
    }
    context = {
        "version": version,
        "document": document,
        "previous_part": previous_part,
        "next_part": next_part,
        "round": round_,
        "subject": _subject(round_),
        "is_latest": version.number == version.latest_number,
        "links": links,
        "versions": version_list(round_.pk),
        "published_language": PUBLISHED_LANGUAGE,
        "in_other_language": get_language() != PUBLISHED_LANGUAGE,
    }
    return render(request, "publication/public_page.html", context)


@login_not_required
@require_safe
def published_pdf(request, round_pk, number):
    """The PDF exactly as published, from storage: never rendered again."""
    version = public_version(round_pk, number)
    if not version.pdf:
        raise Http404
    try:
        stream = version.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        stream,
        content_type=PDF_CONTENT_TYPE,
        as_attachment=False,
        filename=f"{_stem(version)}.pdf",
    )


@login_not_required
@require_safe
def published_data(request, round_pk, number, file_format):
    """The open data exactly as published: CSV and JSON as frozen, XLSX written from
    them (`published_table`)."""
    content_type = DATA_FORMATS.get(file_format)
    if content_type is None:
        raise Http404
    if file_format == "xlsx":
        version = public_version(round_pk, number, content=("csv", "json"))
        header, rows = published_table(version)
        return xlsx_export(_stem(version), header, rows).as_response()
    version = public_version(round_pk, number, content=file_format)
    text = getattr(version, file_format)
    if file_format == "csv":
        # Spreadsheet programs read the accents right with the byte order mark.
        content = text.encode("utf-8" if text.startswith("\ufeff") else "utf-8-sig")
    else:
        content = text.encode("utf-8")
    return Export(f"{_stem(version)}.{file_format}", content_type, content).as_response()


@login_not_required
@require_safe
@cached_for_audience
def public_area(request, number):
    """An area's published picture: from the latest published balance and follow-up
    (`publication.public_area`); not found until both are published."""
    area = get_object_or_404(Area, number=number)
    return render(request, "publication/public_area.html", {"p": build_public_area(area)})
