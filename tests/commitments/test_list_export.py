"""The list's CSV and XLSX downloads: the import's columns, every filtered row, no pagination."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from commitments.models import Entry
from tests.commitments.conftest import build_commitments

HEADER_START = ["Nivell", "Codi", "Codi superior", "Text", "Àrea", "Servei", "ODS"]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    return [
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_csv_has_the_import_columns_then_status_and_progress(reader, seed_plan):
    response = reader.get("/pla-de-mandat/exporta.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="compromisos-2015-2019-primer-semestre-de-2019.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[:7] == HEADER_START
    assert header[7:9] == ["Estat", "% execució"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Nivell"] == "Compromís"
    assert row["Codi"] == "21"
    assert row["Codi superior"] == "2"
    assert row["Àrea"] == "Drets Socials i Serveis a les Persones"
    assert row["Estat"] == "Completat o en execució dins les previsions"
    assert row["Text"].startswith("Garantirem els drets de les persones migrades")


def test_xlsx_opens_with_the_same_header_and_rows(reader, seed_plan):
    response = reader.get("/pla-de-mandat/exporta.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        'filename="compromisos-2015-2019-primer-semestre-de-2019.xlsx"'
    )
    header, *rows = xlsx_rows(response)
    assert list(header[:7]) == HEADER_START
    assert [row[1] for row in rows] == ["21"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_area_filter_keeps_only_that_areas_commitments_on_every_page(
    reader, seed_plan, organisation, file_format
):
    build_commitments(seed_plan, 120, areas=[organisation[1], organisation[3]])
    response = reader.get(f"/pla-de-mandat/exporta.{file_format}", {"area": organisation[1].pk})
    header, *rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    # More than a page of the list: the download is not paginated.
    assert len(rows) == 60
    assert {row[header.index("Àrea")] for row in rows} == {organisation[1].name}
    expected = {str(code) for code in range(100, 220, 2)}
    assert {row[header.index("Codi")] for row in rows} == expected


def test_status_and_period_filters_name_the_file_and_pick_the_rows(reader, seed_plan):
    build_commitments(seed_plan, 8)
    period = seed_plan.previous_period
    status = Entry.objects.filter(period=period).first().status
    response = reader.get("/pla-de-mandat/exporta.csv", {"period": period.pk, "status": status.pk})
    assert (
        'filename="compromisos-2015-2019-segon-semestre-de-2018.csv"'
        in response["Content-Disposition"]
    )
    header, *rows = csv_rows(response)
    expected = set(
        Entry.objects.filter(period=period, status=status).values_list("node__code", flat=True)
    )
    assert {row[1] for row in rows} == expected
    assert {row[header.index("Estat")] for row in rows} == {status.label}


def test_search_narrows_the_download(reader, seed_plan):
    build_commitments(seed_plan, 5, first_code=300)
    header, *rows = csv_rows(reader.get("/pla-de-mandat/exporta.csv", {"q": "migrades"}))
    assert [row[1] for row in rows] == ["21"]


def test_other_formats_are_not_found(reader, seed_plan):
    assert reader.get("/pla-de-mandat/exporta.pdf").status_code == 404
    assert reader.get("/pla-de-mandat/exporta.html").status_code == 404


def test_only_readers_download(client, user_without_role, seed_plan):
    client.force_login(user_without_role)
    assert client.get("/pla-de-mandat/exporta.csv").status_code == 403
    client.logout()
    assert client.get("/pla-de-mandat/exporta.csv").status_code == 302


@pytest.mark.parametrize("count", [10, 100])
def test_the_export_costs_the_same_queries_whatever_the_commitments(
    reader, seed_plan, organisation, django_assert_num_queries, count
):
    build_commitments(seed_plan, count, areas=list(organisation.values()))
    # The export is a document made in the background, here at once. The request:
    # session, user, the user's groups (role); the data version, the stored document
    # (none), SAVEPOINT, INSERT it, RELEASE. The task: claim it, read it, its first step;
    # the filter's mandates, periods, levels, statuses and areas; the nodes with area,
    # level, parent, service and the entry's status and progress; the mandate's status
    # labels; the period's figures; the nodes' related codes; the saving step, mark it
    # ready. Then the request reads it to serve it.
    with django_assert_num_queries(23):
        response = reader.get("/pla-de-mandat/exporta.csv")
    assert len(csv_rows(response)) == count + 2  # the header and commitment 21


def test_the_download_carries_each_commitment_s_figures_in_their_own_columns(reader, seed_plan):
    header, *rows = csv_rows(reader.get("/pla-de-mandat/exporta.csv"))

    assert header[9:] == [
        "Xifres",
        "Xifres: total",
        "Xifres: dones",
        "Xifres: homes",
        "Relacionats",
        "Versió",
    ]
    [row] = [dict(zip(header, row, strict=True)) for row in rows]
    assert row["Xifres"].startswith("Tràmits vinculats a la Llei d'estrangeria: 344 tràmits; ")
    assert "Participants en les formacions: 144 persones (121 dones i 23 homes)" in row["Xifres"]
    # The figures with a women/men split: 144 (121 + 23) and 230 (175 + 55).
    assert (row["Xifres: total"], row["Xifres: dones"], row["Xifres: homes"]) == (
        "374",
        "296",
        "78",
    )


def test_the_json_download_has_one_object_per_commitment_with_numbers(reader, seed_plan):
    response = reader.get("/pla-de-mandat/exporta.json")

    assert response["Content-Type"] == "application/json"
    [commitment] = json.loads(response.getvalue())
    assert commitment["Codi"] == "21"
    assert commitment["Estat"] == "Completat o en execució dins les previsions"
    assert (commitment["Xifres: total"], commitment["Xifres: dones"]) == (374, 296)
    assert commitment["Xifres: homes"] == 78


def test_an_upper_level_adds_up_the_figures_of_its_leaves(reader, seed_plan):
    build_commitments(seed_plan, 5)  # 101 under priority 2, with 21; figures in 2018-S2
    period = seed_plan.previous_period

    response = reader.get("/pla-de-mandat/exporta.xlsx", {"period": period.pk, "level": ""})

    header, *rows = xlsx_rows(response)
    by_code = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    priority_2 = by_code[("Prioritat", "2")]
    commitment_101 = by_code[("Compromís", "101")]
    # Each built commitment has figures 11 and 12, 4 women each; 21 none in 2018-S2.
    assert commitment_101["Xifres: total"] == 23
    assert commitment_101["Xifres: dones"] == 4 * 2
    assert priority_2["Xifres: total"] == 23
    assert by_code[("Prioritat", "5")]["Xifres: total"] == 23  # commitment 104
    assert commitment_101["Xifres"] == "Xifra 1: 11 (4 dones); Xifra 2: 12 (4 dones)"
