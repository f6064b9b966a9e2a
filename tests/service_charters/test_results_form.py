"""The yearly results page, used as a technician's browser would: open it, type, submit.

`browser_data` reads the form a page shows (inputs, hidden initial values, checked
boxes, textareas) so that every POST carries what a browser would send.
"""

import re
import time
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.roles import Role
from service_charters.models import Measurement
from tests.conftest import make_user
from tests.forms import browser_data, error_next_to, long_text
from tests.pages import markup
from tests.service_charters.conftest import build_charters

NBSP = "\u00a0"


def block_of(response, indicator) -> str:
    """The text of one indicator's part of the page, tags removed."""
    text = markup(response)
    start = text.index(f'id="indicator-{indicator.pk}"')
    end = text.index("</fieldset>", start)
    # Collapse spaces and line breaks, but keep the no-break space of «75 %».
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text[start:end])).strip()


def block_of_html(response, indicator) -> str:
    text = markup(response)
    start = text.index(f'id="indicator-{indicator.pk}"')
    return text[start : text.index("</fieldset>", start)]


def field(indicator, name: str) -> str:
    return f"results-{indicator.pk}-{name}"


def measurement_of(indicator, year=2021) -> Measurement | None:
    return Measurement.objects.filter(indicator=indicator, year=year).first()


@pytest.fixture
def cycles(seed_charter):
    """«Nombre de cicles realitzats»: target 4, a floor."""
    indicator = seed_charter.indicators[2]
    assert indicator.name == "Nombre de cicles realitzats"
    return indicator


@pytest.fixture
def url(seed_charter):
    return reverse("service_charters:results_edit", args=[seed_charter.charter.pk, 2021])


@pytest.fixture
def laia(client, technician_of_service):
    client.force_login(technician_of_service)
    return client


# Entering and seeing the result


def test_the_technician_enters_a_result_and_sees_its_compliance(
    seed_charter, cycles, url, laia, technician_of_service
):
    Measurement.objects.filter(indicator=cycles, year=2021).delete()
    form_page = laia.get(url)
    assert form_page.status_code == 200
    assert "Resultats de 2021" in markup(form_page)
    data = browser_data(form_page)
    assert data[field(cycles, "result")] == ""
    assert data[field(cycles, "base_version")] == ""

    data[field(cycles, "result")] = "3"
    data[field(cycles, "observations")] = "Els confinaments han reduït l'activitat presencial."
    response = laia.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == url
    saved = measurement_of(cycles)
    assert (saved.result, saved.observations) == (Decimal(3), data[field(cycles, "observations")])
    assert (saved.version, saved.updated_by) == (1, technician_of_service)
    assert saved.history.get().history_user == technician_of_service
    # Only the indicator typed in was saved; the other six keep their seed version.
    assert Measurement.objects.filter(year=2021, version=1).count() == 7

    shown = laia.get(url)
    assert "S'han desat els resultats de 2021." in markup(shown)
    block = block_of(shown, cycles)
    assert "Indicador de mesura: 4" in block
    assert f"Resultat 3 Diferència respecte la previsió -1 Grau de compliment 75{NBSP}%" in block
    assert "Assolit parcialment" in block


def test_every_indicator_is_on_the_page_in_order_under_its_headings(seed_charter, url, laia):
    text = markup(laia.get(url))

    names = [indicator.name for indicator in seed_charter.indicators]
    positions = [
        text.index(f'<legend class="result-indicator__name">{name}</legend>') for name in names
    ]
    assert positions == sorted(positions)
    assert text.count('<h3 class="results-heading results-heading--objective">') == 4
    assert text.count('<h4 class="results-heading results-heading--commitment">') == 6
    assert "Treballar a favor de les persones refugiades." in text
    # The seed as saved: compliance per indicator, from the rules.
    refugees_table = seed_charter.indicators[4]
    assert f"Diferència respecte la previsió -2 Grau de compliment 0{NBSP}% No assolit" in (
        block_of(laia.get(url), refugees_table)
    )


def test_the_hidden_copies_of_the_opened_values_point_at_no_help_text(seed_charter, url, laia):
    """What the page was opened with travels in hidden inputs; HTML forbids aria-* there."""
    hidden_inputs = re.findall(r'<input type="hidden"[^>]*>', markup(laia.get(url)))

    assert any('name="initial-' in tag for tag in hidden_inputs)
    assert not [tag for tag in hidden_inputs if "aria-" in tag]


