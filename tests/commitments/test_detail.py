"""One commitment's page: where it sits in the plan, every period's follow-up, its history."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments.models import Entry, Figure, PlanNode, Status
from commitments.operations import EntryData, FigureData, save_entry


def detail_url(node):
    return reverse("commitments:detail", args=[node.pk])


def test_the_seed_commitment_shows_its_place_text_area_and_latest_entry(
    client, director, seed_plan
):
    client.force_login(director)
    response = client.get(detail_url(seed_plan.commitment_21))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prioritat 2" in html
    assert "Garantirem la qualitat de vida, la justícia social i el benestar per a tothom." in html
    assert "Compromís 21" in html
    assert "Garantirem els drets de les persones migrades" in html
    assert "Drets Socials i Serveis a les Persones" in html
    assert "344 tràmits realitzats" in html
    assert "Completat o en execució dins les previsions" in html
    assert "https://www.terrassa.cat/documents/12006/9903026/Mem%C3%B2ria+2018/" in html
    assert "Memòria 2018" in html


def test_figures_are_a_table_with_the_women_and_men_split(client, director, seed_plan):
    client.force_login(director)
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()
    row = html[html.index("Participants en les formacions") :].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split('<td class="number">')[1:]]
    assert cells == ["144", "121", "23"]
    assert '<th scope="col">Concepte</th>' in html


def test_the_breadcrumb_links_the_priority(client, director, seed_plan):
    client.force_login(director)
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()
    breadcrumb = html[
        html.index('class="breadcrumb"') : html.index("</nav>", html.index("breadcrumb"))
    ]
    assert f'href="{detail_url(seed_plan.priority_2)}">Prioritat 2</a>' in breadcrumb
    assert breadcrumb.index("Prioritat 2") < breadcrumb.index("Compromís 21")


def test_every_period_of_the_mandate_has_a_mark_and_the_missing_ones_say_so(
    client, director, seed_plan
):
    client.force_login(director)
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()
    marks = html[
        html.index('class="period-marks"') : html.index("</table>", html.index("period-marks"))
    ]
    assert marks.count('<th scope="col">') == 8
    assert "Primer semestre de 2019: Completat o en execució dins les previsions" in marks
    assert "Segon semestre de 2015: Sense seguiment" in marks
    assert marks.count("Sense seguiment") == 7


def test_each_status_category_has_a_shape_of_its_own_not_only_a_colour(client, director, seed_plan):
    client.force_login(director)
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()

    categories = set(seed_plan.mandate.statuses.values_list("category", flat=True))
    # Each category's drawing with its colours taken out: what is left is the shape.
    shapes = {
        category: re.sub(
            r'(fill|stroke)="#[0-9a-fA-F]{6}"',
            "",
            re.search(
                rf'<svg class="status__mark status__mark--{category}"[^>]*>(.*?)</svg>', html
            )[1],
        )
        for category in categories
    }
    assert len(set(shapes.values())) == len(categories), shapes


def test_entries_are_listed_newest_first(client, director, seed_plan):
    Entry.objects.create(
        node=seed_plan.commitment_21,
        period=seed_plan.previous_period,
        status=Status.objects.get(mandate=seed_plan.mandate, position=3),
        observations="- 300 tràmits el segon semestre",
    )
    client.force_login(director)
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()
    entries = html[html.index('id="entries-title"') :]
    assert entries.index("Primer semestre de 2019") < entries.index("Segon semestre de 2018")
    assert "300 tràmits el segon semestre" in entries
    assert "En execució però amb retard" in entries


def _data(status, observations, figures=()):
    return EntryData(
        status=status,
        progress=None,
        reason="",
        observations=observations,
        related_information="",
        figures=tuple(figures),
    )


def test_two_saves_show_in_the_history_with_who_and_the_old_and_new_status(
    client, technician_area3, seed_plan
):
    node, period = seed_plan.commitment_21, seed_plan.open_period
    delayed = Status.objects.get(mandate=seed_plan.mandate, position=3)
    pending = Status.objects.get(mandate=seed_plan.mandate, position=2)
    kept = [
        FigureData(f.label, f.value, f.unit, f.women, f.men)
        for f in seed_plan.entry_21.figures.all()
    ]
    first = save_entry(
        node,
        period,
        _data(delayed, "Primera versió", kept),
        base_version=1,
        acting_user=technician_area3,
    )
    save_entry(
        node,
        period,
        _data(pending, "Segona versió", [*kept, FigureData("Tallers", Decimal(4), "tallers")]),
        base_version=first.version,
        acting_user=technician_area3,
    )
    client.force_login(technician_area3)
    html = client.get(detail_url(node)).content.decode()
    history = html[html.index('id="history-title"') :]
    assert "Marta" in history
    assert "Estat de compliment: En execució però amb retard → Pendent" in history
    assert "Observacions: Primera versió → Segona versió" in history
    # The figures were replaced whole: only the new one is a change.
    assert "Xifra afegida: Tallers: 4 tallers" in history
    assert "Xifra eliminada" not in history
    assert history.count("Participants en les formacions") == 0


def test_a_priority_has_its_own_page_without_period_marks(client, director, seed_plan):
    client.force_login(director)
    response = client.get(detail_url(seed_plan.priority_2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Prioritat 2</h1>" in html
    assert "period-marks" not in html
    assert "Edita el seguiment" not in html


def test_an_unknown_commitment_is_not_found(client, director, seed_plan):
    client.force_login(director)
    assert client.get(reverse("commitments:detail", args=[999999])).status_code == 404


def test_a_user_without_role_may_not_read_it(client, user_without_role, seed_plan):
    client.force_login(user_without_role)
    assert client.get(detail_url(seed_plan.commitment_21)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("technician_area3", True), ("director", False), ("technician_other_area", False)],
)
def test_the_edit_link_is_for_who_may_edit_the_open_period(
    request, client, seed_plan, persona, shown
):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(detail_url(seed_plan.commitment_21)).content.decode()
    edit_url = reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )
    assert (f'href="{edit_url}"' in html) is shown
    assert ("Edita el seguiment" in html) is shown


def _commitment_with_entries(seed, count):
    """A commitment with `count` entries, each with two figures and two history records."""
    node = PlanNode(
        mandate=seed.mandate,
        level=seed.commitment_21.level,
        parent=seed.priority_2,
        code="77",
        text="Compromís amb història",
        area=seed.commitment_21.area,
    )
    node.save()
    statuses = list(Status.objects.filter(mandate=seed.mandate))
    for index, period in enumerate(seed.mandate.periods.order_by("start")[:count]):
        entry = Entry.objects.create(
            node=node, period=period, status=statuses[index % 4], observations="- primer text"
        )
        for position in (1, 2):
            Figure.objects.create(
                entry=entry, position=position, label=f"Xifra {position}", value=10, women=4, men=6
            )
        entry.status = statuses[(index + 1) % 4]
        entry.reason = "Motiu" if entry.status.requires_reason else ""
        entry.observations = "- segon text"
        entry.save()
    return node


@pytest.mark.parametrize("entries", [1, 8])
def test_query_count_does_not_grow_with_entries_figures_or_history(
    client, technician_area3, seed_plan, django_assert_num_queries, entries
):
    node = _commitment_with_entries(seed_plan, entries)
    client.force_login(technician_area3)
    # session, user, the user's groups (role), the node with mandate, level, area and
    # service, its ancestors, the mandate's periods, its statuses, the entries with
    # period and status, their figures, the technician's areas and services (may edit),
    # the entries' history records, their figures' history records, the node's own history
    # records (with who saved each, the parent and its level, area and service they name),
    # its related items (none here: their own figures are pinned in tests/relations).
    with django_assert_num_queries(15):
        response = client.get(detail_url(node))
    assert response.status_code == 200
    assert response.content.decode().count("Xifra 2") >= entries
