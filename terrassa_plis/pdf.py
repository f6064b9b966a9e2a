"""The one way to make a PDF: a template rendered to HTML, then WeasyPrint.

Reports render the same document partial on the page and in the PDF; the PDF
wrapper template extends `pdf_base.html`. One stylesheet (static/css/print.css)
and one font configuration are parsed once per process and shared, which is much
faster than parsing them for every document. Output is tagged PDF/UA with the
fonts embedded.

WeasyPrint reads nothing but the app's own static files and `data:` URIs (see
`url_fetcher`): a document's HTML holds text people typed, and no URL in it
may make the server read a local file or call another host. Documents render with or
without a request (background workers have none).
"""

import atexit
import mimetypes
from functools import lru_cache
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


class RefusedURL(ValueError):
    """A URL the PDF may not read. WeasyPrint logs it and leaves the resource out."""


def document_base_url(request=None) -> str:
    """What relative URLs in a document resolve against: the request's site, or
    SITE_URL when there is no request (a background worker)."""
    if request is not None:
        return request.build_absolute_uri("/")
    return settings.SITE_URL.rstrip("/") + "/"


def static_prefix(base_url: str) -> str:
    """STATIC_URL as an absolute URL, seen from a document based at `base_url`."""
    return urljoin(base_url, settings.STATIC_URL)


def static_name(url: str, prefix: str) -> str | None:
    """The static file's name (`css/app.css`) if `url` lies under `prefix`; None if it
    does not, or if its name could climb out of the static directories."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if not url.startswith(prefix):
        return None
    name = unquote(url[len(prefix) :])
    parts = name.split("/")
    if not name or "\\" in name or "\0" in name or ".." in parts or "" in parts:
        return None
    return name


def read_static(name: str) -> bytes | None:
    """A static file's bytes: from the finders (the source directories), else from the
    staticfiles storage (collected, hashed names); None if neither has it."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as file:
            return file.read()
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    return None


def url_fetcher(base_url: str):
    """WeasyPrint's fetcher for a document based at `base_url`: the app's static files
    and `data:` URIs, nothing else.

    A static file is a URL under STATIC_URL seen from the base URL (for a document of
    `https://host/`, `https://host/static/css/app.css`), read from disk, never over the
    network. Every other URL raises RefusedURL: `file:` paths, other hosts, other paths
    of the same host, names that climb out of the static directories.
    """
    return _fetcher_class()(static_prefix(base_url))


@lru_cache(maxsize=1)
def _fetcher_class():
    # Defined on first use: importing WeasyPrint takes most of a second, which web
    # processes and management commands that make no PDF should not pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def __init__(self, prefix: str):
            # The parent class opens data: URIs and nothing else.
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.prefix = prefix

        def fetch(self, url, headers=None):
            if url.split(":", 1)[0].lower() == "data":
                return super().fetch(url, headers)
            name = static_name(url, self.prefix)
            body = read_static(name) if name else None
            if body is None:
                raise RefusedURL(f"not one of the app's static files: {url}")
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher


@lru_cache(maxsize=1)
def _shared_style():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Read from disk, but based at their static URL: the fonts they name are then
    # static URLs too, which the fetcher resolves.
    base_url = document_base_url()
    prefix, fetcher = static_prefix(base_url), url_fetcher(base_url)
    stylesheets = [
        CSS(
            filename=finders.find(name),
            base_url=prefix + name,
            url_fetcher=fetcher,
            font_config=font_config,
        )
        for name in ("css/palette.css", "css/app.css", "css/print.css")
    ]
    return stylesheets, font_config


# Release the fonts while WeasyPrint's C bindings still exist, not during interpreter
# shutdown, when FontConfiguration's finaliser would fail noisily.
atexit.register(_shared_style.cache_clear)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The template rendered with `for_pdf` set, as tagged PDF bytes. `request` is
    optional: without one, relative URLs resolve against SITE_URL."""
    from weasyprint import HTML

    _tag_languages()
    stylesheets, font_config = _shared_style()
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    base_url = document_base_url(request)
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher(base_url))
    return document.write_pdf(
        stylesheets=stylesheets,
        font_config=font_config,
        pdf_variant="pdf/ua-1",
        optimize_images=True,
        finisher=scope_table_headers,
    )


@lru_cache(maxsize=1)
def _tag_languages() -> None:
    """Make WeasyPrint's structure elements carry the lang attribute of their HTML
    element as /Lang, which PDF/UA asks for (a Spanish document quoting Catalan data)
    and WeasyPrint 70 leaves out: it writes the document's language only. Wraps the
    function that builds one box's structure elements (it calls itself through the
    module, so the whole tree goes through the wrapper); <html>'s language is already
    the document's."""
    import pydyf
    from weasyprint.pdf import tags

    # Another WeasyPrint may name it otherwise: then its PDFs lose the data's /Lang
    # (tests/accessibility/test_data_language.py says so), not their making.
    build = getattr(tags, "_build_box_tree", None)
    if build is None:
        return

    def build_with_language(box, parent, pdf, *args):
        element = getattr(box, "element", None)
        lang = None
        if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
            lang = element.get("lang")
        for structure_element in build(box, parent, pdf, *args):
            if lang and "Lang" not in structure_element:
                structure_element["Lang"] = pydyf.String(lang)
            yield structure_element

    tags._build_box_tree = build_with_language


def scope_table_headers(document, pdf) -> None:
    """Give every table header cell the Scope PDF/UA asks for, which WeasyPrint's tagging
    leaves out: a column's for a cell of the table's head, a row's elsewhere, as the
    templates' `scope` attributes say. Runs on the PDF's objects before they are written."""

    def parent(element):
        return pdf.objects[int(element["P"].split()[0])]

    for element in pdf.objects:
        if isinstance(element, dict) and element.get("S") == "/TH":
            in_head = parent(parent(element)).get("S") == "/THead"
            element["A"]["Scope"] = "/Column" if in_head else "/Row"