def test_a_percentage_shows_its_unit_and_a_yes_no_reads_si(seed_charter, url, laia):
    response = laia.get(url)
    percentage, yearly_cycle = seed_charter.indicators[0], seed_charter.indicators[5]

    assert '<span class="result-field__unit">%</span>' in block_of_html(response, percentage)
    assert '<span class="result-field__unit">%</span>' not in block_of_html(response, yearly_cycle)
    data = browser_data(response)
    assert data[field(yearly_cycle, "result")] == "Sí"

    data[field(percentage, "result")] = "97,5 %"
    data[field(percentage, "observations")] = "Dues peticions es van respondre en tres dies."
    data[field(yearly_cycle, "result")] = "No"
    data[field(yearly_cycle, "observations")] = "No s'ha fet el cicle."
    assert laia.post(url, data).status_code == 302

    assert measurement_of(percentage).result == Decimal("97.5")
    assert measurement_of(yearly_cycle).result == Decimal(0)
    shown = laia.get(url)
    assert f"Resultat 97,5{NBSP}% Diferència respecte la previsió -2,5{NBSP}%" in block_of(
        shown, percentage
    )
    assert f"Grau de compliment 0{NBSP}% No assolit" in block_of(shown, yearly_cycle)


def test_decimals_are_typed_with_a_comma(seed_charter, cycles, url, laia):
    data = browser_data(laia.get(url))
    data[field(cycles, "result")] = "2,5"
    assert laia.post(url, data).status_code == 302

    assert measurement_of(cycles).result == Decimal("2.5")
    assert browser_data(laia.get(url))[field(cycles, "result")] == "2,5"


def test_not_applicable_with_its_reason_is_not_assessed(seed_charter, url, laia):
    refugees_table = seed_charter.indicators[4]
    data = browser_data(laia.get(url))
    data[field(refugees_table, "result")] = ""
    data[field(refugees_table, "not_applicable")] = "on"
    data[field(refugees_table, "not_applicable_reason")] = "No hi ha hagut noves arribades."
    assert laia.post(url, data).status_code == 302

    saved = measurement_of(refugees_table)
    assert (saved.not_applicable, saved.result) == (True, None)
    assert saved.not_applicable_reason == "No hi ha hagut noves arribades."
    block = block_of(laia.get(url), refugees_table)
    assert "Resultat No aplicable" in block
    assert "No avaluat" in block


def test_improvement_actions_with_their_date(seed_charter, cycles, url, laia):
    data = browser_data(laia.get(url))
    data[field(cycles, "shortfall_causes")] = "Confinaments."
    data[field(cycles, "improvement_actions")] = "Programar cicles en línia."
    data[field(cycles, "improvement_due")] = "31/03/2022"
    assert laia.post(url, data).status_code == 302

    saved = measurement_of(cycles)
    assert (saved.improvement_actions, saved.improvement_due) == (
        "Programar cicles en línia.",
        date(2022, 3, 31),
    )
    assert browser_data(laia.get(url))[field(cycles, "improvement_due")] == "31/03/2022"


def test_a_page_opened_and_saved_untouched_saves_nothing(seed_charter, url, laia):
    response = laia.post(url, browser_data(laia.get(url)))

    assert response.status_code == 302
    assert "No heu canviat cap resultat: no s'ha desat res." in markup(laia.get(url))
    assert Measurement.objects.filter(version=1).count() == 7


def test_a_new_year_saves_only_the_indicators_typed_in(seed_charter, cycles, laia):
    url = reverse("service_charters:results_edit", args=[seed_charter.charter.pk, 2022])
    untouched = browser_data(laia.get(url))
    assert laia.post(url, untouched).status_code == 302
    assert not Measurement.objects.filter(year=2022).exists()

    untouched[field(cycles, "result")] = "4"
    assert laia.post(url, untouched).status_code == 302
    assert list(Measurement.objects.filter(year=2022).values_list("indicator", "result")) == [
        (cycles.pk, Decimal(4))
    ]
    assert "S'han desat els resultats de 2022." in markup(laia.get(url))


# Validation: each error next to its field, and everything typed still there


@pytest.fixture
def typed(seed_charter, cycles, url, laia):
    """The page as the technician has filled it in, before one mistake is added."""
    data = browser_data(laia.get(url))
    first, second = seed_charter.indicators[0], seed_charter.indicators[1]
    data[field(first, "observations")] = "Text que no es pot perdre:\n- primer punt"
    data[field(second, "result")] = "3"
    data[field(cycles, "result")] = "3"
    data[field(cycles, "observations")] = "Menys cicles per la COVID-19."
    data[field(cycles, "shortfall_causes")] = "Confinaments."
    data[field(cycles, "improvement_actions")] = "Cicles en línia."
    data[field(cycles, "improvement_due")] = "30/06/2022"
    return data


