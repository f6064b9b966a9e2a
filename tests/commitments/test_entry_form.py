"""The entry form, used as a technician's browser would: open it, change fields, submit.

`browser_data` reads the form a page shows (inputs, checked radios and boxes,
textareas) so that every POST carries what a browser would send, management
form and empty figure rows included.
"""

import re
import time
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Entry, Figure, PlanNode, ReportingPeriod, Status, StatusCategory
from governance.roles import Role
from tests.commitments.conftest import build_commitments
from tests.conftest import make_user
from tests.forms import browser_data, error_next_to, long_text
from tests.pages import markup


def textarea(response, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', markup(response), re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def input_value(response, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', markup(response))
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def status_of(seed, category) -> Status:
    return Status.objects.get(mandate=seed.mandate, category=category)


def set_figures(data: dict, rows: list[dict], *, delete_rest: bool = True) -> dict:
    """Type `rows` into the first figure rows; tick «Elimina» on the other saved ones."""
    initial = int(data["figures-INITIAL_FORMS"])
    total = int(data["figures-TOTAL_FORMS"])
    assert len(rows) <= total
    for index in range(total):
        for name in ("label", "value", "unit", "women", "men"):
            if index < len(rows):
                data[f"figures-{index}-{name}"] = rows[index].get(name, "")
        if delete_rest and len(rows) <= index < initial:
            data[f"figures-{index}-DELETE"] = "on"
    return data


@pytest.fixture
def url(seed_plan):
    return reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )


@pytest.fixture
def marta(client, technician_area3):
    client.force_login(technician_area3)
    return client


@pytest.fixture
def new_commitment(seed_plan, organisation):
    """A commitment of area 3 with entries in every period but the open one."""
    return build_commitments(seed_plan, 1, areas=[organisation[3]])[0]


# Saving


def test_the_technician_saves_commitment_21(seed_plan, url, marta, technician_area3):
    form_page = marta.get(url)
    assert form_page.status_code == 200
    text = markup(form_page)
    statuses = [
        s.label for s in Status.objects.filter(mandate=seed_plan.mandate).order_by("position")
    ]
    assert [text.index(label) for label in statuses] == sorted(
        text.index(label) for label in statuses
    )
    # No entry in the previous semester, nothing to copy.
    assert "Copia el seguiment del semestre anterior" not in text
    data = browser_data(form_page)
    assert data["status"] == str(seed_plan.entry_21.status_id)
    assert data["observations"] == seed_plan.entry_21.observations
    assert data["base_version"] == str(seed_plan.entry_21.version)
    assert data["figures-INITIAL_FORMS"] == "14"

    delayed = status_of(seed_plan, StatusCategory.DELAYED)
    data["status"] = str(delayed.pk)
    data["observations"] = "S'ha fet:\n- 7 formacions amb **144 participants**\n- 37 hores"
    set_figures(
        data,
        [
            {
                "label": "Participants en formacions",
                "value": "144",
                "unit": "persones",
                "women": "121",
                "men": "23",
            },
            {
                "label": "Participants a Instituts Oberts",
                "value": "230",
                "unit": "persones",
                "women": "175",
                "men": "55",
            },
        ],
    )
    response = marta.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:detail", args=[seed_plan.commitment_21.pk])
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.status == delayed
    assert entry.observations == data["observations"]
    assert entry.updated_by == technician_area3
    assert entry.version == seed_plan.entry_21.version + 1
    assert [(f.label, f.value, f.unit, f.women, f.men) for f in entry.figures.all()] == [
        ("Participants en formacions", 144, "persones", 121, 23),
        ("Participants a Instituts Oberts", 230, "persones", 175, 55),
    ]

    detail = markup(marta.get(response["Location"]))
    assert "S'ha desat el seguiment: Compromís 21." in detail
    assert "En execució però amb retard" in detail
    assert "<li>7 formacions amb <strong>144 participants</strong></li>" in detail
    assert '<th scope="row">Participants en formacions</th>' in detail
    assert re.search(r">121</td>\s*<td[^>]*>23</td>", detail)
    # Reopened, the form shows what was saved.
    reopened = markup(marta.get(url))
    assert "S'ha fet:\n- 7 formacions amb **144 participants**" in reopened
    assert 'value="Participants a Instituts Oberts"' in reopened


