"""Template filters shared by every app: registrations of `terrassa_plis.formatting`
(how the city writes numbers, percentages, half-years and people), rich text, and the
language of the data."""

from django import template

from terrassa_plis import formatting, richtext
from terrassa_plis.cache import CAPTURED_BLOCKS
from terrassa_plis.tables import page_nav

register = template.Library()

register.filter("number", formatting.number)
register.filter("percent", formatting.percent)
register.filter("person", formatting.person_name)
register.filter("shorten", formatting.shorten)
register.filter("semester", formatting.semester)
register.filter("machine_moment", formatting.machine_moment)


@register.filter
def rich_text(value):
    return richtext.render(value or "")


@register.filter
def table_pages(table):
    """A paginated django-tables2 table's pages as every list shows them
    (`templates/_pagination.html`); None when it has a single page."""
    if not getattr(table, "page", None) or table.paginator.num_pages < 2:
        return None
    return page_nav(table.request, table.page, table.prefixed_page_field)


@register.tag
def page_block(parser, token):
    """`{% page_block "content" %}{% block content %}{% endblock %}{% endpage_block %}`:
    renders what it wraps and, when the page is being kept (`terrassa_plis.cache`),
    hands the result over under that name."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("page_block takes one name in quotes") from None
    nodelist = parser.parse(("endpage_block",))
    parser.delete_first_token()
    return PageBlockNode(name.strip("\"'"), nodelist)


class PageBlockNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        output = self.nodelist.render(context)
        captured = getattr(context.get("request"), CAPTURED_BLOCKS, None)
        if captured is not None:
            captured[self.name] = output
        return output


@register.simple_tag
def data_lang():
    """` lang="ca"` on an element holding the council's data, on a page in another
    language (`formatting.data_lang_attribute`)."""
    return formatting.data_lang_attribute()
