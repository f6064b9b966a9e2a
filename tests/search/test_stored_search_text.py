"""Each searched record stores its folded texts when written, whoever writes it (a form,
the admin, fixtures, the imports, the demo loaders), and the search matches what was
stored: an edit is found by its new words at the next search, and no longer by its old
ones. A bulk path that forgot to fill the column would hide its records from the
search: `stale_search_texts` looks at every row of every searched model."""

import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments.models import Entry, PlanNode
from governance.models import ActionDecision, Body, PlanAction
from service_charters.charter_import import apply_sheet
from service_charters.followup_sheet import parse_sheet
from service_charters.models import Indicator, Measurement
from terrassa_plis.text_search import (
    SearchableModel,
    SearchableQuerySet,
    fill_stored_search_text,
    fold,
)
from tests.commitments.conftest import build_commitments
from tests.commitments.test_import_plan import HEADER, TREE_2019, import_file, write_table
from tests.forms import browser_data
from tests.pages import section, text_of, visible_text
from tests.service_charters.test_import_charter import seed_rows

SEARCH_URL = reverse("search:search")

SEARCHED_MODELS = {
    "commitments.Entry",
    "commitments.PlanNode",
    "governance.ActionImplementation",
    "governance.Body",
    "governance.BodyFunction",
    "governance.PlanAction",
    "service_charters.CharterCommitment",
    "service_charters.Indicator",
    "service_charters.Measurement",
}


def searched_models():
    return [model for model in apps.get_models() if issubclass(model, SearchableModel)]


def stale_search_texts() -> list[tuple[str, int]]:
    """Every row, of every searched model, whose stored search text is not what a save
    would store now."""
    stale = []
    for model in searched_models():
        for row in model.objects.all():
            stored = row.search_text
            row.fill_search_text()
            if stored != row.search_text:
                stale.append((model._meta.label, row.pk))
    return stale


def searched(client, query) -> str:
    return visible_text(client.get(SEARCH_URL, {"q": query}))


def test_the_searched_models_are_the_ones_the_search_reads():
    assert {model._meta.label for model in searched_models()} == SEARCHED_MODELS


def test_the_search_text_is_each_field_folded_one_a_line(seed_plan):
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.observations and entry.search_text
    assert entry.search_text == "\n".join(
        fold(getattr(entry, name)) for name in Entry.search_fields if getattr(entry, name)
    )
    assert "participacio" in entry.search_text
    assert "participació" not in entry.search_text.lower()


def test_the_demo_at_city_scale_stores_the_search_text_of_every_row(organisation, settings):
    """Every bulk path of the demo loaders: the plan's generated items and entries, the
    charters' indicators and results, the PLIS's actions and their implementation."""
    settings.DEBUG = True
    call_command("load_demo", scale="city", stdout=io.StringIO())

    for model in searched_models():
        assert model.objects.exclude(search_text="").exists(), model
    assert stale_search_texts() == []


def test_the_plan_import_stores_the_search_text_of_new_and_changed_items(
    seed_plan, tmp_path, reader
):
    import_file(write_table(tmp_path / "pla.csv", [HEADER, *TREE_2019]))
    changed = [
        [*row[:3], "Taula local per a les persones desplaçades", *row[4:]]
        if row[1] == "61.10"
        else row
        for row in TREE_2019
    ]
    import_file(write_table(tmp_path / "pla-canviat.csv", [HEADER, *changed]))

    assert stale_search_texts() == []
    plan = text_of(section(reader.get(SEARCH_URL, {"q": "desplacades"}), "cerca-pla-de-mandat"))
    assert "Actuació 61.10" in plan
    assert "Actuació 61.10" not in searched(reader, "refugiades taula local")


def test_the_charter_import_stores_the_search_text_of_what_it_writes(seed_charter, staff, reader):
    rows = seed_rows()
    rows[3][4:6] = ["≥ 5 cicles", "5"]  # a changed target and result: bulk updates
    rows[3][8] = "Cicles suspesos per l'obra de l'auditori."
    rows[5][8] = "Convocatòries ajornades per la pandèmia."
    apply_sheet(parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff)
    # A year of new results: bulk creates.
    apply_sheet(parse_sheet(rows), service=seed_charter.service, year=2023, acting_user=staff)

    assert Measurement.objects.filter(year=2023).count() == 7
    assert stale_search_texts() == []
    indicators = text_of(section(reader.get(SEARCH_URL, {"q": "auditori"}), "cerca-indicadors"))
    assert "Nombre de cicles realitzats" in indicators
    assert "Nombre de cicles realitzats" in searched(reader, "5 cicles")


