"""Observations as technicians write them: paragraphs, bullet lists, bold and links only.

Stored as the Markdown-like text that was typed; rendered through Markdown and then
sanitised with nh3, so nothing a user types can inject markup or scripts.
"""

import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def _paragraphs_and_lists(text: str) -> str:
    """Every typed line is its own paragraph, except consecutive list items.

    People type a list right under its introducing sentence and a paragraph right
    after the last item; Markdown would glue those together.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    blocks: list[str] = []
    previous_was_item = False
    for line in lines:
        if not line.strip():
            previous_was_item = False
            continue
        is_item = bool(_LIST_ITEM.match(line))
        if is_item:
            line = _LIST_ITEM.sub("- " if not re.match(r"^\s*\d", line) else "1. ", line, count=1)
        separator = "\n" if (is_item and previous_was_item) else "\n\n"
        blocks.append(separator + line.strip())
        previous_was_item = is_item
    return "".join(blocks).strip()


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One Markdown converter per thread, reset before each text: building one loads its
    extensions, which cost as much as converting (a Balanç page converts hundreds)."""
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(extensions=["sane_lists"])
    return _local.converter


def render(text: str) -> SafeString:
    if not text or not text.strip():
        return mark_safe("")
    html = _converter().reset().convert(_paragraphs_and_lists(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just removed everything not allowed


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BULLET = re.compile(r"^\s*[-*•]\s+", re.MULTILINE)


def plain_text(text: str) -> str:
    """The typed text (lists, **bold**, [links](…)) as plain text, for open data: «- »
    items, no emphasis marks, a link as «text (address)»."""
    text = (text or "").replace("\r\n", "\n").strip()
    text = _LINK.sub(lambda match: f"{match[1]} ({match[2]})", text)
    text = _EMPHASIS.sub(lambda match: match[2], text)
    return _BULLET.sub("- ", text)
