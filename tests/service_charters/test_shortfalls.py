"""The commitments that fell short: the directors' list of what was not met and partly met,
per service, reached from the charters dashboard and leading to each indicator's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import Service
from service_charters.models import Measurement
from service_charters.shortfalls import build_shortfalls_page, service_anchor
from tests.pages import markup, section, text_of, visible_text
from tests.service_charters.conftest import build_charters

TAULA = "Convocarem la Taula Local per a les Persones Refugiades 2 vegades a l'any."
CYCLES = "Organitzarem un mínim de 4 cicles d'activitats"
NBSP = "\u00a0"
MET_COMMITMENT = "Realitzarem 2 projectes d'ajuda humanitària en aquest àmbit."


def shortfalls_url(year=2021):
    return reverse("service_charters:shortfalls", args=[year])


def indicator_url(indicator):
    return reverse("service_charters:indicator_detail", args=[indicator.pk])


def test_the_seed_year_lists_the_commitment_not_met_then_the_one_partly_met(reader, seed_charter):
    response = reader.get(shortfalls_url())

    assert response.status_code == 200
    text = visible_text(response)
    assert "Compromisos no assolits i assolits parcialment, 2021" in text
    assert "No assolits: 1 · Assolits parcialment: 1" in text
    service = text_of(section(response, f"{service_anchor(seed_charter.service.name)}-title"))
    assert service.startswith("Servei de Solidaritat i Cooperació Internacional")
    # Not met first, with its compliance, band, indicator figures and the reason given.
    assert service.index(TAULA) < service.index(CYCLES)
    assert "0 % No assolit" in service
    assert "objectiu 2, resultat 0, 0 %" in service
    assert "no ha estat necessària la convocatòria de la Taula" in service
    assert "75 % Assolit parcialment" in service
    # Met commitments are not listed.
    assert MET_COMMITMENT not in service


def test_each_commitment_links_to_its_indicator_page(reader, seed_charter):
    page = markup(reader.get(shortfalls_url()))

    taula, cycles = seed_charter.indicators[4], seed_charter.indicators[2]
    assert f'href="{indicator_url(taula)}"' in page
    assert f'href="{indicator_url(cycles)}"' in page
    met = seed_charter.indicators[0]
    assert f'href="{indicator_url(met)}"' not in page
    assert reader.get(indicator_url(taula)).status_code == 200


def test_a_commitment_is_listed_by_the_mean_of_its_indicators_as_the_dashboard_counts_it(
    reader, seed_charter
):
    # The refugees' commitment has two indicators: 1 of 1 cycles and 25 of 50 people
    # average 75 %: partly met, though one of its indicators is met.
    refugees = seed_charter.indicators[6]
    Measurement.objects.filter(indicator=refugees, year=2021).update(result=Decimal(25))

    page = build_shortfalls_page(2021)

    [service] = page.services
    assert [(item.commitment.pk, item.compliance_text) for item in service.shortfalls] == [
        (seed_charter.indicators[4].commitment_id, f"0{NBSP}%"),
        (seed_charter.indicators[2].commitment_id, f"75{NBSP}%"),
        (refugees.commitment_id, f"75{NBSP}%"),
    ]
    assert [row.indicator for row in service.shortfalls[2].rows] == seed_charter.indicators[5:7]
    dashboard = visible_text(reader.get(reverse("publication:charters_dashboard"), {"year": 2021}))
    assert "Servei de Solidaritat i Cooperació Internacional 6 3 (50 %) 2 (33,3 %) 1 (16,7 %)" in (
        dashboard
    )


def test_the_dashboard_leads_to_the_list_of_its_year(reader, seed_charter):
    page = markup(reader.get(reverse("publication:charters_dashboard"), {"year": 2021}))

    assert f'href="{shortfalls_url()}"' in page
    # The service's counts of commitments not met and partly met lead to its section;
    # its count of those met does not.
    section_url = f"{shortfalls_url()}#servei-servei-de-solidaritat-i-cooperacio-internacional"
    assert page.count(f'href="{section_url}"') == 2
    assert 'aria-label="1 no assolits: Servei de Solidaritat i Cooperació Internacional"' in page
    assert 'id="servei-servei-de-solidaritat-i-cooperacio-internacional"' in markup(
        reader.get(shortfalls_url())
    )
    back = markup(reader.get(shortfalls_url()))
    assert f'href="{reverse("publication:charters_dashboard")}?year=2021"' in back


def test_a_technician_reads_the_list_without_a_link_to_the_dashboard_they_may_not_open(
    client, technician_area3, seed_charter
):
    client.force_login(technician_area3)

    response = client.get(shortfalls_url())

    assert response.status_code == 200
    assert reverse("publication:charters_dashboard") not in markup(response)
    assert TAULA in visible_text(response)


def test_a_year_without_shortfalls_says_so(reader, seed_charter):
    response = reader.get(shortfalls_url(2020))

    assert response.status_code == 200
    assert (
        "Cap compromís de les cartes vigents el 2020 no ha quedat sense assolir ni assolit "
        "parcialment." in visible_text(response)
    )


def test_a_year_out_of_range_is_not_found(reader, organisation):
    assert reader.get(shortfalls_url(1900)).status_code == 404


@pytest.mark.parametrize(("charters", "indicators_each"), [(1, 5), (6, 20)])
def test_the_list_runs_the_same_queries_at_any_size(
    reader, organisation, charters, indicators_each, django_assert_num_queries
):
    build_charters(
        Service.objects.get(name="Servei de Ciutadania"), charters, indicators_each=indicators_each
    )
    build_charters(
        Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional"),
        charters,
        indicators_each=indicators_each,
    )

    # Session, user, the user's roles (once, for the guard and the dashboard link); the
    # charters in force; the indicators with their tree and the year's measurements.
    with django_assert_num_queries(6):
        response = reader.get(shortfalls_url())

    assert response.status_code == 200
    # build_charters gives results 0-4 against 4: 0 and 1 are not met, 2 and 3 partly met.
    per_charter = sum(1 for index in range(indicators_each) if index % 5 < 4)
    assert markup(response).count("charter-shortfalls__indicators") == 2 * charters * per_charter
