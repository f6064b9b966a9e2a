"""Observations as technicians write them: paragraphs, bullet lists, bold and links only.

Stored as the Markdown-like text that was typed, and beside it as the clean HTML it
renders to (`CleanHTMLField`, filled by `RichTextModel.save`): rendered through Markdown
and then sanitised with nh3, so nothing a user types can inject markup or scripts. Pages
and documents show the stored HTML: rendering 825 observations at every view of the
Balanç cost half a second.
"""

import re
import threading

import markdown
import nh3
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

from terrassa_plis.history import DerivedTextField

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


# Building a Markdown parser (its extensions, patterns and processors) costs more than
# most texts take to convert: each thread builds one and resets it between texts. A
# thread of its own, since a parser keeps state while it converts and a worker may run
# tasks in threads.
_parsers = threading.local()


def _parser() -> markdown.Markdown:
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = markdown.Markdown(extensions=["sane_lists"])
    return parser


def render(text: str) -> SafeString:
    if not text or not text.strip():
        return mark_safe("")
    html = _parser().reset().convert(_paragraphs_and_lists(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just removed everything not allowed


class CleanHTMLField(DerivedTextField):
    """The clean HTML of a rich text field, as `render` made it when the record was
    saved; read back as safe HTML, ready for a template."""

    def from_db_value(self, value, expression, connection):
        # Only `render` writes this column (the model's save): its HTML is clean.
        return mark_safe(value) if value is not None else value  # noqa: S308


class RichTextModel(models.Model):
    """A model with rich text fields, each stored beside its clean HTML.

    `rich_text_fields` maps each typed field to its `CleanHTMLField`. Every save fills
    the HTML from the text (`fill_before_save`), whoever saves: the forms' operations,
    the imports, the admin, the demo loaders, fixtures. A bulk_create saves nothing one
    by one: its caller calls `fill_rich_text` on each object first.
    """

    rich_text_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A save of some fields saves the HTML of the texts among them too.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                target
                for source, target in self.rich_text_fields.items()
                if source in update_fields
            }
        super().save(*args, **kwargs)

    def fill_rich_text(self) -> None:
        for source, target in self.rich_text_fields.items():
            setattr(self, target, render(getattr(self, source)))


@receiver(pre_save)
def fill_before_save(sender, instance, **kwargs):
    """Before every save, also a fixture's (loaddata saves without the model's `save`)."""
    if isinstance(instance, RichTextModel):
        instance.fill_rich_text()


def fill_stored_html(model, fields: dict[str, str], batch_size: int = 500) -> None:
    """Fill the clean HTML of every row of `model` from its text: `fields` maps each text
    field to its HTML field. For the migration that adds the HTML fields, whose
    historical model has no `rich_text_fields` nor `save` of its own."""
    rows = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=batch_size):
        for source, target in fields.items():
            setattr(row, target, render(getattr(row, source)))
        rows.append(row)
        if len(rows) == batch_size:
            model.objects.bulk_update(rows, list(fields.values()))
            rows = []
    if rows:
        model.objects.bulk_update(rows, list(fields.values()))


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
