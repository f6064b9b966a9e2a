"""The charters' follow-up report (the seed's 2021 table as published), the charters index,
their summaries, query counts, access and the admin."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import Service
from service_charters import followup
from service_charters.compliance import Band
from service_charters.models import Charter, Indicator, Measurement
from tests.pages import markup, text_of
from tests.service_charters.conftest import build_charters

NBSP = "\u00a0"
CYCLES = "Nombre de cicles realitzats"
REFUGEES = "Nombre de persones refugiades acollides a la ciutat"
COVID = (
    "Degut a la situació derivada dels confinaments per la COVID-19 s'ha reduït "
    "l'activitat presencial."
)


def charter_url(charter, year=2021):
    return reverse("service_charters:charter_report", args=[charter.pk, year])


def year_url(year=2021):
    return reverse("service_charters:year_report", args=[year])


def list_url(query=""):
    return reverse("service_charters:list") + query


def followup_table(text: str) -> str:
    return text.split('<table class="followup-table">')[1].split("</table>")[0]


def body_rows(table: str) -> list[list[tuple[str, str]]]:
    """The table's body rows as (attributes, text) per cell."""
    body = table.split("<tbody>")[1]
    return [
        [(attrs, text_of(cell)) for attrs, cell in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def row_of(rows, indicator_name):
    return next(row for row in rows if any(text == indicator_name for _, text in row))


def test_the_seed_report_shows_the_published_table(reader, seed_charter):
    response = reader.get(charter_url(seed_charter.charter))

    assert response.status_code == 200
    text = markup(response)
    assert "SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS 2021" in text
    assert "SOLIDARITAT I COOPERACIÓ INTERNACIONAL" in text_of(text)
    assert "Període: Gener - Desembre 2021" in text_of(text)
    table = followup_table(text)
    headers = [text_of(th) for th in re.findall(r'<th scope="col">(.*?)</th>', table, re.S)]
    assert headers == followup.COLUMNS
    # The offered service is one cell spanning the seven rows.
    assert table.count(">Solidaritat i Cooperació Internacional<") == 1
    assert '<td rowspan="7">Solidaritat i Cooperació Internacional</td>' in table
    rows = body_rows(table)
    assert len(rows) == 7


def test_the_seed_rows_hold_the_published_figures(reader, seed_charter):
    rows = body_rows(followup_table(markup(reader.get(charter_url(seed_charter.charter)))))

    cycles = [text for _, text in row_of(rows, CYCLES)]
    # Target, result, difference, compliance (with its band in words), observations.
    assert cycles[-5:] == ["4", "3", "-1", "75 % (Assolit parcialment)", COVID]
    # The last row shares its objective and commitment with the row above: 6 cells.
    refugees = row_of(rows, REFUGEES)
    assert [text for _, text in refugees] == [REFUGEES, "50", "50", "0", "100 % (Assolit)", ""]
    assert [attrs for attrs, _ in refugees][1:5] == [
        ' class="number"',
        ' class="number"',
        ' class="number"',
        ' class="number band band--met"',
    ]


def test_the_compliance_cell_shows_its_band_by_colour_and_in_words(reader, seed_charter):
    table = followup_table(markup(reader.get(charter_url(seed_charter.charter))))

    assert table.count('class="number band band--met"') == 5
    assert table.count('class="number band band--partly-met"') == 1
    assert table.count('class="number band band--not-met"') == 1
    label = '<span class="band-label">(Assolit parcialment)</span>'
    assert f"75{NBSP}% {label}" in html.unescape(table)
    assert "(No assolit)" in table


def test_indicator_names_link_to_their_pages(reader, seed_charter):
    table = followup_table(markup(reader.get(charter_url(seed_charter.charter))))

    for indicator in seed_charter.indicators:
        url = reverse("service_charters:indicator_detail", args=[indicator.pk])
        assert f'<a href="{url}">' in table


def test_the_seed_summary_counts_commitments_by_band(reader, seed_charter):
    rows = followup.load_rows([seed_charter.charter], 2021)
    summary = followup.summarise(rows, "seed")
    assert summary.total == 6
    assert summary.counts == {
        Band.MET: 4,
        Band.PARTLY_MET: 1,
        Band.NOT_MET: 1,
        Band.NOT_ASSESSED: 0,
    }

    text = text_of(markup(reader.get(charter_url(seed_charter.charter))))

    assert "6 compromisos" in text
    assert "66,7 % / 16,7 % / 16,7 % / 0 %" in text
    assert "Assolits 4 66,7 %" in text
    assert "Assolits parcialment 1 16,7 %" in text
    assert "No assolits 1 16,7 %" in text
    assert "No avaluats 0 0 %" in text
    assert "Total 6 100 %" in text


def test_the_year_report_summarises_all_charters_and_each_service(reader, seed_charter):
    ciutadania = Service.objects.get(name="Servei de Ciutadania")
    # Four commitments, results 0, 1, 2, 3 of 4: not met, not met, partly met, partly met.
    build_charters(ciutadania, 1, indicators_each=4)

    response = reader.get(year_url())

    assert response.status_code == 200
    text = markup(response)
    summary = text_of(
        text.split('id="report-summary-title"')[1].split('class="charter-section"')[0]
    )
    assert "Totes les cartes: 10 compromisos." in summary
    assert "40 % / 30 % / 30 % / 0 %" in summary
    assert "Assolits 4 40 %" in summary
    assert "Servei de Ciutadania 4 0 (0 %) 2 (50 %) 2 (50 %) 0 (0 %)" in summary
    assert (
        "Servei de Solidaritat i Cooperació Internacional 6 "
        "4 (66,7 %) 1 (16,7 %) 1 (16,7 %) 0 (0 %)" in summary
    )
    # The chart is drawn on the server, in the band colours, with a text alternative.
    svg = text.split("<svg")[1].split("</svg>")[0]
    assert "<title" in svg and "Grau de compliment dels compromisos" in svg
    for colour in ("#2e7d32", "#b07400", "#b3261e", "#6b7280"):
        assert f'fill="{colour}"' in svg
    # Both charters follow, each with its own header and table.
    assert text.count('<table class="followup-table">') == 2
    assert text.count("SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS 2021") == 2
    assert "Servei: CIUTADANIA" in text_of(text)


def test_the_year_report_leaves_out_charters_not_in_force(reader, seed_charter):
    ciutadania = Service.objects.get(name="Servei de Ciutadania")
    [later] = build_charters(ciutadania, 1, indicators_each=1)
    later.in_force_from = date(2022, 1, 1)
    later.save()

    text = markup(reader.get(year_url()))

    assert text.count('<table class="followup-table">') == 1
    assert "CIUTADANIA" not in text


def test_a_year_without_results_reports_every_indicator_not_assessed(reader, seed_charter):
    rows = body_rows(followup_table(markup(reader.get(charter_url(seed_charter.charter, 2019)))))

    assert len(rows) == 7
    assert all("No avaluat" in row[-2][1] for row in rows)


def test_a_not_applicable_result_is_not_assessed_and_shows_its_reason(reader, seed_charter):
    Measurement.objects.filter(indicator=seed_charter.indicators[4], year=2021).update(
        result=None, not_applicable=True, not_applicable_reason="La Taula no es va constituir."
    )

    rows = body_rows(followup_table(markup(reader.get(charter_url(seed_charter.charter)))))

    refugee_table = [text for _, text in rows[4]]
    assert refugee_table[-5:] == [
        "2",
        "No aplicable",
        "-",
        # Said once: the band's label is added only after a figure.
        "No avaluat",
        "La Taula no es va constituir.",
    ]


# Query counts: the same at two sizes.


def _two_sizes(service, small, large):
    [one] = build_charters(service, 1, indicators_each=small)
    build_charters(service, 4, indicators_each=large)
    return one


@pytest.mark.parametrize(("charters", "indicators_each"), [(1, 4), (5, 20)])
def test_the_year_report_runs_the_same_queries_at_any_size(
    reader, organisation, charters, indicators_each, django_assert_num_queries
):
    service = Service.objects.get(name="Servei de Ciutadania")
    build_charters(service, charters, indicators_each=indicators_each)

    # Session, user, the user's roles; the charters; the indicators with their tree
    # and the year's measurements (followup.load_rows).
    with django_assert_num_queries(6):
        response = reader.get(year_url())
    assert response.status_code == 200
    assert response.content.decode().count('<table class="followup-table">') == charters


@pytest.mark.parametrize("indicators_each", [4, 20])
def test_the_charter_report_runs_the_same_queries_at_any_size(
    reader, organisation, indicators_each, django_assert_num_queries
):
    service = Service.objects.get(name="Servei de Ciutadania")
    [charter] = build_charters(service, 1, indicators_each=indicators_each)
    build_charters(service, 2, indicators_each=indicators_each)

    # Session, user, the user's roles; the charter with its service and area; the
    # indicators with their tree and the year's measurements.
    with django_assert_num_queries(6):
        response = reader.get(charter_url(charter))
    assert response.status_code == 200
    assert len(body_rows(followup_table(markup(response)))) == indicators_each


@pytest.mark.parametrize(("charters", "indicators_each"), [(1, 4), (5, 20)])
def test_the_charters_index_runs_the_same_queries_at_any_size(
    client, technician_area3, charters, indicators_each, django_assert_num_queries
):
    service = Service.objects.get(name="Servei de Ciutadania")
    build_charters(service, charters, indicators_each=indicators_each)
    client.force_login(technician_area3)

    # Session, user, the user's roles; the years with results; the count of charters
    # (the paginator) and the page's charters; their commitments with indicators and
    # each one's sum of degrees of compliance (charters_index.band_counts_by_charter);
    # the technician's areas and services (once, for every charter's results link).
    with django_assert_num_queries(10):
        response = client.get(list_url())
    assert response.status_code == 200
    assert markup(response).count("Carta de prova") == charters * 4


# The charters index


def test_the_index_lists_each_charter_with_its_commitments_by_band(reader, seed_charter):
    response = reader.get(list_url())

    assert response.status_code == 200
    text = markup(response)
    row = text_of(text.split("<tbody>")[1].split("</tr>")[0])
    assert row.startswith(
        "Carta de serveis de Solidaritat i Cooperació Internacional "
        "Servei de Solidaritat i Cooperació Internacional "
        "Drets Socials i Serveis a les Persones 01/12/2018 — 4 1 1 0"
    )
    # 2021 is the latest year with results, so it is the one shown.
    assert '<option value="2021" selected>2021</option>' in text
    assert f'href="{charter_url(seed_charter.charter)}"' in text
    pdf = reverse("service_charters:charter_report_pdf", args=[seed_charter.charter.pk, 2021])
    assert f'href="{pdf}"' in text
    assert f'href="{year_url()}"' in text
    assert f'href="{reverse("service_charters:year_report_pdf", args=[2021])}"' in text


@pytest.mark.parametrize(
    ("persona", "sees_results_link"),
    [
        ("technician_area3", True),
        ("technician_of_service", True),
        ("administrator", True),
        ("technician_other_area", False),
        ("director", False),
        ("staff", False),
    ],
)
def test_the_results_link_is_shown_to_whoever_may_edit_the_charter(
    persona_client, seed_charter, persona, sees_results_link
):
    results = reverse("service_charters:results_edit", args=[seed_charter.charter.pk, 2021])

    text = markup(persona_client(persona).get(list_url()))

    assert (f'href="{results}"' in text) is sees_results_link


def test_the_index_leaves_out_charters_not_in_force_that_year(reader, seed_charter):
    """It used to list every charter, with all its commitments «no avaluat»."""
    ciutadania = Service.objects.get(name="Servei de Ciutadania")
    [later] = build_charters(ciutadania, 1, indicators_each=1)
    later.in_force_from = date(2022, 1, 1)
    later.save()

    text_2021 = markup(reader.get(list_url("?year=2021")))
    text_2022 = markup(reader.get(list_url(f"?year={date.today().year}")))

    assert later.title not in text_2021 and seed_charter.charter.title in text_2021
    assert later.title in text_2022


def test_the_short_name_of_a_service_leaves_out_servei_de():
    def short(name):
        return Service(name=name).short_name()

    assert short("Servei de Solidaritat i Cooperació Internacional") == (
        "Solidaritat i Cooperació Internacional"
    )
    assert short("Servei d'Esports") == "Esports"
    assert short("Servei d’Esports") == "Esports"
    assert short("servei de ciutadania") == "ciutadania"
    assert short("Servei Municipal d'Ocupació") == "Servei Municipal d'Ocupació"
    assert short("Servei de ") == "Servei de "


def test_the_index_takes_another_year(reader, seed_charter):
    Measurement.objects.create(indicator=seed_charter.indicators[0], year=2020, result=Decimal(90))

    text = markup(reader.get(list_url("?year=2020")))

    row = text_of(text.split("<tbody>")[1].split("</tr>")[0])
    # One commitment partly met (90 %), the other five not assessed.
    assert row.split("— ")[1].startswith("0 1 0 5")
    assert f'href="{charter_url(seed_charter.charter, 2020)}"' in text


def test_the_index_counts_each_charter_as_its_follow_up_summarises_it(reader, seed_charter):
    """The index adds up the degrees in SQL; the report bands every indicator in Python."""
    [built] = build_charters(Service.objects.get(name="Servei de Ciutadania"), 1)
    indicators = list(
        Indicator.objects.filter(commitment__objective__offered_service__charter=built)
    )
    # A commitment of two indicators (100 % and 0 %: partly met on average), one whose
    # result did not apply, one without a result, one ceiling overshot (4 / 5: 80 %).
    indicators[1].commitment = indicators[4].commitment
    indicators[1].save()
    Measurement.objects.filter(indicator=indicators[2]).update(result=None, not_applicable=True)
    Measurement.objects.filter(indicator=indicators[3]).delete()
    Indicator.objects.filter(pk=indicators[5].pk).update(target_kind="ceiling")
    Measurement.objects.filter(indicator=indicators[5]).update(result=Decimal(5))

    text = markup(reader.get(list_url("?year=2021")))

    for charter in (seed_charter.charter, built):
        summary = followup.summarise(followup.load_rows([charter], 2021), charter.title)
        row = text_of(text.split(f">{charter.title}</a></th>")[1].split("</tr>")[0])
        figures = row.split("— ")[1].split()[:4]
        assert figures == [str(summary.counts[band]) for band in Band]
    assert figures == ["0", "3", "2", "2"]


@pytest.mark.parametrize("query", ["?year=1850", "?year=dos-mil"])
def test_an_unknown_year_on_the_index_is_a_form_error(reader, seed_charter, query):
    response = reader.get(list_url(query))

    assert response.status_code == 400
    text = markup(response)
    assert "field__error" in text or "errorlist" in text
    assert "<tbody>" not in text


# Access


def _pages(seed):
    charter, indicator = seed.charter.pk, seed.indicators[0].pk
    return [
        list_url(),
        year_url(),
        reverse("service_charters:year_report_pdf", args=[2021]),
        charter_url(seed.charter),
        reverse("service_charters:charter_report_pdf", args=[charter, 2021]),
        reverse("service_charters:indicator_detail", args=[indicator]),
    ]


PAGE_NAMES = ["list", "year", "year-pdf", "charter", "charter-pdf", "indicator"]


@pytest.mark.parametrize("page", range(len(PAGE_NAMES)), ids=PAGE_NAMES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("user_without_role", 403),
        ("technician_area3", 200),
        ("technician_other_area", 200),
        ("director", 200),
        ("staff", 200),
    ],
)
def test_every_page_is_for_readers_only(persona_client, seed_charter, page, persona, expected):
    url = _pages(seed_charter)[page]

    response = persona_client(persona).get(url)

    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        reverse("service_charters:charter_report", args=[999, 2021]),
        reverse("service_charters:charter_report_pdf", args=[999, 2021]),
        reverse("service_charters:indicator_detail", args=[999]),
        reverse("service_charters:year_report", args=[1850]),
        reverse("service_charters:year_report_pdf", args=[99999]),
        reverse("service_charters:year_report", args=[0]),
        reverse("service_charters:charter_report_pdf", args=[1, 99999]),
    ],
)
def test_unknown_charters_indicators_and_years_are_not_found(reader, seed_charter, url):
    assert reader.get(url).status_code == 404


