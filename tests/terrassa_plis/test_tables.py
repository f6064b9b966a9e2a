"""The project's tables write their body as django-tables2 would, at a template loop's cost."""

import django_tables2 as tables
from django.test import RequestFactory
from django.utils.html import conditional_escape, format_html

from terrassa_plis.tables import PER_PAGE, LeanTable, paginate_always


class Person:
    def __init__(self, pk, name, city, age):
        self.pk, self.name, self.city, self.age = pk, name, city, age

    def greeting(self):
        return f"Hola, {self.name}"

    def get_absolute_url(self):
        return f"/persones/{self.pk}/"


class PeopleTable(LeanTable):
    name = tables.Column(linkify=True)
    city = tables.Column()
    age = tables.Column(attrs={"td": {"class": "number"}, "th": {"class": "number"}})
    greeting = tables.Column(orderable=False)
    note = tables.Column(accessor="city", empty_values=(), orderable=False)

    def render_age(self, value, record):
        return format_html("{} <em>anys</em> ({})", value, record.pk)

    def render_note(self, value):
        return "sense ciutat" if value is None else value.upper()


PEOPLE = [
    Person(1, "Anna <b>", "Terrassa", 34),
    Person(2, "Bernat", None, 51),
    Person(3, "Carla", "Rubí", 28),
]


def html_of(table):
    return [str(row) for row in table.body_rows()]


def test_each_cell_is_rendered_escaped_linked_and_defaulted_as_django_tables2_does():
    rows = html_of(PeopleTable(PEOPLE))
    assert rows[0] == (
        '<td><a href="/persones/1/">Anna &lt;b&gt;</a></td><td>Terrassa</td>'
        '<td class="number">34 <em>anys</em> (1)</td><td>Hola, Anna &lt;b&gt;</td>'
        "<td>TERRASSA</td>"
    )
    # An empty value shows the column's default, unless the column renders it itself.
    assert "<td>—</td>" in rows[1] and "<td>sense ciutat</td>" in rows[1]


def test_dicts_are_read_by_key():
    class CityTable(LeanTable):
        city = tables.Column()

    assert html_of(CityTable([{"city": "Terrassa"}, {}])) == [
        "<td>Terrassa</td>",
        "<td>—</td>",
    ]


def test_the_body_follows_django_tables2_s_sorting_and_pagination():
    table = PeopleTable(PEOPLE, exclude=["greeting", "note", "city", "age"], order_by="-name")
    table.paginate(per_page=2, page=2)
    assert html_of(table) == ['<td><a href="/persones/1/">Anna &lt;b&gt;</a></td>']


def test_the_project_template_shows_the_body_with_its_caption_and_sort_state():
    table = PeopleTable(PEOPLE, order_by="age")
    table.caption = "Persones"
    html = table.as_html(RequestFactory().get("/"))
    assert '<caption class="visually-hidden">Persones</caption>' in html
    assert 'aria-sort="ascending"' in html
    assert html.index("Carla") < html.index("Anna") < html.index("Bernat")
    assert '<tr><td><a href="/persones/3/">Carla</a></td>' in html


def test_the_cells_are_those_django_tables2_s_own_machinery_renders():
    table = PeopleTable(PEOPLE)

    def cell(column, value):
        attrs = column.attrs["td"].as_html()
        return f"<td{' ' + attrs if attrs else ''}>{conditional_escape(value)}</td>"

    theirs = ["".join(cell(column, value) for column, value in row.items()) for row in table.rows]
    assert html_of(table) == theirs


def test_the_column_that_names_a_row_is_its_header():
    class NamedPeopleTable(PeopleTable):
        row_header = "name"

    rows = html_of(NamedPeopleTable(PEOPLE, exclude=["greeting", "note", "age"]))
    assert rows[0] == (
        '<th scope="row"><a href="/persones/1/">Anna &lt;b&gt;</a></th><td>Terrassa</td>'
    )


def test_a_table_is_paginated_by_its_own_page_size_or_by_the_project_s():
    class ShortPeopleTable(PeopleTable):
        per_page = 2

    request = RequestFactory().get("/", {"page": 2})
    short, usual = ShortPeopleTable(PEOPLE), PeopleTable(PEOPLE * PER_PAGE)
    paginate_always(short, request)
    paginate_always(usual, request)

    assert len(html_of(short)) == 1 and short.paginator.num_pages == 2
    assert len(html_of(usual)) == PER_PAGE and usual.paginator.num_pages == len(PEOPLE)


def test_a_count_already_taken_is_the_paginator_s_not_counted_again():
    table = PeopleTable(PEOPLE)
    # A count that is not the list's length shows which one the paginator took.
    paginate_always(table, RequestFactory().get("/"), count=PER_PAGE + 1)

    assert table.paginator.count == PER_PAGE + 1 and table.paginator.num_pages == 2
