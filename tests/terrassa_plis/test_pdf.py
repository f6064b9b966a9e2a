"""The PDF helper reads only the app's static files: a URL in a document cannot make the
server read a local file or call another host, and the document still renders."""

import copy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from terrassa_plis import pdf
from tests.pages import embedded_font_descriptors, pdf_reader, pdf_text

STATIC = Path(django_settings.BASE_DIR) / "static"
# A 1×1 PNG: the one image a document may carry inline.
PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
HOSTILE_URLS = ["file:///etc/passwd", "http://127.0.0.1:9/x.png"]
DOCUMENT = f"""{{% extends "pdf_base.html" %}}
{{% block title %}}Document de prova{{% endblock %}}
{{% block content %}}
<h1>Document de prova</h1>
<link rel="stylesheet" href="file:///etc/passwd">
<p>Una observació amb imatges:</p>
<img src="{HOSTILE_URLS[0]}" alt="Contrasenyes">
<img src="{HOSTILE_URLS[1]}" alt="Una imatge d'un altre servidor">
<img src="/media/fitxer.png" alt="Un fitxer pujat">
<img src="{PIXEL}" alt="Un punt">
<p>Fi del document.</p>
{{% endblock %}}
"""


@pytest.fixture
def test_template(settings):
    """The template `test/document.html` (DOCUMENT), beside the project's templates."""
    templates = copy.deepcopy(settings.TEMPLATES)
    options = templates[0]["OPTIONS"]
    templates[0]["APP_DIRS"] = False
    options["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"test/document.html": DOCUMENT}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates
    return "test/document.html"


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, with what the fetcher answered."""
    calls = []
    fetcher_class = pdf._fetcher_class()
    original = fetcher_class.fetch

    def recording_fetch(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except pdf.RefusedURL:
            calls.append((url, "refused"))
            raise
        calls.append((url, "read"))
        return response

    monkeypatch.setattr(fetcher_class, "fetch", recording_fetch)
    return calls


def image_count(content: bytes) -> int:
    return sum(len(page.images) for page in pdf_reader(content).pages)


def test_a_document_naming_local_files_and_other_hosts_renders_without_them(test_template, fetched):
    request = RequestFactory().get("/", secure=True)

    content = pdf.render_pdf(test_template, {}, request=request)

    assert "Fi del document." in pdf_text(content)
    # Asked, and refused: nothing was read from them.
    for url in HOSTILE_URLS:
        assert (url, "refused") in fetched
        assert (url, "read") not in fetched
    assert ("https://testserver/media/fitxer.png", "refused") in fetched
    # Read: the pixel, and the stylesheets' fonts if they were loaded in this test.
    assert all(
        url == PIXEL or urlsplit(url).path.startswith("/static/fonts/")
        for url, answer in fetched
        if answer == "read"
    )
    assert image_count(content) == 1  # the inline pixel, and nothing else


def test_a_document_renders_without_a_request(test_template, fetched):
    content = pdf.render_pdf(test_template, {})

    assert "Document de prova" in pdf_text(content)
    assert ("http://127.0.0.1:9/x.png", "refused") in fetched
    assert image_count(content) == 1


def test_the_stylesheets_still_load_the_static_fonts(test_template, fetched, settings):
    # The stylesheets (and their fonts) are read once per process: read them again here.
    pdf._shared_style.cache_clear()

    reader = pdf_reader(pdf.render_pdf(test_template, {}))

    # Without a request, the document and its stylesheets are based at SITE_URL.
    fonts = f"{settings.SITE_URL.rstrip('/')}/static/fonts"
    assert (f"{fonts}/DejaVuSans.ttf", "read") in fetched
    assert (f"{fonts}/DejaVuSans-Bold.ttf", "read") in fetched
    descriptors = embedded_font_descriptors(reader)
    assert descriptors
    assert all("DejaVu-Sans" in str(d["/FontName"]) for d in descriptors)
    assert all("/FontFile2" in d for d in descriptors)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{STATIC}/css/app.css",  # a static file, but as a path
        "http://127.0.0.1:9/x.png",
        "https://www.terrassa.cat/static/css/app.css",  # another host's static URL
        "https://testserver/media/fitxer.png",  # the same host, not a static file
        "https://testserver/admin/",
        "https://testserver/static/../terrassa_plis/settings.py",
        "https://testserver/static/%2e%2e/terrassa_plis/settings.py",
        "https://testserver/static//etc/passwd",
        "https://testserver/static/css/no-such.css",
        "ftp://testserver/static/css/app.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files_and_data(url):
    fetcher = pdf.url_fetcher("https://testserver/")

    with pytest.raises(pdf.RefusedURL):
        fetcher(url)


@pytest.mark.parametrize("base_url", ["https://testserver/", "http://plis.terrassa.cat/"])
def test_the_fetcher_reads_static_files_from_disk_whatever_the_base_url(base_url):
    fetcher = pdf.url_fetcher(base_url)

    font = fetcher(f"{base_url}static/fonts/DejaVuSans.ttf")
    stylesheet = fetcher(f"{base_url}static/css/print.css?v=2#top")

    assert font.read() == (STATIC / "fonts" / "DejaVuSans.ttf").read_bytes()
    assert stylesheet.read() == (STATIC / "css" / "print.css").read_bytes()
    assert stylesheet.content_type == "text/css"


def test_the_fetcher_reads_data_uris():
    response = pdf.url_fetcher("https://testserver/")(PIXEL)

    assert response.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("language", "footer"),
    [("ca", "Pàgina 1 de 1"), ("es", "Página 1 de 1"), ("en", "Page 1 of 1")],
)
def test_the_page_numbers_speak_the_document_s_language(language, footer):
    from django.utils import translation

    with translation.override(language):
        content = pdf.render_pdf("pdf_base.html", {})

    assert pdf_text(content).strip().endswith(footer)