def test_a_known_charter_in_an_impossible_year_is_not_found(reader, seed_charter):
    assert reader.get(charter_url(seed_charter.charter, 1850)).status_code == 404


# The admin


def test_the_admin_lists_and_opens_every_charter_model(client, administrator, seed_charter):
    client.force_login(administrator)
    measurement = Measurement.objects.get(indicator=seed_charter.indicators[2], year=2021)
    for model in ["charter", "offeredservice", "objective", "chartercommitment", "indicator"]:
        assert client.get(f"/admin/service_charters/{model}/").status_code == 200
        assert client.get(f"/admin/service_charters/{model}/1/change/").status_code == 200
    response = client.get("/admin/service_charters/measurement/")
    assert response.status_code == 200
    assert f"75{NBSP}%" in markup(response)
    for page in ("change", "history"):
        url = f"/admin/service_charters/measurement/{measurement.pk}/{page}/"
        assert client.get(url).status_code == 200
    assert client.get("/admin/service_charters/indicator/1/history/").status_code == 200


def test_results_are_read_only_in_the_admin(client, administrator, seed_charter):
    """Results change through their form, which claims the version an open page holds;
    the admin, which would not, only shows them (the review's finding: it used to edit)."""
    client.force_login(administrator)
    measurement = Measurement.objects.get(indicator=seed_charter.indicators[2], year=2021)
    measurement.save()  # a version in its history to revert to
    before = (measurement.result, measurement.version, measurement.updated_by_id)
    history_id = measurement.history.get().history_id

    change = client.post(
        f"/admin/service_charters/measurement/{measurement.pk}/change/",
        {
            "indicator": measurement.indicator_id,
            "year": 2021,
            "result": "4",
            "not_applicable_reason": "",
            "observations": "Recuperada l'activitat.",
            "shortfall_causes": "",
            "improvement_actions": "",
            "improvement_due": "",
        },
    )
    revert = client.post(
        f"/admin/service_charters/measurement/{measurement.pk}/history/{history_id}/", {}
    )
    page = client.get(f"/admin/service_charters/measurement/{measurement.pk}/change/")

    assert change.status_code == 403 and revert.status_code == 403
    measurement.refresh_from_db()
    assert (measurement.result, measurement.version, measurement.updated_by_id) == before
    assert 'name="result"' not in markup(page)
    assert client.get("/admin/service_charters/measurement/add/").status_code == 403


def test_charters_are_ordered_by_service(reader, seed_charter):
    ciutadania = Service.objects.get(name="Servei de Ciutadania")
    build_charters(ciutadania, 1, indicators_each=1)

    text = text_of(markup(reader.get(year_url())))

    assert text.index("Servei: CIUTADANIA") < text.index("Servei: SOLIDARITAT")
    assert Charter.objects.count() == 2
