"""Forms posted as a browser would: `browser_data` reads the POST form a page shows
(inputs, hidden values, checked radios and boxes, textareas), so that every POST carries
what a browser would send, management forms and empty rows included."""

import re
from html.parser import HTMLParser

from tests.pages import markup


class _PostForm(HTMLParser):
    """The fields of the page's POST form, as a browser would submit them."""

    def __init__(self, action=None):
        super().__init__()
        self.action = action
        self.in_form = False
        self.textarea = None
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            # The page's own form posts back to its URL; sign-out and language do not.
            # A page with several forms names each one's URL: `action` picks one.
            self.in_form = (
                attrs.get("action") == self.action if self.action else not attrs.get("action")
            )
        elif not self.in_form:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            if attrs.get("type") in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs.get("value") or "on"
            else:
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that opens a textarea's content.
            name, self.textarea = self.textarea, None
            self.data[name] = self.data[name].removeprefix("\n")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def browser_data(response, action: str | None = None) -> dict[str, str]:
    """What the page's POST form sends (the one posting to `action`, if given)."""
    parser = _PostForm(action)
    parser.feed(response.content.decode())
    assert "csrfmiddlewaretoken" in parser.data, "the page has no POST form"
    return parser.data


def error_next_to(response, field_id: str) -> str:
    """The error messages shown right under the field (or figure row) with this id."""
    found = re.findall(
        rf'<p class="field__error" id="{re.escape(field_id)}_error">(.*?)</p>', markup(response)
    )
    return " ".join(found)


def long_text(length: int) -> str:
    """A text of exactly `length` characters, list lines as a technician types them (it
    starts and ends with a character a form keeps, so its length is the one saved)."""
    line = "- Sessió grupal amb les famílies del barri i les entitats.\n"
    return (line * (length // len(line) + 1))[: length - 1] + "."
