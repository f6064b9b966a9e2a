"""The project's django-tables2 tables: sorted, paginated and exported by django-tables2,
their body written here at the cost of a template loop.

django-tables2 renders each cell through its general machinery: it inspects the render
method's signature, resolves the accessor step by step and looks for a choices display,
once per cell. For a page of 50 rows and six columns that is most of the list page's
time (63 ms against 28.6 ms for a template loop of the same table). `LeanTable` does
that work once per column and then writes each row as one string of cells.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import RequestConfig

from terrassa_plis.formatting import data_lang_attribute

PER_PAGE = 50


class ForgivingPaginator(Paginator):
    """A page number out of range or not a number shows the nearest page, not an error.

    Links are shared and bookmarked: page 4 of a list that has since shrunk, or a
    mistyped number, still shows a page of the list.
    """

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            return 1
        return min(max(number, 1), self.num_pages)


class CountedPaginator(ForgivingPaginator):
    """A forgiving paginator of a list whose length is already known (counted with
    others in one query), so it does not count the list again."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        # Paginator.count is a cached property: the known length takes its place.
        self.count = count


@dataclass(frozen=True)
class PageLink:
    label: str  # the page's number, or «…» for the pages left out (no link)
    url: str | None
    is_current: bool = False


@dataclass(frozen=True)
class PageNav:
    """A list's pages as `templates/_pagination.html` shows them, the way the tables
    show theirs: each link keeps the rest of the query string."""

    links: list[PageLink]
    previous_url: str | None
    next_url: str | None


def page_nav(request, page: Page, field: str) -> PageNav:
    """The links to the pages of `page`'s list, its number named `field` in the query
    string (a page has several lists, each with its own)."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query[field] = number
        return f"?{query.urlencode()}"

    paginator = page.paginator
    links = [
        PageLink(str(number), None)
        if number == paginator.ELLIPSIS
        else PageLink(str(number), url(number), number == page.number)
        for number in paginator.get_elided_page_range(page.number)
    ]
    return PageNav(
        links=links,
        previous_url=url(page.previous_page_number()) if page.has_previous() else None,
        next_url=url(page.next_page_number()) if page.has_next() else None,
    )


def paginate_always(table: "LeanTable", request, *, count: int | None = None) -> None:
    """Sort `table` by the request, and paginate it always with the table's `per_page`
    rows (PER_PAGE unless its class says otherwise). `count`, when the caller counted the
    table's rows already, spares the paginator its own count query.

    django-tables2 would also take `per_page` from the query string: a negative one
    fails and a huge one loads the whole plan in one page.
    """
    RequestConfig(request, paginate=False).configure(table)
    paginator = {"paginator_class": ForgivingPaginator}
    if count is not None:
        paginator = {"paginator_class": CountedPaginator, "count": count}
    table.paginate(
        per_page=table.per_page,
        page=request.GET.get(table.prefixed_page_field, 1),
        **paginator,
    )


# What a render_<name> method (or a column's render) may ask for, as django-tables2
# passes it; `bound_row` is not offered: the body has no BoundRow.
_CELL_ARGUMENTS = {"value", "record", "column", "bound_column", "table"}


class LeanTable(tables.Table):
    """A table whose body (`body_rows`, shown by templates/tables/table.html) is written
    once per page: each column's reader, render method and cell attributes are looked
    up once, then each cell is the render method's result for the record's value (the
    column's default for an empty value), linked when the column is linkified.

    A column's `td` attributes are static here: no callables depending on the record.
    A field with choices shows its stored value: a column that should show the label
    says so in its render method. The columns named in `data_columns` hold the council's
    data, always Catalan: their cells say so on a page in another language.
    """

    data_columns: tuple[str, ...] = ()
    # Rows a page (`paginate_always`): a table that is a short to-do list says fewer.
    per_page: int = PER_PAGE
    # The column that names each row (a commitment's code, a charter's title): its cells
    # are the rows' headers, which a screen reader reads out with every cell of the row.
    row_header: str | None = None

    def body_rows(self) -> list[SafeString]:
        """Each row of the page (of the whole table when it is not paginated) as its cells."""
        data_lang = data_lang_attribute()
        writers = [self._cell_writer(column, data_lang) for column in self.columns]
        cells = [
            '<th scope="row"{}>{}</th>' if column.name == self.row_header else "<td{}>{}</td>"
            for column in self.columns
        ]
        rows = self.page.object_list if hasattr(self, "page") else self.rows
        return [
            mark_safe(  # noqa: S308 - each cell is format_html's, escaped there
                "".join(
                    format_html(cell, attrs, write(row.record))
                    for cell, (attrs, write) in zip(cells, writers, strict=True)
                )
            )
            for row in rows
        ]

    def _cell_writer(self, bound_column, data_lang) -> tuple[str, Callable[[object], object]]:
        column = bound_column.column
        td = bound_column.attrs["td"].as_html()
        attrs = format_html(" {}", td) if td else ""
        if bound_column.name in self.data_columns:
            attrs = format_html("{}{}", attrs, data_lang)
        accessor = bound_column.accessor
        resolve = partial(accessor.resolve, quiet=True)
        if accessor and accessor.SEPARATOR not in accessor:
            attribute = attrgetter(accessor)

            def read(record):
                # A record's attribute, read at once; a dict's key or a missing
                # attribute (None, as django-tables2 reads it) by the accessor.
                # A method (called by the accessor) too.
                try:
                    value = attribute(record)
                except AttributeError:
                    return resolve(record)
                return resolve(record) if callable(value) else value
        else:
            read = resolve
        render = bound_column.render
        wanted = set(inspect.signature(render).parameters) & _CELL_ARGUMENTS
        fixed = {"column": column, "bound_column": bound_column, "table": self}
        fixed = {name: value for name, value in fixed.items() if name in wanted}
        wants_value, wants_record = "value" in wanted, "record" in wanted
        empty_values, default, link = column.empty_values, bound_column.default, bound_column.link

        def write(record):
            value = read(record)
            if value in empty_values:
                return default
            arguments = dict(fixed)
            if wants_value:
                arguments["value"] = value
            if wants_record:
                arguments["record"] = record
            content = render(**arguments)
            if link:
                return link(
                    content, value=value, record=record, bound_column=bound_column, table=self
                )
            return content

        return attrs, write
