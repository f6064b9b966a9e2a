"""What `manage.py import_plan` leaves on record: every node it creates or changes keeps
its text before and after, with the user who imported it and the file's name."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.models import PlanNode
from commitments.plan_io import PLAN_COLUMNS
from terrassa_plis.history import import_reason
from tests.pages import text_of

ROWS = [
    ["Objectiu", "1", "", "Una ciutat que garanteix drets", "", "", ""],
    ["Eix", "61", "1", "Ciutadania i convivència", "3", "", ""],
]


def import_rows(tmp_path, rows, name="pla 2019-2023.csv", **options):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([PLAN_COLUMNS, *rows])
    call_command("import_plan", str(path), mandate="2019-2023", stdout=io.StringIO(), **options)


@pytest.mark.django_db
def test_created_and_changed_nodes_name_the_importer_and_the_file(seed_plan, staff, tmp_path):
    import_rows(tmp_path, ROWS, user=staff.username)
    changed = [ROWS[0], [*ROWS[1][:3], "Ciutadania, diversitat i convivència", *ROWS[1][4:]]]
    import_rows(tmp_path, changed, name="pla revisat.csv", user=staff.username)

    axis = PlanNode.objects.get(mandate__term="2019-2023", code="61")
    created, updated = sorted(axis.history.all(), key=lambda record: record.history_id)
    assert (created.history_type, created.text) == ("+", "Ciutadania i convivència")
    assert created.history_change_reason == "Importat del fitxer «pla 2019-2023.csv»"
    assert (updated.history_type, updated.text) == ("~", "Ciutadania, diversitat i convivència")
    assert updated.history_change_reason == "Importat del fitxer «pla revisat.csv»"
    assert created.history_user == updated.history_user == staff


@pytest.mark.django_db
def test_an_unknown_user_is_refused_before_anything_is_imported(seed_plan, tmp_path):
    with pytest.raises(CommandError, match="No hi ha cap usuari actiu que es digui «ningú»"):
        import_rows(tmp_path, ROWS, user="ningú")

    assert not PlanNode.objects.filter(mandate__term="2019-2023").exists()


def test_a_long_file_name_is_shortened_to_fit_the_reason_column():
    reason = import_reason("a" * 80 + "-final.xlsx")

    assert len(reason) == 100
    assert reason.startswith("Importat del fitxer «aaa")
    assert "…" in reason and reason.endswith("aaaa-final.xlsx»")


@pytest.mark.django_db
def test_the_commitment_s_page_shows_the_imported_change_and_its_file(
    client, seed_plan, staff, director, tmp_path
):
    import_rows(tmp_path, ROWS, user=staff.username)
    changed = [ROWS[0], [*ROWS[1][:3], "Ciutadania, diversitat i convivència", *ROWS[1][4:]]]
    import_rows(tmp_path, changed, name="pla revisat.csv", user=staff.username)
    axis = PlanNode.objects.get(mandate__term="2019-2023", code="61")
    client.force_login(director)

    page = text_of(client.get(reverse("commitments:detail", args=[axis.pk])).content.decode())

    assert "Element del pla · Modificat · Importat del fitxer «pla revisat.csv»" in page
    assert "Text: Ciutadania i convivència → Ciutadania, diversitat i convivència" in page