def test_a_technician_s_edited_entry_is_found_by_its_new_words_only(
    seed_plan, technician_area3, reader
):
    technician = Client()
    technician.force_login(technician_area3)
    form = reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )
    assert "Compromís 21" in searched(reader, "participacio taules")

    data = browser_data(technician.get(form))
    data["observations"] = "Acollida de 12 famílies en pisos d'emergència."
    assert technician.post(form, data).status_code == 302

    plan = text_of(
        section(reader.get(SEARCH_URL, {"q": "FAMILIES emergencia"}), "cerca-pla-de-mandat")
    )
    assert "Compromís 21" in plan
    assert "Compromís 21" not in searched(reader, "participacio taules")


def test_an_indicator_s_edited_result_is_found_by_its_new_observations_only(
    seed_charter, technician_of_service, reader
):
    cycles = Indicator.objects.get(name="Nombre de cicles realitzats")
    technician = Client()
    technician.force_login(technician_of_service)
    form = reverse("service_charters:results_edit", args=[seed_charter.charter.pk, 2021])
    # The seed's observations: «…derivada dels confinaments per la COVID-19…».
    assert "Nombre de cicles realitzats" in searched(reader, "confinaments")

    data = browser_data(technician.get(form))
    data[f"results-{cycles.pk}-observations"] = "Cicles ajornats per les obres de l'auditori."
    assert technician.post(form, data).status_code == 302

    indicators = text_of(section(reader.get(SEARCH_URL, {"q": "auditori"}), "cerca-indicadors"))
    assert "Nombre de cicles realitzats" in indicators
    assert "Nombre de cicles realitzats" not in searched(reader, "confinaments")


def test_a_save_of_some_fields_saves_the_search_text_of_those_among_them(plis):
    action = PlanAction.objects.create(
        plan=plis.plan, code="3.1.1", title="Itineraris", decision=ActionDecision.PROPOSED
    )
    action.title = "Itineraris d'inserció laboral"
    action.save(update_fields=["title"])
    assert "insercio" in PlanAction.objects.get(pk=action.pk).search_text

    call_command("loaddata", "mandate_plan", verbosity=0)
    node = PlanNode.objects.exclude(text="").first()
    node.text = "Text reescrit"
    node.save(update_fields=["text"])
    assert PlanNode.objects.get(pk=node.pk).search_text == "text reescrit"


def test_an_update_of_a_searched_field_writes_the_search_text_of_the_rows_it_changed(
    seed_plan, reader
):
    build_commitments(seed_plan, 3)  # with an entry in every semester
    entries = Entry.objects.all()
    assert entries.count() > 1

    # Filtered by what the update changes: the rows are named before they change.
    changed = entries.exclude(observations="").update(observations="Reunió al xilòfon municipal.")

    assert changed and stale_search_texts() == []
    assert "Compromís 21" in searched(reader, "xilofon")
    # An update of no searched field leaves the search text as it was, unread.
    before = list(entries.values_list("search_text", flat=True))
    entries.update(progress=50)
    assert list(entries.values_list("search_text", flat=True)) == before


def test_every_searched_model_refills_its_search_text_on_update():
    for model in searched_models():
        assert isinstance(model.objects.all(), SearchableQuerySet), model._meta.label


def test_fixtures_store_the_search_text_and_loading_them_again_restores_it(plis):
    """The bodies come in through loaddata, which saves without the model's save."""
    assert Body.objects.exists()
    Body.objects.update(search_text="")
    call_command("loaddata", "plis", verbosity=0)
    assert stale_search_texts() == []


def test_the_migration_fills_the_search_text_of_rows_saved_before(seed_plan):
    Entry.objects.update(search_text="")
    fill_stored_search_text(Entry, Entry.search_fields, batch_size=2)
    assert stale_search_texts() == []


def test_the_search_text_is_kept_out_of_the_change_history():
    for model in searched_models():
        history_fields = {field.name for field in model.history.model._meta.fields}
        assert "search_text" not in history_fields, model
        assert set(model.search_fields) <= history_fields, model


def test_a_plan_action_decided_later_keeps_its_words(plis, reader):
    action = PlanAction.objects.create(plan=plis.plan, code="3.1.2", title="Habitatge social")
    action.decision = ActionDecision.VALIDATED
    action.decided_on = date(2024, 3, 12)
    action.save()
    assert "Acció 3.1.2 Habitatge social" in searched(reader, "habitatge")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite matches the words as typed, unstemmed"
)
def test_postgresql_finds_a_word_by_its_stem_in_the_stored_text(seed_charter, plis, reader):
    """«refugiada» finds «Refugiades»: the Catalan configuration stems the stored text."""
    found = searched(reader, "refugiada")
    assert "Nombre de convocatòries de la Taula Local per a les Persones Refugiades" in found
    assert "Taula Local per a les Persones Refugiades" in text_of(
        section(reader.get(SEARCH_URL, {"q": "REFUGIADA taula"}), "cerca-organs")
    )