def assert_everything_typed_is_kept(response, data):
    assert response.status_code == 200
    assert "No s'ha desat: corregiu els camps marcats. El que heu escrit es manté." in (
        markup(response)
    )
    kept = browser_data(response)
    assert {k: v for k, v in kept.items() if k != "csrfmiddlewaretoken"} == {
        k: v for k, v in data.items() if k != "csrfmiddlewaretoken"
    }
    assert Measurement.objects.filter(version=1).count() == 7, "nothing was saved"


def test_a_shortfall_needs_an_observation(cycles, url, laia, typed):
    typed[field(cycles, "observations")] = "  "
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'observations')}") == (
        "Expliqueu per què no s'ha assolit l'objectiu."
    )
    assert_everything_typed_is_kept(response, typed)
    assert f'href="#indicator-{cycles.pk}">Nombre de cicles realitzats' in markup(response)


def test_a_too_long_observation_is_refused_next_to_it_and_everything_is_kept(
    cycles, url, laia, typed
):
    saved = measurement_of(cycles)
    typed[field(cycles, "observations")] = long_text(2_001)
    response = laia.post(url, typed)

    # Only the length is wrong: no «Expliqueu…» for an observation that is there.
    assert error_next_to(response, f"id_{field(cycles, 'observations')}") == (
        "El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir 2.000."
    )
    assert_everything_typed_is_kept(response, typed)
    assert measurement_of(cycles).observations == saved.observations

    typed[field(cycles, "observations")] = long_text(2_000)
    assert laia.post(url, typed).status_code == 302
    assert measurement_of(cycles).observations == typed[field(cycles, "observations")]


@pytest.mark.parametrize("name", ["shortfall_causes", "improvement_actions"])
def test_the_causes_and_the_improvement_actions_are_bounded_too(cycles, url, laia, typed, name):
    typed[field(cycles, name)] = long_text(2_001)
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, name)}") == (
        "El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir 2.000."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_too_long_reason_for_not_applying_is_told_only_that(cycles, url, laia, typed):
    typed[field(cycles, "not_applicable")] = "on"
    typed[field(cycles, "result")] = ""
    typed[field(cycles, "not_applicable_reason")] = long_text(2_001)
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'not_applicable_reason')}") == (
        "El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir 2.000."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_result_left_empty_needs_an_observation(seed_charter, url, laia, typed):
    calls = seed_charter.indicators[1]
    typed[field(calls, "result")] = ""
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(calls, 'observations')}") == (
        "Expliqueu per què no s'ha avaluat."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_result_is_never_negative(cycles, url, laia, typed):
    typed[field(cycles, "result")] = "-3"
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'result')}") == (
        "El resultat no pot ser negatiu."
    )
    assert_everything_typed_is_kept(response, typed)


@pytest.mark.parametrize(
    ("typed_result", "message"),
    [
        ("tres", "Escriviu un nombre."),
        ("Sí", "Escriviu un nombre."),
        ("2.5", "Escriviu els decimals amb coma: 2,5."),
    ],
)
def test_a_result_is_a_number(cycles, url, laia, typed, typed_result, message):
    typed[field(cycles, "result")] = typed_result
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'result')}") == message
    assert_everything_typed_is_kept(response, typed)


def test_a_yes_no_result_is_yes_or_no(seed_charter, url, laia, typed):
    yearly_cycle = seed_charter.indicators[5]
    typed[field(yearly_cycle, "result")] = "2"
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(yearly_cycle, 'result')}") == (
        "Escriviu Sí o No (1 o 0)."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_yes_no_result_in_other_words_asks_for_si_or_no(seed_charter, url, laia, typed):
    yearly_cycle = seed_charter.indicators[5]
    typed[field(yearly_cycle, "result")] = "potser"
    response = laia.post(url, typed)

    # Not «Escriviu un nombre.»: the indicator is answered with a word.
    assert error_next_to(response, f"id_{field(yearly_cycle, 'result')}") == "Escriviu Sí o No."
    assert_everything_typed_is_kept(response, typed)


