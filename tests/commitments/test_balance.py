"""The balance (Balanç) page: commitment 21 as printed, summaries, filters, queries, access."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments.balance import Summary, build_balance, count_statuses
from commitments.models import Entry, Mandate, PlanNode, ReportingPeriod, Status
from tests.commitments.conftest import build_commitments
from tests.pages import markup

NBSP = "\u00a0"
STATUSES_2015_2019 = [
    "No iniciat per canvi de prioritat",
    "Pendent",
    "En execució però amb retard",
    "Completat o en execució dins les previsions",
]
MEMORIA_2018 = (
    "https://www.terrassa.cat/documents/12006/9903026/"
    "Mem%C3%B2ria+2018/23b733d5-bccf-42e6-8f4a-6535813526a3"
)


def balance_url(period, query=""):
    return reverse("commitments:balance", args=[period.pk]) + query


def legend_items(text: str, *, current: bool) -> list[str]:
    """The legend entries of the page, current (marked) or not."""
    pattern = (
        r'<li class="balance-legend__item is-current">(.*?)</li>'
        if current
        else (r'<li class="balance-legend__item">(.*?)</li>')
    )
    items = re.findall(pattern, text, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_seed_balance_shows_commitment_21_as_the_printed_balance(reader, seed_plan):
    response = reader.get(balance_url(seed_plan.open_period))

    assert response.status_code == 200
    text = markup(response)
    assert "Balanç del Pla de Mandat 2015-2019" in text
    assert "Primer semestre de 2019" in text
    assert "30/06/2019" in text
    assert "PRIORITAT núm. 2" in text
    assert seed_plan.priority_2.text in text
    assert "COMPROMÍS núm. 21" in text
    assert seed_plan.commitment_21.text in text
    assert "ÀREA RESPONSABLE" in text
    assert "Drets Socials i Serveis a les Persones" in text
    assert "344 tràmits realitzats durant el primer semestre de 2019" in text
    assert "144 participants (121 dones i 23 homes)" in text
    assert "INFORMACIÓ RELACIONADA" in text
    assert f'href="{MEMORIA_2018}"' in text
    assert "Memòria 2018" in text


def test_the_legend_lists_every_status_and_marks_the_current_one(reader, seed_plan):
    text = markup(reader.get(balance_url(seed_plan.open_period)))

    current = legend_items(text, current=True)
    others = legend_items(text, current=False)
    assert current == ["● Completat o en execució dins les previsions (estat actual)"]
    assert others == [f"○ {label}" for label in STATUSES_2015_2019[:3]]
    # Screen readers hear it, sighted readers see the filled mark.
    assert text.count("(estat actual)") == 1
    assert 'class="balance-legend__current"' in text


def test_priorities_and_areas_without_commitments_are_left_out(reader, seed_plan):
    text = markup(reader.get(balance_url(seed_plan.open_period)))

    assert "PRIORITAT núm. 1" not in text
    assert "PRIORITAT núm. 3" not in text


def test_count_statuses_lists_every_status_in_order_with_zeros_and_missing_entries_last():
    statuses = [
        Status(id=1, position=1, label="Pendent", colour="#b3261e"),
        Status(id=2, position=2, label="En execució", colour="#d08c00"),
        Status(id=3, position=3, label="Finalitzada", colour="#2e7d32"),
    ]

    rows = count_statuses(statuses, [3, 3, 1, None, 3, None, 3, 3])

    assert [(row.label, row.count) for row in rows] == [
        ("Pendent", 1),
        ("En execució", 0),
        ("Finalitzada", 5),
        ("Sense seguiment", 2),
    ]
    assert [row.share for row in rows] == [Decimal("12.5"), 0, Decimal("62.5"), 25]
    assert rows[-1].status is None
    labels = [row.label for row in count_statuses(statuses, [1])]
    assert labels == ["Pendent", "En execució", "Finalitzada"]
    assert [row.share for row in count_statuses(statuses, [])] == [0, 0, 0]


def test_the_pdf_s_summary_bars_measure_each_count_against_the_longest():
    statuses = [
        Status(id=1, position=1, label="Pendent", colour="#b3261e"),
        Status(id=2, position=2, label="En execució", colour="#d08c00"),
    ]
    counts = count_statuses(statuses, [1, 2, 2, 2, 2, None, None])
    summary = Summary("Tot el pla", counts, 7, None, chart="")

    assert [(row.label, length) for row, length in summary.bars] == [
        ("Pendent", 25),
        ("En execució", 100),
        ("Sense seguiment", 50),
    ]
    # A status's own colour as it is; no entry in the palette's colour, not its name.
    assert [row.fill for row, _ in summary.bars][:2] == ["#b3261e", "#d08c00"]
    assert summary.bars[2][0].fill.startswith("#")
    empty = Summary("Res", count_statuses(statuses, []), 0, None, chart="")
    assert [length for _, length in empty.bars] == [0, 0]


def test_summary_counts_every_status_overall_and_per_priority(reader, seed_plan):
    # Commitments 100, 101, 102 under priorities 1, 2, 3, with no entry in the open period.
    build_commitments(seed_plan, 3)

    balance = build_balance(seed_plan.open_period)

    assert [(row.label, row.count) for row in balance.overall.counts] == [
        *[(label, 0) for label in STATUSES_2015_2019[:3]],
        ("Completat o en execució dins les previsions", 1),
        ("Sense seguiment", 3),
    ]
    assert balance.overall.total == 4
    assert [row.share for row in balance.overall.counts] == [0, 0, 0, 25, 75]
    assert [(summary.title, summary.total) for summary in balance.by_top_node] == [
        ("PRIORITAT núm. 1", 1),
        ("PRIORITAT núm. 2", 2),
        ("PRIORITAT núm. 3", 1),
    ]
    assert balance.overall.progress is None

    # The page shows one priority: 21 completed, 101 without entry.
    text = markup(reader.get(balance_url(seed_plan.open_period, "?priority=2")))
    assert "Resum de l'estat de compliment" in text
    assert "Sense seguiment" in text
    assert f"50{NBSP}%" in text
    assert len(re.findall(r'<title id="([^"]+)-title">', text)) == 1


def test_the_page_opens_on_the_first_priority_with_commitments(reader, seed_plan):
    # The seed's priority 1 has no commitment: the page opens on priority 2, with 21.
    text = markup(reader.get(balance_url(seed_plan.open_period)))
    assert "PRIORITAT núm. 2" in text
    assert "COMPROMÍS núm. 21" in text
    build_commitments(seed_plan, 3)

    response = reader.get(balance_url(seed_plan.open_period, "?area=3"))

    text = markup(response)
    assert response.status_code == 200
    assert "COMPROMÍS núm. 100" in text
    assert "COMPROMÍS núm. 21" not in text
    # «Tot el pla» is no choice of the page: the whole plan is the PDF.
    assert ">Tot el pla<" not in text
    pdf_url = reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk])
    assert f'href="{pdf_url}?priority=1&area=3"' in text
    assert f'href="{pdf_url}?area=3"' in text


@pytest.mark.parametrize(
    ("query", "shows_21"),
    [
        ("?priority=2", True),
        ("?priority=1", False),
        ("?priority=2&area=3", True),
        ("?priority=2&area=1", False),
    ],
)
def test_filters_by_priority_and_area(reader, seed_plan, query, shows_21):
    build_commitments(seed_plan, 5, areas=[seed_plan.commitment_21.area])

    response = reader.get(balance_url(seed_plan.open_period, query))

    assert response.status_code == 200
    text = markup(response)
    assert ("COMPROMÍS núm. 21" in text) is shows_21
    assert "balance-cover__filters" in text
    # The PDF link keeps the filters.
    pdf_url = reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk])
    assert f'href="{pdf_url}{query}"' in text


def test_the_cover_names_the_chosen_priority_and_area(reader, seed_plan):
    text = markup(reader.get(balance_url(seed_plan.open_period, "?priority=2&area=3")))

    cover = text.split('class="balance-cover__filters"')[1].split("</dl>")[0]
    assert "PRIORITAT núm. 2" in cover
    assert "Drets Socials i Serveis a les Persones" in cover


def test_the_filter_by_priority_keeps_only_its_commitments(reader, seed_plan):
    build_commitments(seed_plan, 4)  # 100 → priority 1, 101 → 2, 102 → 3, 103 → 4

    text = markup(reader.get(balance_url(seed_plan.open_period, "?priority=1")))

    assert "COMPROMÍS núm. 100" in text
    assert "COMPROMÍS núm. 101" not in text
    assert "PRIORITAT núm. 2" not in text


@pytest.mark.parametrize("query", ["?priority=99", "?area=9", "?area=tres", "?priority=2&area=0"])
def test_unknown_filters_are_form_errors(reader, seed_plan, query):
    response = reader.get(balance_url(seed_plan.open_period, query))

    assert response.status_code == 400
    text = markup(response)
    assert 'class="field__error"' in text
    assert "COMPROMÍS núm. 21" not in text


@pytest.mark.parametrize("query", ["?priority=99", "?area=tres"])
def test_unknown_filters_on_the_pdf_are_not_found(reader, seed_plan, query):
    url = reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk]) + query
    assert reader.get(url).status_code == 404


@pytest.fixture
def plan_2019_2023(seed_plan):
    """Objective 1 → axis 61 → actions 61.1 (40,2 %) and 61.2 (61 %), at 31/12/2021."""
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = ReportingPeriod.objects.get(mandate=mandate, label="Segon semestre de 2021")
    statuses = {status.label: status for status in mandate.statuses.all()}
    area = seed_plan.commitment_21.area
    objective = PlanNode.objects.create(
        mandate=mandate, level=levels[0], code="1", text="Una ciutat que cuida", sdgs=[1, 10]
    )
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Acollida i ciutadania"
    )
    actions = [("61.1", "40.2", "En execució"), ("61.2", "61.0", "Finalitzada")]
    for code, progress, status in actions:
        action = PlanNode.objects.create(
            mandate=mandate,
            level=levels[2],
            parent=axis,
            code=code,
            text=f"Actuació {code}",
            area=area,
        )
        Entry.objects.create(
            node=action, period=period, status=statuses[status], progress=Decimal(progress)
        )
    return period


def test_a_2019_2023_balance_names_its_levels_and_shows_average_progress(reader, plan_2019_2023):
    response = reader.get(balance_url(plan_2019_2023))

    assert response.status_code == 200
    text = markup(response)
    assert "Balanç del Programa d'Actuació Municipal 2019-2023" in text
    assert "31/12/2021" in text
    assert re.search(r"<h2 class=\"balance-heading__title\">OBJECTIU núm. 1</h2>", text)
    assert re.search(r"<h3 class=\"balance-heading__title\">EIX núm. 61</h3>", text)
    leaf_heading = r'<h4 id="balance-node-\d+" class="balance-leaf__title">ACTUACIÓ núm. 61.1</h4>'
    assert re.search(leaf_heading, text)
    assert f"50,6{NBSP}% executat" in text
    assert f"40,2{NBSP}% executat" in text
    assert legend_items(text, current=True) == [
        "● En execució (estat actual)",
        "● Finalitzada (estat actual)",
    ]


def test_a_2019_2023_balance_averages_progress_per_objective(plan_2019_2023):
    balance = build_balance(plan_2019_2023)

    assert balance.mandate.tracks_progress
    assert balance.overall.progress == Decimal("50.6")
    assert balance.overall.node is None
    [objective] = balance.by_top_node
    assert objective.title == "OBJECTIU núm. 1"
    assert objective.progress == Decimal("50.6")
    assert [item.title for item in balance.items] == [
        "OBJECTIU núm. 1",
        "EIX núm. 61",
        "ACTUACIÓ núm. 61.1",
        "ACTUACIÓ núm. 61.2",
    ]


@pytest.mark.parametrize("size", [10, 200])
def test_the_balance_runs_the_same_queries_whatever_the_plan_size(
    reader, seed_plan, size, django_assert_num_queries
):
    # The previous period: every built commitment has an entry with two figures there.
    build_commitments(seed_plan, size)
    url = balance_url(seed_plan.previous_period, "?priority=2")
    # 1 session, 2 user, 3 the user's groups (roles), 4 the period with its mandate,
    # 5 the top-level nodes with their level and 6 the areas (filter options),
    # 7 the mandates, 8 the periods and 9 the areas (the chooser's choices),
    # 10 the statuses, 11 the levels, 12 the nodes, 13 the period's entries with their
    # status, 14 their figures, 15 the related items (none here; tests/relations pins them).
    with django_assert_num_queries(15):
        response = reader.get(url)
    assert response.status_code == 200
    # The priority's commitments: one in five of those built, and 21.
    assert markup(response).count('class="balance-leaf keep-together"') == size // 5 + 1


@pytest.mark.parametrize("size", [10, 200])
def test_the_builder_runs_the_same_queries_whatever_the_plan_size(
    seed_plan, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    period = ReportingPeriod.objects.select_related("mandate").get(pk=seed_plan.previous_period.pk)
    # 1 top-level nodes, 2 areas, 3 statuses, 4 levels, 5 nodes, 6 entries, 7 their figures,
    # 8 the related items.
    with django_assert_num_queries(8):
        balance = build_balance(period, top_code="2", area_number=3)
    # Commitment 21 counts too, as «Sense seguiment» in that period.
    assert balance.overall.total == len([n for n in range(size) if n % 5 == 1]) + 1


def test_the_builder_of_a_progress_tracking_plan_adds_the_roll_up(
    plan_2019_2023, django_assert_num_queries
):
    """Each upper level shows the mean of the leaves under it, not of its children:

    Objectiu 1  (40,2 + 61 + 78,8) / 3 = 60      (its two axes' mean would be 64,7)
      Eix 61    (40,2 + 61) / 2      = 50,6
        61.1 40,2 · 61.2 61
      Eix 62    78,8
        62.1 78,8
    Objectiu 2  20
      Eix 71    20
        71.1 20
    Tot el pla  (40,2 + 61 + 78,8 + 20) / 4 = 50 (its two objectives' mean would be 40)
    """
    mandate = plan_2019_2023.mandate
    levels = {level.depth: level for level in mandate.levels.all()}
    status = mandate.statuses.get(label="En execució")
    objective_1 = PlanNode.objects.get(mandate=mandate, level=levels[0], code="1")
    area = PlanNode.objects.get(mandate=mandate, code="61.1").area
    objective_2 = PlanNode.objects.create(
        mandate=mandate, level=levels[0], code="2", text="Una ciutat que acull"
    )
    for objective, axis_code, action_code, progress in [
        (objective_1, "62", "62.1", "78.8"),
        (objective_2, "71", "71.1", "20"),
    ]:
        axis = PlanNode.objects.create(
            mandate=mandate, level=levels[1], parent=objective, code=axis_code, text="Eix"
        )
        action = PlanNode.objects.create(
            mandate=mandate, level=levels[2], parent=axis, code=action_code, text="Actuació",
            area=area,
        )  # fmt: skip
        Entry.objects.create(
            node=action, period=plan_2019_2023, status=status, progress=Decimal(progress)
        )
    period = ReportingPeriod.objects.select_related("mandate").get(pk=plan_2019_2023.pk)

    # 1-7 as for any plan, 8 the leaves' progress, 9 the paths of the mandate's nodes,
    # 10 the related items.
    with django_assert_num_queries(10):
        balance = build_balance(period)

    assert balance.overall.progress == Decimal(50)
    assert [(top.title, top.progress) for top in balance.by_top_node] == [
        ("OBJECTIU núm. 1", Decimal(60)),
        ("OBJECTIU núm. 2", Decimal(20)),
    ]
    headings = [(item.title, item.progress) for item in balance.items if item.kind == "heading"]
    assert headings == [
        ("OBJECTIU núm. 1", Decimal(60)),
        ("EIX núm. 61", Decimal("50.6")),
        ("EIX núm. 62", Decimal("78.8")),
        ("OBJECTIU núm. 2", Decimal(20)),
        ("EIX núm. 71", Decimal(20)),
    ]


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
def test_any_role_may_read_the_balance(persona_client, seed_plan, persona, expected):
    response = persona_client(persona).get(balance_url(seed_plan.open_period))

    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_are_sent_to_log_in_for_the_pdf_too(client, seed_plan):
    response = client.get(reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_users_without_a_role_may_not_download_the_pdf(client, user_without_role, seed_plan):
    client.force_login(user_without_role)

    response = client.get(reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk]))

    assert response.status_code == 403


def test_an_unknown_period_is_not_found(reader, seed_plan):
    assert reader.get(reverse("commitments:balance", args=[9999])).status_code == 404
    assert reader.get(reverse("commitments:balance_pdf", args=[9999])).status_code == 404


def test_a_mandate_with_no_plan_yet_shows_an_empty_balance(reader, seed_plan):
    mandate = Mandate.objects.create(
        term="2023-2027", name="Pla de Mandat 2023-2027", start_year=2023, end_year=2027
    )
    period = ReportingPeriod.objects.create(
        mandate=mandate,
        label="Segon semestre de 2023",
        start=date(2023, 7, 1),
        end=date(2023, 12, 31),
    )

    response = reader.get(balance_url(period))

    assert response.status_code == 200
    assert "Cap element del pla no respon als filtres triats." in markup(response)


def test_each_commitment_lists_its_figures_as_the_seed_prints_them(reader, seed_plan):
    text = markup(reader.get(balance_url(seed_plan.open_period)))

    figures = text.split('<ul class="balance-figures">')[1].split("</ul>")[0]
    items = [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", figures, re.S)]
    assert items[0] == "Tràmits vinculats a la Llei d'estrangeria: 344 tràmits"
    assert "Participants en les formacions: 144 persones (121 dones i 23 homes)" in items
    assert len(items) == seed_plan.entry_21.figures.count()


def test_a_balance_of_one_area_is_summed_up_under_the_area_s_name(seed_plan):
    balance = build_balance(seed_plan.open_period, area_number=3)

    assert balance.overall.title == "Àrea 3. Drets Socials i Serveis a les Persones"
    both = build_balance(seed_plan.open_period, top_code="2", area_number=3)
    assert both.overall.title == "PRIORITAT núm. 2 · Àrea 3. Drets Socials i Serveis a les Persones"