def test_a_commitment_without_entry_gets_one(seed_plan, new_commitment, marta, technician_area3):
    url = reverse("commitments:entry_edit", args=[new_commitment.pk, seed_plan.open_period.pk])
    form_page = marta.get(url)
    data = browser_data(form_page)
    assert "status" not in data  # nothing chosen yet
    assert data["base_version"] == ""
    assert data["figures-TOTAL_FORMS"] == "3"

    data["status"] = str(status_of(seed_plan, StatusCategory.ON_TRACK).pk)
    data["observations"] = "Primer seguiment."
    set_figures(data, [{"label": "Sessions", "value": "12,5", "unit": "hores"}])
    response = marta.post(url, data)

    assert response.status_code == 302
    entry = Entry.objects.get(node=new_commitment, period=seed_plan.open_period)
    assert (entry.version, entry.updated_by, entry.observations) == (
        1,
        technician_area3,
        "Primer seguiment.",
    )
    assert [(f.label, f.value, f.unit) for f in entry.figures.all()] == [
        ("Sessions", Decimal("12.5"), "hores")
    ]


def test_figures_keep_the_order_typed_in_the_order_column(seed_plan, url, marta):
    data = set_figures(
        browser_data(marta.get(url)),
        [
            {"label": "Primera", "value": "1"},
            {"label": "Segona", "value": "2"},
        ],
    )
    data["figures-0-ORDER"], data["figures-1-ORDER"] = "2", "1"

    assert marta.post(url, data).status_code == 302

    assert list(seed_plan.entry_21.figures.values_list("label", flat=True)) == ["Segona", "Primera"]


def test_progress_is_asked_only_when_the_mandate_tracks_it(seed_plan, organisation, marta, url):
    assert "Percentatge d'execució" not in markup(marta.get(url))

    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    objective = PlanNode.objects.create(
        mandate=mandate, level=levels[0], code="1", text="Objectiu 1"
    )
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Eix 61"
    )
    action = PlanNode.objects.create(
        mandate=mandate,
        level=levels[2],
        parent=axis,
        code="61.1",
        text="Actuació 61.1",
        area=organisation[3],
    )
    period = ReportingPeriod.objects.get(mandate=mandate, start=date(2019, 7, 1))
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=True)
    action_url = reverse("commitments:entry_edit", args=[action.pk, period.pk])
    data = browser_data(marta.get(action_url))
    data["status"] = str(Status.objects.get(mandate=mandate, position=2).pk)

    data["progress"] = "142"
    refused = marta.post(action_url, data)
    assert refused.status_code == 200
    assert error_next_to(refused, "id_progress") == "El percentatge ha d'estar entre 0 i 100."

    data["progress"] = "42,5"
    response = marta.post(action_url, data)
    assert response.status_code == 302
    assert Entry.objects.get(node=action, period=period).progress == Decimal("42.5")
    messages = markup(marta.get(action_url))
    assert "S'ha desat el seguiment: Actuació 61.1." in messages
    assert 'value="42,5"' in messages


# Validation: each error next to its field, and everything typed still there


@pytest.fixture
def typed(seed_plan, url, marta):
    """The form as the technician has filled it in, before one mistake is added."""
    data = browser_data(marta.get(url))
    data["observations"] = "Text que no es pot perdre:\n- primer punt"
    data["related_information"] = "Vegeu [la memòria](https://www.terrassa.cat/memoria)"
    return set_figures(
        data,
        [
            {"label": "Formacions", "value": "7", "unit": "cursos"},
            {
                "label": "Participants",
                "value": "144",
                "unit": "persones",
                "women": "121",
                "men": "23",
            },
        ],
    )


def assert_everything_typed_is_kept(response, data):
    assert response.status_code == 200
    assert "No s'ha desat" in markup(response)
    kept = browser_data(response)
    for name in ("observations", "related_information", "status", "reason", "base_version"):
        assert kept.get(name) == data.get(name), name
    for index in range(int(data["figures-TOTAL_FORMS"])):
        for name in ("label", "value", "unit", "women", "men", "DELETE"):
            key = f"figures-{index}-{name}"
            assert kept.get(key, "") == data.get(key, ""), key


