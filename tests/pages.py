"""Pages and PDFs read as a person (or a reader's program) reads them.

Three ways to read a page, each named for what it gives back:

- `markup(response)`: the HTML with its entities decoded, tags kept: for checking markup
  (an `href`, an `aria-current`) and for cutting out a table or a section.
- `visible_text(response)` and `text_of(fragment)`: what a reader sees: tags dropped,
  entities decoded, every run of white space (the no-break space too) made one space.
- `text_keeping_nbsp(fragment)`: the same, but the no-break spaces that keep a figure
  with its unit («75 %») stay as they are printed.

`section` cuts out the markup of a labelled section; `pdf_text` reads a PDF back as
`text_of` reads a fragment.
"""

import io
import re
from html import unescape

from pypdf import PdfReader

TAG = re.compile(r"<[^>]+>")


def markup(response) -> str:
    """The page's HTML, entities decoded, tags kept."""
    return unescape(response.content.decode())


def collapsed(text: str) -> str:
    """The text with every run of white space (the no-break space too) made one space."""
    return " ".join(text.split())


def text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, white space
    (no-break spaces included) collapsed."""
    return collapsed(unescape(TAG.sub(" ", fragment)))


def visible_text(response) -> str:
    """What a reader sees of the whole page, as `text_of` reads a fragment."""
    return text_of(response.content.decode())


def text_keeping_nbsp(fragment: str) -> str:
    """The fragment's text, spaces collapsed but no-break spaces kept, as in «75 %»."""
    text = unescape(TAG.sub(" ", fragment))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def section(response, heading_id: str) -> str:
    """The markup of the page's <section> labelled by `heading_id` (read it with `text_of`)."""
    content = response.content.decode()
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', content, re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def pdf_text(pdf: bytes | PdfReader) -> str:
    """The PDF's text (its bytes or an open reader), every run of white space, the no-break
    space too, made one space."""
    reader = pdf if isinstance(pdf, PdfReader) else pdf_reader(pdf)
    return collapsed(" ".join(page.extract_text() or "" for page in reader.pages))


def embedded_font_descriptors(reader: PdfReader) -> list:
    """The font descriptor of every font the PDF's pages use (descendant fonts included)."""
    descriptors = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptors.append(descriptor.get_object())
    return descriptors


LINK = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.S)


def page_links(response_or_fragment) -> list[tuple[str, str]]:
    """Every link of a page (or of a fragment of markup) as (text a reader sees, href)."""
    content = response_or_fragment
    if not isinstance(content, str):
        content = response_or_fragment.content.decode()
    return [(text_of(text), unescape(href)) for href, text in LINK.findall(content)]
