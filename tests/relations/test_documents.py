"""Related items in what the app prints and publishes: the Balanç's PDF, the published
snapshot (frozen as it was), the open data, and the plan's export and import."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.balance import build_balance
from commitments.balance_data import balance_table
from commitments.models import PlanNode, ReportingPeriod
from commitments.plan_import import PlanImportError, import_plan
from commitments.plan_io import RELATED, export_table
from publication.models import RoundKind
from publication.operations import open_round, publish_round
from relations.models import Relation
from relations.operations import add_relation, remove_relation
from service_charters import followup
from service_charters.bands import BAND_LABELS
from terrassa_plis.exports import csv_export, read_table
from terrassa_plis.formatting import percent
from tests.pages import pdf_text, text_of, visible_text

from .conftest import build_commitments


@pytest.fixture
def related_21(scene, staff):
    """Commitment 21 related to the charter's third indicator (75 % in 2021) and to
    action 1.2.1 (60 % in the first semester of 2026)."""
    add_relation(scene.commitment_21, indicator=scene.indicators[2], acting_user=staff)
    add_relation(scene.commitment_21, action=scene.action, acting_user=staff)
    return scene


def test_the_balance_pdf_lists_the_related_items_with_their_figures(client, director, related_21):
    client.force_login(director)
    period = related_21.seed_plan.open_period

    response = client.get(reverse("commitments:balance_pdf", args=[period.pk]))

    text = " ".join(pdf_text(response.getvalue()).split())
    assert "INFORMACIÓ RELACIONADA" in text
    assert "Indicador de carta de serveis: Nombre de cicles realitzats" in text
    assert "Compliment 2021: 75" in text and "Assolit parcialment" in text
    assert "Acció del PLIS: 1.2.1 Cursos de competències digitals bàsiques" in text
    assert "Grau d'implementació: 60" in text
    # The seed's document link is still there.
    assert "Memòria 2018" in text


def test_the_published_version_keeps_the_related_items_as_they_were(related_21, staff):
    period = related_21.seed_plan.open_period
    deadline = timezone.localdate() + timedelta(days=14)
    round = open_round(RoundKind.BALANCE, period=period, deadline=deadline, acting_user=staff)
    version = publish_round(round, acting_user=staff)

    for relation in Relation.objects.all():
        remove_relation(related_21.commitment_21, relation.pk, acting_user=staff)

    version.refresh_from_db()
    assert "Nombre de cicles realitzats" in version.html
    # Named, not linked: the public reads it without signing in.
    assert related_21.indicators[2].get_absolute_url() not in version.html
    assert "Compliment 2021: 75" in version.html
    assert "1.2.1 Cursos de competències digitals bàsiques" in version.html
    [record] = json.loads(version.json)
    assert [item["codi"] for item in record[RELATED]] == [
        f"IND-{related_21.indicators[2].pk}",
        "PLIS-1.2.1",
    ]


def test_the_open_data_names_each_related_item_with_its_figures(related_21):
    header, rows, records = balance_table(related_21.seed_plan.open_period)

    cell = dict(zip(header, rows[0], strict=True))[RELATED]
    indicator = related_21.indicators[2]
    assert cell.startswith(
        f"IND-{indicator.pk} Nombre de cicles realitzats (Carta de serveis de Solidaritat i "
        "Cooperació Internacional): Compliment 2021: 75"
    )
    assert "; PLIS-1.2.1 1.2.1 Cursos de competències digitals bàsiques" in cell
    [item, action] = records[0][RELATED]
    assert item["estat"] == "Assolit parcialment"
    assert item["codi"] == f"IND-{indicator.pk}"
    assert action["estat"] == "Validada"


def _export(seed_plan):
    nodes = (
        PlanNode.objects.filter(mandate=seed_plan.mandate)
        .select_related("level", "parent", "area", "service")
        .with_entry_for(seed_plan.open_period)
    )
    export = csv_export("pla-de-mandat", *export_table(nodes, seed_plan.open_period))
    return read_table(export.filename, export.content)


def test_a_plan_export_imported_again_keeps_the_related_codes(related_21):
    seed_plan = related_21.seed_plan
    rows = _export(seed_plan)
    column = rows[0].index(RELATED)
    [row_21] = [row for row in rows if row[1] == "21"]
    assert row_21[column] == f"IND-{related_21.indicators[2].pk}, PLIS-1.2.1"

    report = import_plan(rows, mandate=seed_plan.mandate)

    assert report.changes == ()
    assert Relation.objects.count() == 2


def test_an_edited_related_cell_changes_the_relations_and_records_the_file(related_21, staff):
    seed_plan = related_21.seed_plan
    rows = _export(seed_plan)
    column = rows[0].index(RELATED)
    [row_21] = [row for row in rows if row[1] == "21"]
    first = related_21.indicators[0]
    row_21[column] = f"IND-{first.pk}; plis-1.2.1 , PLIS-2.2.2"

    report = import_plan(rows, mandate=seed_plan.mandate, user=staff, file_name="pla.csv")

    before = f"IND-{related_21.indicators[2].pk}, PLIS-1.2.1"
    after = f"IND-{first.pk}, plis-1.2.1, PLIS-2.2.2"
    number = rows.index(row_21) + 1
    assert [line for line in report.change_lines() if "Relacionats" in line] == [
        f"Fila {number} (21): «Relacionats»: abans «{before}», ara «{after}»."
    ]
    related = Relation.objects.filter(node=related_21.commitment_21)
    assert {(relation.indicator_id, relation.action_id) for relation in related} == {
        (first.pk, None),
        (None, related_21.action.pk),
        (None, related_21.other_action.pk),
    }
    removed = Relation.history.get(history_type="-")
    assert removed.history_user == staff
    assert removed.history_change_reason == "Importat del fitxer «pla.csv»"


def test_an_unknown_related_code_is_refused_with_its_row_and_nothing_changes(related_21):
    seed_plan = related_21.seed_plan
    rows = _export(seed_plan)
    column = rows[0].index(RELATED)
    [row_21] = [row for row in rows if row[1] == "21"]
    row_21[column] = "PLIS-1.2.1, IND-999999, carta"
    row_21[3] = "Un text nou"

    with pytest.raises(PlanImportError) as raised:
        import_plan(rows, mandate=seed_plan.mandate)

    number = rows.index(row_21) + 1
    assert raised.value.errors == [
        f"Fila {number}: «{code}» de la columna «Relacionats» no és cap element conegut: "
        "escriviu CC- o IND- i el número d'un compromís o d'un indicador de carta de serveis "
        "(CC-4, IND-12), o PLIS- i el codi d'una acció del PLIS (PLIS-1.2.1)."
        for code in ("IND-999999", "carta")
    ]
    assert Relation.objects.count() == 2
    assert PlanNode.objects.get(pk=related_21.commitment_21.pk).text != "Un text nou"


def _relate_every_leaf(seed_plan, scene, staff):
    for index, node in enumerate(PlanNode.objects.filter(mandate=seed_plan.mandate).leaves()):
        indicator = scene.indicators[index % len(scene.indicators)]
        add_relation(node, indicator=indicator, acting_user=staff)
        add_relation(node, action=scene.action, acting_user=staff)


@pytest.mark.parametrize("size", [5, 60])
def test_the_balance_builder_runs_the_same_queries_whatever_the_related_items(
    scene, staff, size, django_assert_num_queries
):
    seed_plan = scene.seed_plan
    build_commitments(seed_plan, size)
    _relate_every_leaf(seed_plan, scene, staff)
    period = ReportingPeriod.objects.select_related("mandate").get(pk=seed_plan.open_period.pk)
    # 1 top-level nodes, 2 areas, 3 statuses, 4 levels, 5 nodes, 6 entries, 7 their
    # figures; 8 the relations with their indicators' charters and actions' plans, 9 the
    # indicators' measurements, 10 the actions' latest implementation.
    with django_assert_num_queries(10):
        balance = build_balance(period)
    leaves = [item for item in balance.items if item.kind == "leaf"]
    assert len(leaves) == size + 1
    assert all(len(leaf.related) == 2 for leaf in leaves)


@pytest.mark.parametrize("size", [1, 7])
def test_the_commitment_and_manage_pages_run_the_same_queries_whatever_the_related_items(
    client, technician_area3, scene, size, django_assert_num_queries
):
    """`size` of the seed charter's seven indicators, and one action."""
    for indicator in scene.indicators[:size]:
        add_relation(scene.commitment_21, indicator=indicator, acting_user=technician_area3)
    add_relation(scene.commitment_21, action=scene.action, acting_user=technician_area3)
    client.force_login(technician_area3)
    # Session, user, the user's roles, the node with its mandate, level and area, the
    # user's areas, their services (may edit); the relations with their targets, the
    # indicators' measurements, the actions' implementation; the candidates: the node's
    # relations, the charters' commitments and indicators with their charters, the
    # current PLIS plan, its actions, their areas.
    with django_assert_num_queries(15):
        response = client.get(reverse("relations:manage", args=[scene.commitment_21.pk]))
    assert response.status_code == 200
    # The commitment's page: as tests/commitments/test_detail.py counts it (15, its
    # relations included), and the indicators' measurements and the actions'
    # implementation.
    with django_assert_num_queries(17):
        response = client.get(reverse("commitments:detail", args=[scene.commitment_21.pk]))
    assert response.content.decode().count('class="related-item"') == size + 1


def test_a_related_charter_commitment_shows_its_indicators_mean_and_travels_as_cc(
    client, director, scene, staff
):
    commitment = scene.indicators[0].commitment
    add_relation(scene.commitment_21, charter_commitment=commitment, acting_user=staff)
    rows = followup.load_rows([scene.charter], 2021)
    expected = followup.commitment_assessment(followup.rows_by_commitment(rows)[commitment.pk])
    client.force_login(director)

    balance = client.get(reverse("commitments:balance", args=[scene.seed_plan.open_period.pk]))

    item = visible_text(balance)
    assert "Compromís de carta de serveis" in item
    assert f"Compliment 2021: {text_of(percent(expected.compliance))}" in item
    assert str(BAND_LABELS[expected.band]) in item
    rows = _export(scene.seed_plan)
    [row_21] = [row for row in rows if row[1] == "21"]
    assert row_21[rows[0].index(RELATED)] == f"CC-{commitment.pk}"
    row_21[rows[0].index(RELATED)] = ""
    import_plan(rows, mandate=scene.seed_plan.mandate)
    assert not Relation.objects.exists()