def test_a_status_is_required(seed_plan, url, marta, typed):
    del typed["status"]
    response = marta.post(url, typed)

    assert error_next_to(response, "id_status") == "Trieu l'estat de compliment."
    # The group of choices, not one of them, is described by its error.
    assert re.search(r'<fieldset [^>]*aria-describedby="id_status_error"', markup(response))
    assert_everything_typed_is_kept(response, typed)
    assert Entry.objects.get(pk=seed_plan.entry_21.pk).version == seed_plan.entry_21.version


def test_a_figure_is_never_negative(url, marta, typed):
    typed["figures-1-men"] = "-3"
    response = marta.post(url, typed)

    assert error_next_to(response, "id_figures-1-men") == "La xifra no pot ser negativa."
    assert_everything_typed_is_kept(response, typed)


def test_a_negative_figure_without_a_label_is_told_both(url, marta, typed):
    row = typed["figures-INITIAL_FORMS"]  # the first empty row
    typed[f"figures-{row}-value"] = "-4"
    response = marta.post(url, typed)

    assert error_next_to(response, f"id_figures-{row}-value") == "La xifra no pot ser negativa."
    assert error_next_to(response, f"id_figures-{row}-label") == (
        "Escriviu a què correspon aquesta xifra."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_figure_is_a_number(url, marta, typed):
    typed["figures-0-value"] = "set"
    response = marta.post(url, typed)

    assert error_next_to(response, "id_figures-0-value") == "Escriviu un nombre."
    assert input_value(response, "figures-0-value") == "set"
    assert_everything_typed_is_kept(response, typed)


def test_women_and_men_never_add_up_to_more_than_the_total(url, marta, typed):
    typed["figures-1-men"] = "29"
    response = marta.post(url, typed)

    assert (
        error_next_to(response, "id_figures-1")
        == "Dones i homes (150) sumen més que el total (144)."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_value_needs_a_label(url, marta, typed):
    row = typed["figures-INITIAL_FORMS"]  # the first empty row
    typed[f"figures-{row}-value"] = "12"
    response = marta.post(url, typed)

    assert (
        error_next_to(response, f"id_figures-{row}-label")
        == "Escriviu a què correspon aquesta xifra."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_label_needs_a_value(url, marta, typed):
    row = typed["figures-INITIAL_FORMS"]  # the first empty row
    typed[f"figures-{row}-label"] = "Sessions grupals"
    response = marta.post(url, typed)

    assert (
        error_next_to(response, f"id_figures-{row}-value") == "Escriviu el valor d'aquesta xifra."
    )
    assert_everything_typed_is_kept(response, typed)


def test_a_dropped_commitment_needs_a_reason(seed_plan, url, marta, typed):
    typed["status"] = str(status_of(seed_plan, StatusCategory.DROPPED).pk)
    typed["reason"] = "   "
    response = marta.post(url, typed)

    assert error_next_to(response, "id_reason") == (
        "Expliqueu per què no s'inicia aquest compromís: l'estat triat ho demana."
    )
    assert_everything_typed_is_kept(response, typed)

    typed["reason"] = "El govern ha prioritzat el pla d'habitatge."
    assert marta.post(url, typed).status_code == 302
    assert Entry.objects.get(pk=seed_plan.entry_21.pk).reason == typed["reason"]


def test_a_too_long_observation_is_refused_next_to_it_and_everything_is_kept(
    seed_plan, url, marta, typed
):
    saved = Entry.objects.get(pk=seed_plan.entry_21.pk)
    typed["observations"] = long_text(10_001)
    response = marta.post(url, typed)

    assert error_next_to(response, "id_observations") == (
        "El text és massa llarg: té 10.001 caràcters i com a màxim en pot tenir 10.000."
    )
    assert_everything_typed_is_kept(response, typed)
    entry = Entry.objects.get(pk=saved.pk)
    assert (entry.version, entry.observations) == (saved.version, saved.observations)
    assert entry.figures.count() == saved.figures.count()

    typed["observations"] = long_text(10_000)
    assert marta.post(url, typed).status_code == 302
    assert Entry.objects.get(pk=saved.pk).observations == typed["observations"]


@pytest.mark.parametrize(("name", "limit"), [("reason", "2.000"), ("related_information", "2.000")])
def test_the_reason_and_the_related_information_are_bounded_too(url, marta, typed, name, limit):
    typed[name] = long_text(2_001)
    response = marta.post(url, typed)

    assert error_next_to(response, f"id_{name}") == (
        f"El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir {limit}."
    )
    assert_everything_typed_is_kept(response, typed)


def test_the_textareas_do_not_cut_a_long_pasted_text(url, marta):
    # A browser would silently cut a text longer than a maxlength attribute; the server
    # refuses it instead and tells why.
    textareas = re.findall(r"<textarea[^>]*>", markup(marta.get(url)))
    assert len(textareas) == 3
    assert not [tag for tag in textareas if "maxlength" in tag]


def test_a_too_long_figure_label_is_refused_next_to_it(url, marta, typed):
    typed["figures-1-label"] = long_text(201)
    response = marta.post(url, typed)

    message = error_next_to(response, "id_figures-1-label")
    assert message.startswith("Assegureu-vos que aquest valor")
    assert "200 caràcters (en té 201)" in message
    assert_everything_typed_is_kept(response, typed)


def test_the_reason_field_is_always_there_with_its_help(url, marta):
    text = markup(marta.get(url))
    assert 'name="reason"' in text
    assert "Només cal si l'estat és «No iniciat per canvi de prioritat»" in text
    assert "«- »" in text and "**negreta**" in text and "[text de l'enllaç](https://…)" in text


# Permissions


def test_a_technician_of_another_area_may_not_open_or_save(
    seed_plan, url, client, technician_other_area
):
    client.force_login(technician_other_area)
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"status": str(seed_plan.entry_21.status_id), "observations": "Intrús"}
    )

    assert response.status_code == 403
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert (entry.observations, entry.version) == (
        seed_plan.entry_21.observations,
        seed_plan.entry_21.version,
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("director", 403), ("staff", 403), ("user_without_role", 403), ("administrator", 200)],
)
def test_who_opens_the_form(seed_plan, url, persona_client, persona, expected):
    assert persona_client(persona).get(url).status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(seed_plan, url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_commitments_and_periods_of_another_mandate_are_not_found(seed_plan, marta):
    other_mandate = ReportingPeriod.objects.filter(mandate=seed_plan.mandate_2019_2023).first()
    edit = "commitments:entry_edit"
    assert marta.get(reverse(edit, args=[999999, seed_plan.open_period.pk])).status_code == 404
    assert marta.get(reverse(edit, args=[seed_plan.commitment_21.pk, 999999])).status_code == 404
    assert (
        marta.get(reverse(edit, args=[seed_plan.commitment_21.pk, other_mandate.pk])).status_code
        == 404
    )
    # A priority is no leaf: nobody reports on it.
    assert (
        marta.get(
            reverse(edit, args=[seed_plan.priority_2.pk, seed_plan.open_period.pk])
        ).status_code
        == 404
    )


# Concurrency and closed periods


def test_two_people_editing_at_once_lose_nothing(seed_plan, url, technician_area3, organisation):
    colleague = make_user("nuria", Role.TECHNICIAN, areas=[organisation[3]])
    marta, nuria = Client(), Client()
    marta.force_login(technician_area3)
    nuria.force_login(colleague)
    martas_form = browser_data(marta.get(url))
    nurias_form = browser_data(nuria.get(url))

    martas_form["observations"] = "El text de la Marta."
    assert marta.post(url, martas_form).status_code == 302
    nurias_form["observations"] = "El text de la Núria, que no es pot perdre."
    set_figures(nurias_form, [{"label": "Tallers", "value": "5"}])
    refused = nuria.post(url, nurias_form)

    saved = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert refused.status_code == 409
    assert saved.observations == "El text de la Marta."
    assert saved.figures.count() == 14
    text = markup(refused)
    assert re.search(
        r"Una altra persona \(Marta\) ha desat aquest seguiment el \d\d/\d\d/\d{4} a les \d\d:\d\d "
        r"mentre l'editàveu\. Els vostres canvis no s'han desat: reviseu la versió actual, que es "
        r"mostra al costat, i torneu a desar\.",
        text,
    )
    assert "Versió desada ara" in text and "El text de la Marta." in text
    assert textarea(refused, "observations") == "El text de la Núria, que no es pot perdre."
    assert input_value(refused, "figures-0-label") == "Tallers"
    again = browser_data(refused)
    assert again["base_version"] == str(saved.version)

    assert nuria.post(url, again).status_code == 302
    saved = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert saved.observations == "El text de la Núria, que no es pot perdre."
    assert saved.updated_by == colleague
    assert list(saved.figures.values_list("label", flat=True)) == ["Tallers"]


def test_a_closed_period_is_shown_read_only_and_refuses_a_post(seed_plan, url, marta):
    closed_url = reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )
    ReportingPeriod.objects.filter(pk=seed_plan.open_period.pk).update(is_open=False)

    shown = marta.get(closed_url)
    assert shown.status_code == 200
    text = markup(shown)
    assert "L'entrada de dades d'aquest període està tancada" in text
    assert "344 tràmits realitzats" in text
    assert 'method="post" class="panel entry-form"' not in text

    response = marta.post(
        closed_url, {"status": str(seed_plan.entry_21.status_id), "observations": "Tard"}
    )
    assert response.status_code == 409
    assert "està tancada: el seguiment només es pot consultar i no s'ha desat cap canvi." in markup(
        response
    )
    assert (
        Entry.objects.get(pk=seed_plan.entry_21.pk).observations == seed_plan.entry_21.observations
    )