def test_not_applicable_needs_a_reason_and_no_result(cycles, url, laia, typed):
    typed[field(cycles, "not_applicable")] = "on"
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'not_applicable_reason')}") == (
        "Expliqueu per què l'indicador no s'aplica aquest any."
    )
    assert error_next_to(response, f"id_{field(cycles, 'result')}") == (
        "Un indicador no aplicable no té resultat: deixeu-lo buit o desmarqueu «No aplicable»."
    )
    assert_everything_typed_is_kept(response, typed)


def test_an_improvement_date_needs_improvement_actions(cycles, url, laia, typed):
    typed[field(cycles, "improvement_actions")] = ""
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'improvement_actions')}") == (
        "Descriviu les accions de millora previstes per a aquesta data."
    )
    assert_everything_typed_is_kept(response, typed)


def test_an_improvement_date_is_a_date(cycles, url, laia, typed):
    typed[field(cycles, "improvement_due")] = "31/02/2022"
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'improvement_due')}") == (
        "Escriviu una data com 31/12/2022."
    )
    assert_everything_typed_is_kept(response, typed)


# Permissions


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("technician_of_service", 200),
        ("technician_area3", 200),
        ("technician_other_area", 403),
        ("director", 403),
        ("staff", 403),
        ("user_without_role", 403),
        ("administrator", 200),
    ],
)
def test_who_opens_the_page(seed_charter, url, persona_client, persona, expected):
    assert persona_client(persona).get(url).status_code == expected


@pytest.mark.parametrize("persona", ["technician_other_area", "director", "staff"])
def test_who_may_not_edit_saves_nothing(seed_charter, cycles, url, client, request, persona):
    data = browser_data(_signed_in_as_laia(seed_charter, url))
    data[field(cycles, "result")] = "0"
    data[field(cycles, "observations")] = "Intrús"
    client.force_login(request.getfixturevalue(persona))

    assert client.post(url, data).status_code == 403
    saved = measurement_of(cycles)
    assert (saved.result, saved.version) == (Decimal(3), 1)


def _signed_in_as_laia(seed_charter, url):
    browser = Client()
    browser.force_login(make_user("laia2", Role.TECHNICIAN, services=[seed_charter.service]))
    return browser.get(url)


