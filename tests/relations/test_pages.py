"""Relating a commitment to charter indicators and PLIS actions, as the people who use it
would: the area's technician adds and removes them on the commitment's page, and every
reader sees them, with their current figures, on the commitment, in the Balanç, and on
the indicator's and the action's own pages."""

import pytest
from django.urls import reverse

from relations.models import Relation
from relations.operations import RelationRefused, add_relation, remove_relation
from tests.pages import page_links, section, text_of, visible_text


def manage_url(node):
    return reverse("relations:manage", args=[node.pk])


def add_url(node):
    return reverse("relations:add", args=[node.pk])


def detail_url(node):
    return reverse("commitments:detail", args=[node.pk])


def balance_url(period):
    return reverse("commitments:balance", args=[period.pk])


def test_the_area_technician_adds_an_indicator_and_every_reader_sees_its_compliance(
    client, technician_area3, director, scene
):
    indicator = scene.indicators[2]  # «Nombre de cicles realitzats»: 75 % in 2021
    client.force_login(technician_area3)
    detail = client.get(detail_url(scene.commitment_21))
    assert ("Gestiona la informació relacionada", manage_url(scene.commitment_21)) in page_links(
        detail
    )

    response = client.post(add_url(scene.commitment_21), {"target": f"indicator:{indicator.pk}"})

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "S'ha afegit «Nombre de cicles realitzats» a la informació relacionada." in (
        visible_text(page)
    )
    client.force_login(director)
    related = text_of(section(client.get(detail_url(scene.commitment_21)), "related-title"))
    assert "Indicador de carta de serveis Nombre de cicles realitzats" in related
    assert "Compliment 2021: 75" in related and "Assolit parcialment" in related
    balance = visible_text(client.get(balance_url(scene.seed_plan.open_period)))
    assert "INFORMACIÓ RELACIONADA" in balance
    assert "Nombre de cicles realitzats (Carta de serveis de Solidaritat" in balance
    record = Relation.history.get()
    assert record.history_user == technician_area3 and record.history_type == "+"


def test_a_related_action_shows_its_decision_and_latest_degree(client, director, scene):
    add_relation(scene.commitment_21, action=scene.action, acting_user=director)
    client.force_login(director)

    related = text_of(section(client.get(detail_url(scene.commitment_21)), "related-title"))

    assert "Acció del PLIS 1.2.1 Cursos de competències digitals bàsiques" in related
    assert "Grau d'implementació: 60" in related and "1r semestre 2026" in related
    assert "Validada" in related
    assert ("1.2.1 Cursos de competències digitals bàsiques", scene.action.get_absolute_url()) in (
        page_links(section(client.get(detail_url(scene.commitment_21)), "related-title"))
    )


def test_the_indicator_and_the_action_pages_show_the_commitment_they_serve(client, director, scene):
    indicator = scene.indicators[0]
    add_relation(scene.commitment_21, indicator=indicator, acting_user=director)
    add_relation(scene.commitment_21, action=scene.action, acting_user=director)
    client.force_login(director)

    for url in (indicator.get_absolute_url(), scene.action.get_absolute_url()):
        served = section(client.get(url), "served-title")
        assert "Compromís 21. Garantirem els drets de les persones migrades" in text_of(served)
        assert detail_url(scene.commitment_21) in [href for _text, href in page_links(served)]


def test_candidates_of_the_commitment_s_area_come_first(client, technician_area3, scene):
    client.force_login(technician_area3)
    html = client.get(manage_url(scene.commitment_21)).content.decode()

    groups = [group for group in html.split("<optgroup label=")[1:]]
    labels = [text_of(group.split(">")[0]) for group in groups]
    assert labels[0].startswith('"Carta: Carta de serveis de Solidaritat')
    assert labels.index('"Accions del PLIS de l\'àrea"') < labels.index('"Altres accions del PLIS"')
    assert "1.2.1 Cursos" in groups[labels.index('"Accions del PLIS de l\'àrea"')]
    assert "2.2.2 Ajuts" in groups[labels.index('"Altres accions del PLIS"')]


def test_choosing_nothing_answers_next_to_the_field_and_saves_nothing(
    client, technician_area3, scene
):
    client.force_login(technician_area3)

    response = client.post(add_url(scene.commitment_21), {"target": ""})

    assert response.status_code == 200
    assert "Trieu un indicador o una acció de la llista." in visible_text(response)
    assert not Relation.objects.exists()


def test_an_item_already_related_is_not_offered_nor_added_twice(client, technician_area3, scene):
    indicator = scene.indicators[0]
    add_relation(scene.commitment_21, indicator=indicator, acting_user=technician_area3)
    client.force_login(technician_area3)

    assert (
        f'value="indicator:{indicator.pk}"'
        not in client.get(manage_url(scene.commitment_21)).content.decode()
    )
    response = client.post(add_url(scene.commitment_21), {"target": f"indicator:{indicator.pk}"})
    assert "potser ja hi està relacionat" in visible_text(response)
    with pytest.raises(RelationRefused, match="ja és a la informació relacionada"):
        add_relation(scene.commitment_21, indicator=indicator, acting_user=technician_area3)
    assert Relation.objects.count() == 1


def test_removing_takes_it_out_and_a_second_removal_says_who_did_it_first(
    client, technician_area3, staff, scene
):
    relation = add_relation(
        scene.commitment_21, indicator=scene.indicators[0], acting_user=technician_area3
    )
    remove_url = reverse("relations:remove", args=[scene.commitment_21.pk, relation.pk])
    client.force_login(staff)
    client.post(remove_url)
    client.force_login(technician_area3)

    response = client.post(remove_url, follow=True)

    assert not Relation.objects.exists()
    assert "ja no és a la informació relacionada de Compromís 21: el va treure" in (
        visible_text(response)
    )
    assert [record.history_type for record in Relation.history.order_by("history_id")] == [
        "+",
        "-",
    ]
    with pytest.raises(RelationRefused):
        remove_relation(scene.commitment_21, relation.pk, acting_user=staff)


def test_a_technician_of_another_area_may_not_relate_area_3_s_commitment(
    client, technician_other_area, scene
):
    client.force_login(technician_other_area)

    response = client.post(
        add_url(scene.commitment_21), {"target": f"indicator:{scene.indicators[0].pk}"}
    )

    assert response.status_code == 403
    assert not Relation.objects.exists()
    assert "Gestiona la informació relacionada" not in visible_text(
        client.get(detail_url(scene.commitment_21))
    )