# Starting from the previous semester


@pytest.fixture
def previous_entry(seed_plan):
    entry = Entry.objects.create(
        node=seed_plan.commitment_21,
        period=seed_plan.previous_period,
        status=status_of(seed_plan, StatusCategory.DELAYED),
        observations="Al segon semestre de 2018:\n- 300 tràmits",
        related_information="Memòria 2017",
    )
    Figure.objects.create(entry=entry, position=1, label="Tràmits", value=300, unit="tràmits")
    return entry


def test_the_previous_semester_is_shown_beside_the_form(url, marta, previous_entry):
    text = markup(marta.get(url))

    assert "Semestre anterior: Segon semestre de 2018" in text
    assert "<li>300 tràmits</li>" in text
    assert "Copia el seguiment del semestre anterior" in text


def test_starting_from_the_previous_semester_fills_the_form_without_saving(
    seed_plan, url, marta, previous_entry
):
    response = marta.get(url, {"from_previous": "1"})

    data = browser_data(response)
    assert data["observations"] == previous_entry.observations
    assert data["related_information"] == "Memòria 2017"
    assert data["status"] == str(previous_entry.status_id)
    assert (data["figures-0-label"], data["figures-0-value"]) == ("Tràmits", "300")
    assert data["figures-INITIAL_FORMS"] == "1"
    assert data["base_version"] == str(seed_plan.entry_21.version)
    assert "Encara no s'ha desat res" in markup(response)
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.observations == seed_plan.entry_21.observations

    assert marta.post(url, data).status_code == 302
    assert Entry.objects.get(pk=seed_plan.entry_21.pk).observations == previous_entry.observations