def test_anonymous_visitors_are_sent_to_sign_in(seed_charter, url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_charters_and_years_out_of_range_are_not_found(seed_charter, laia):
    charter = seed_charter.charter.pk
    next_year = timezone.localdate().year + 1

    def status(pk, year):
        return laia.get(reverse("service_charters:results_edit", args=[pk, year])).status_code

    assert status(999999, 2021) == 404
    assert status(charter, 1999) == 404
    # The one range of years of every charters page (years.check_year), no longer a
    # range of its own: the charter's period in force is what limits it further.
    assert status(charter, 2101) == 404
    assert status(charter, next_year) == 200
    assert status(charter, next_year + 1) == 200


def test_a_year_outside_the_charters_period_in_force_is_not_found(seed_charter, laia):
    """The review's finding: the page opened (and saved) years the charter never covered;
    2000 used to be a page for a charter in force from April 2018."""
    charter = seed_charter.charter
    charter.in_force_until = date(2022, 12, 31)
    charter.save()

    def status(year):
        url = reverse("service_charters:results_edit", args=[charter.pk, year])
        return laia.get(url).status_code

    assert status(2000) == 404
    assert status(2017) == 404
    assert status(2018) == 200
    assert status(2022) == 200
    assert status(2023) == 404


# Two people at once


@pytest.fixture
def marta(seed_charter, technician_area3):
    browser = Client()
    browser.force_login(technician_area3)
    return browser


def test_two_people_editing_at_once_lose_nothing(seed_charter, cycles, url, laia, marta):
    martas_page = browser_data(marta.get(url))
    laias_page = browser_data(laia.get(url))

    martas_page[field(cycles, "result")] = "2"
    martas_page[field(cycles, "observations")] = "El text de la Marta."
    assert marta.post(url, martas_page).status_code == 302
    laias_page[field(cycles, "result")] = "4"
    laias_page[field(cycles, "observations")] = "El text de la Laia, que no es pot perdre."
    refused = laia.post(url, laias_page)

    assert refused.status_code == 409
    saved = measurement_of(cycles)
    assert (saved.result, saved.observations, saved.version) == (
        Decimal(2),
        "El text de la Marta.",
        2,
    )
    assert re.search(
        r"Una altra persona \(Marta\) ha desat el resultat d'un dels indicadors que heu canviat "
        r"el \d\d/\d\d/\d{4} a les \d\d:\d\d, mentre editàveu aquesta pàgina\. No s'ha desat cap "
        r"dels vostres canvis",
        markup(refused),
    )
    block = block_of(refused, cycles)
    assert "Versió desada ara" in block and "Desat per Marta el" in block
    assert "Resultat 2 Diferència respecte la previsió -2 Grau de compliment 50" in block
    assert "El text de la Marta." in block
    kept = browser_data(refused)
    assert kept[field(cycles, "result")] == "4"
    assert kept[field(cycles, "observations")] == "El text de la Laia, que no es pot perdre."
    assert kept[field(cycles, "base_version")] == "2"

    # Having seen Marta's version, Laia saves hers.
    assert laia.post(url, kept).status_code == 302
    saved = measurement_of(cycles)
    assert (saved.result, saved.observations, saved.version) == (
        Decimal(4),
        "El text de la Laia, que no es pot perdre.",
        3,
    )


def test_a_conflict_on_one_indicator_saves_none_of_the_others(
    seed_charter, cycles, url, laia, marta
):
    calls = seed_charter.indicators[1]
    martas_page = browser_data(marta.get(url))
    laias_page = browser_data(laia.get(url))
    martas_page[field(cycles, "result")] = "2"
    assert marta.post(url, martas_page).status_code == 302

    laias_page[field(calls, "result")] = "1"
    laias_page[field(calls, "observations")] = "Només una convocatòria."
    laias_page[field(cycles, "result")] = "1"

    assert laia.post(url, laias_page).status_code == 409
    assert measurement_of(calls).result == Decimal(2)


def test_people_editing_different_indicators_do_not_conflict(
    seed_charter, cycles, url, laia, marta
):
    calls = seed_charter.indicators[1]
    martas_page = browser_data(marta.get(url))
    laias_page = browser_data(laia.get(url))
    martas_page[field(calls, "result")] = "1"
    martas_page[field(calls, "observations")] = "Només una convocatòria."
    assert marta.post(url, martas_page).status_code == 302

    # Laia's page still shows the old result of «calls», but she did not touch it.
    laias_page[field(cycles, "result")] = "4"
    assert laia.post(url, laias_page).status_code == 302

    assert measurement_of(calls).result == Decimal(1)
    assert measurement_of(cycles).result == Decimal(4)


# Queries


@pytest.mark.parametrize("indicators", [4, 40])
def test_the_page_needs_the_same_queries_for_any_number_of_indicators(
    seed_charter, laia, django_assert_num_queries, indicators
):
    charter = build_charters(seed_charter.service, 1, indicators_each=indicators)[0]
    url = reverse("service_charters:results_edit", args=[charter.pk, 2021])
    # session, user, the user's roles, the charter with its service, the user's areas
    # and services (the edit guard), the indicators with their headings (load_rows),
    # their measurements for the year (load_rows).
    with django_assert_num_queries(8):
        response = laia.get(url)
    assert response.status_code == 200
    assert markup(response).count('class="panel result-indicator') == indicators


def test_the_saved_band_uses_the_reports_band_colours(seed_charter, cycles, url, laia):
    """One `band_css` for every page: the badge used to build its own class names."""
    response = laia.get(url)

    assert 'class="badge result-band band--partly-met">Assolit parcialment' in block_of_html(
        response, cycles
    )
    yearly_cycle = seed_charter.indicators[5]
    assert 'class="badge result-band band--met">Assolit' in block_of_html(response, yearly_cycle)


@pytest.mark.parametrize("typed_date", ["01/01/0001", "31/12/9999", "31/12/1999"])
def test_an_improvement_date_out_of_range_is_refused(cycles, url, laia, typed, typed_date):
    typed[field(cycles, "improvement_due")] = typed_date
    response = laia.post(url, typed)

    assert error_next_to(response, f"id_{field(cycles, 'improvement_due')}").startswith(
        "Escriviu una data entre el 01/01/2000 i el "
    )
    assert_everything_typed_is_kept(response, typed)
    assert measurement_of(cycles).improvement_due is None


def test_a_forged_count_of_indicators_is_refused_quickly(cycles, url, laia, typed):
    """A tiny POST claiming 100,000 rows: no form built for them, nothing saved."""
    typed["results-TOTAL_FORMS"] = "100000"
    started = time.monotonic()
    response = laia.post(url, typed)

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert "Com a màxim s'hi poden enviar 500 files; no s'ha desat res." in markup(response)
    assert measurement_of(cycles).observations != "Menys cicles per la COVID-19."
