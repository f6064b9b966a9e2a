"""The one way to make a PDF: a template rendered to HTML, then WeasyPrint.

Reports render the same document partial on the page and in the PDF; the PDF
wrapper template extends `pdf_base.html`. One stylesheet (static/css/print.css)
and one font configuration are parsed once per process and shared, which is much
faster than parsing them for every document. Output is tagged PDF/UA with the
fonts embedded.
"""

import atexit
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


@lru_cache(maxsize=1)
def _shared_style():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheets = [
        CSS(filename=finders.find(name), font_config=font_config)
        for name in ("css/palette.css", "css/app.css", "css/print.css")
    ]
    return stylesheets, font_config


# Release the fonts while WeasyPrint's C bindings still exist, not during interpreter
# shutdown, when FontConfiguration's finaliser would fail noisily.
atexit.register(_shared_style.cache_clear)


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    from weasyprint import HTML

    stylesheets, font_config = _shared_style()
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(
        stylesheets=stylesheets,
        font_config=font_config,
        pdf_variant="pdf/ua-1",
        optimize_images=True,
    )