def test_the_form_costs_the_same_queries_whatever_the_figures(
    seed_plan, url, marta, previous_entry, django_assert_num_queries
):
    # session, user, roles, technician areas, technician services; the node with mandate,
    # level, area and service; the period; the entry and its figures; the previous period,
    # the previous entry and its figures; the mandate's statuses for the radio buttons.
    with django_assert_num_queries(13):
        assert marta.get(url).status_code == 200
    Figure.objects.bulk_create(
        Figure(entry=previous_entry, position=k, label=f"Xifra {k}", value=k) for k in range(2, 40)
    )
    with django_assert_num_queries(13):
        assert marta.get(url).status_code == 200


# Saving and going on


def test_save_and_continue_comes_back_to_the_form_with_new_empty_rows(seed_plan, url, marta):
    form_page = marta.get(url)
    assert "Desa i continua editant" in markup(form_page)
    assert "Premeu «Desa i continua editant» i el formulari n'oferirà tres de noves." in markup(
        form_page
    )
    data = browser_data(form_page)
    initial = int(data["figures-INITIAL_FORMS"])
    row = str(initial)  # the first empty row
    data[f"figures-{row}-label"] = "Tallers"
    data[f"figures-{row}-value"] = "5"
    data["continue"] = "1"

    response = marta.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == url
    reopened = marta.get(url)
    assert "S'ha desat el seguiment: Compromís 21." in markup(reopened)
    again = browser_data(reopened)
    assert again["figures-INITIAL_FORMS"] == str(initial + 1)
    assert again["figures-TOTAL_FORMS"] == str(initial + 4)
    assert again[f"figures-{row}-label"] == "Tallers"
    assert all(again[f"figures-{initial + k}-label"] == "" for k in (1, 2, 3))


def test_the_observations_help_says_each_line_is_a_paragraph(url, marta):
    text = markup(marta.get(url))
    assert "Cada línia és un paràgraf; les línies que comencen amb «- » formen una llista." in text
    assert "línia en blanc" not in text


def test_the_form_s_split_error_is_the_model_s(url, marta, typed):
    """One rule, one message: Figure.clean's, numbers written the Catalan way."""
    typed["figures-1-women"] = "121,5"
    typed["figures-1-men"] = "1.000"
    typed["figures-1-value"] = "1.100"
    response = marta.post(url, typed)

    assert (
        error_next_to(response, "id_figures-1")
        == "Dones i homes (1.121,5) sumen més que el total (1.100)."
    )


@pytest.fixture
def action_form(seed_plan, organisation, marta):
    """Action 61.1 of the 2019-2023 plan, open for entry: its URL and the form as opened."""
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    objective = PlanNode.objects.create(mandate=mandate, level=levels[0], code="1", text="O")
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Eix 61"
    )
    action = PlanNode.objects.create(
        mandate=mandate, level=levels[2], parent=axis, code="61.1", text="A", area=organisation[3]
    )
    period = ReportingPeriod.objects.get(mandate=mandate, start=date(2019, 7, 1))
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=True)
    action_url = reverse("commitments:entry_edit", args=[action.pk, period.pk])
    return action, period, action_url, browser_data(marta.get(action_url))


def test_not_started_with_progress_is_refused_next_to_the_progress(marta, action_form):
    action, period, action_url, data = action_form
    not_started = Status.objects.get(mandate=action.mandate, label="No iniciada")
    data.update(status=str(not_started.pk), progress="80", observations="Escrit a mà")

    refused = marta.post(action_url, data)

    assert refused.status_code == 200
    assert error_next_to(refused, "id_progress") == (
        "L'estat «No iniciada» vol dir que encara no s'ha començat: el percentatge "
        "d'execució ha de ser 0 o quedar buit. Corregiu el percentatge o trieu l'estat que "
        "correspon."
    )
    assert input_value(refused, "progress") == "80"
    assert "Escrit a mà" in textarea(refused, "observations")
    assert not Entry.objects.filter(node=action, period=period).exists()


@pytest.mark.parametrize(("label", "progress"), [("No iniciada", "0"), ("En execució", "80")])
def test_a_progress_that_fits_the_status_is_saved(marta, action_form, label, progress):
    action, period, action_url, data = action_form
    data.update(status=str(Status.objects.get(mandate=action.mandate, label=label).pk))
    data["progress"] = progress

    assert marta.post(action_url, data).status_code == 302
    assert Entry.objects.get(node=action, period=period).progress == Decimal(progress)


# Bounds


def test_a_forged_count_of_figure_rows_is_refused_quickly(seed_plan, url, marta):
    """A tiny POST claiming 100,000 figure rows builds at most the cap, and saves nothing."""
    data = browser_data(marta.get(url))
    data["observations"] = "Una observació que no s'ha de desar."
    data["figures-TOTAL_FORMS"] = "100000"
    entries = Entry.objects.count()
    started = time.monotonic()
    response = marta.post(url, data)

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert "Com a màxim s'hi poden enviar 50 files; no s'ha desat res." in markup(response)
    assert Entry.objects.count() == entries
    assert not Entry.objects.filter(observations__contains="no s'ha de desar").exists()
