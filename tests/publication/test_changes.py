"""«Què ha canviat»: what a published version changed from the one before it.

The comparison (`publication.changes`) is read on plain rows first, then on versions
published as staff publish them (`publish_round`), then on its two pages: the public
one of a version, for everyone, and the round's, for those who steer, before publishing.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Status
from commitments.operations import EntryData, FigureData, save_entry
from publication.changes import (
    ObservationChange,
    Segment,
    SegmentKind,
    compare,
    version_rows,
    word_diff,
)
from publication.models import PublishedVersion, ReportingRound, RoundKind
from publication.operations import open_round, publish_round
from publication.snapshots import current_rows
from service_charters.models import Measurement
from tests.commitments.conftest import build_commitments
from tests.pages import section, text_of, visible_text


def edited(text: str) -> str:
    """The seed's observations of commitment 21 with one figure corrected."""
    assert "344" in text
    return text.replace("344", "345", 1)


def balance_row(code="21", status="Pendent", observations="", progress=""):
    return {
        "key": f"Compromís {code}",
        "label": f"Compromís {code}",
        "text": f"El compromís {code}",
        "status": status,
        "progress": progress,
        "observations": observations,
    }


def charter_row(key=1, result="3", compliance="75 %", band="partly_met", observations=""):
    return {
        "key": f"indicator-{key}",
        "label": f"Indicador {key}",
        "text": "Servei · Compromís",
        "result": result,
        "compliance": compliance,
        "band": band,
        "observations": observations,
    }


# The comparison, on rows


def test_a_status_change_reads_from_and_to():
    before = [balance_row("21", "Pendent"), balance_row("22", "Pendent")]
    after = [balance_row("21", "En execució però amb retard"), balance_row("22", "Pendent")]

    changes = compare(before, after)

    [item] = changes.items
    assert item.label == "Compromís 21"
    assert (item.status.before, item.status.after) == ("Pendent", "En execució però amb retard")
    assert item.observations is None
    assert changes.counts.statuses == 1
    assert changes.counts.total == 1


def test_a_new_observation_is_all_added_text():
    changes = compare([balance_row(observations="")], [balance_row(observations="Fet.")])

    [item] = changes.items
    assert item.observations == ObservationChange.ADDED
    assert item.diff == [Segment(SegmentKind.ADDED, "Fet.")]
    assert changes.counts.observations_added == 1
    assert changes.counts.statuses == 0


def test_an_edited_observation_shows_the_words_removed_and_added():
    before = "S'han fet 5 sessions grupals amb 191 participants."
    after = "S'han fet 6 sessions grupals amb 191 participants i 3 tallers."

    changes = compare([balance_row(observations=before)], [balance_row(observations=after)])

    [item] = changes.items
    assert item.observations == ObservationChange.CHANGED
    assert [(segment.kind, segment.text) for segment in item.diff] == [
        (SegmentKind.SAME, "S'han fet "),
        (SegmentKind.REMOVED, "5"),
        (SegmentKind.ADDED, "6"),
        (SegmentKind.SAME, " sessions grupals amb 191 "),
        (SegmentKind.REMOVED, "participants."),
        (SegmentKind.ADDED, "participants i 3 tallers."),
    ]
    assert changes.counts.observations_changed == 1


def test_the_diff_rebuilds_both_texts():
    before, after = "un dos tres\n\n- quatre", "un tres\n\n- quatre cinc"
    segments = word_diff(before, after)
    kept = {SegmentKind.SAME, SegmentKind.REMOVED}
    assert "".join(s.text for s in segments if s.kind in kept) == before
    assert "".join(s.text for s in segments if s.kind != SegmentKind.REMOVED) == after


def test_an_unchanged_version_has_no_changes():
    rows = [balance_row("21", "Pendent", "Text."), balance_row("22")]

    changes = compare(rows, [dict(row) for row in rows])

    assert changes.is_empty
    assert changes.counts.total == 0


def test_items_added_and_gone_are_counted_apart():
    changes = compare([balance_row("21")], [balance_row("22", observations="Nou.")])

    assert [(item.label, item.is_new, item.is_gone) for item in changes.items] == [
        ("Compromís 22", True, False),
        ("Compromís 21", False, True),
    ]
    assert changes.counts.items_added == 1
    assert changes.counts.items_removed == 1
    # A new item's status is not a status change.
    assert changes.counts.statuses == 0


def test_charters_results_and_compliance_that_moved():
    before = [charter_row(1, "3", "75 %", "partly_met"), charter_row(2, "2", "100 %", "met")]
    after = [charter_row(1, "4", "100 %", "met"), charter_row(2, "2", "100 %", "met")]

    changes = compare(before, after)

    [item] = changes.items
    assert item.label == "Indicador 1"
    assert (item.result.before, item.result.after) == ("3", "4")
    assert (item.compliance.before, item.compliance.after) == ("75 %", "100 %")
    assert (item.band.before, item.band.after) == ("Assolit parcialment", "Assolit")
    assert changes.counts.results == 1
    assert changes.counts.compliance == 1


# Versions as staff publish them


def deadline():
    return timezone.localdate() + timedelta(days=30)


@pytest.fixture
def balance_round(seed_plan, staff):
    return open_round(
        RoundKind.BALANCE, period=seed_plan.open_period, deadline=deadline(), acting_user=staff
    )


@pytest.fixture
def balance_v1(balance_round, staff):
    return publish_round(balance_round, acting_user=staff)


def edit_entry_21(seed, user, *, status=None):
    entry = seed.entry_21
    data = EntryData(
        status=status or entry.status,
        progress=entry.progress,
        reason=entry.reason,
        observations=edited(entry.observations),
        related_information=entry.related_information,
        figures=tuple(
            FigureData(f.label, f.value, f.unit, f.women, f.men) for f in entry.figures.all()
        ),
    )
    save_entry(entry.node, entry.period, data, base_version=entry.version, acting_user=user)


def test_a_version_keeps_the_rows_of_its_open_data(balance_v1, seed_plan):
    records = json.loads(balance_v1.json)
    assert len(balance_v1.rows) == len(records)
    [row] = [row for row in balance_v1.rows if row["label"] == "Compromís 21"]
    assert row["status"] == seed_plan.entry_21.status.label
    assert row["observations"].startswith(records[0]["Observacions"][:40])


def test_republishing_after_an_edit_shows_exactly_that_edit(
    balance_v1, seed_plan, technician_area3, staff
):
    edit_entry_21(seed_plan, technician_area3)
    v2 = publish_round(balance_v1.round, note="Corregit el 21.", acting_user=staff)

    changes = compare(balance_v1.rows, v2.rows)

    [item] = changes.items
    assert item.label == "Compromís 21"
    assert item.observations == ObservationChange.CHANGED
    assert [(s.kind, s.text) for s in item.diff if s.kind != SegmentKind.SAME] == [
        (SegmentKind.REMOVED, "344"),
        (SegmentKind.ADDED, "345"),
    ]
    assert changes.counts.total == 1


def test_a_version_without_stored_rows_is_read_from_its_open_data(balance_v1):
    PublishedVersion.objects.filter(pk=balance_v1.pk).update(rows=[])
    old = PublishedVersion.objects.get(pk=balance_v1.pk)

    assert version_rows(old, RoundKind.BALANCE) == balance_v1.rows


def test_charters_rows_follow_the_compliance_rule(seed_charter, staff):
    round_ = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline(), acting_user=staff)
    v1 = publish_round(round_, acting_user=staff)
    measured = Measurement.objects.filter(year=2021, result__isnull=False).order_by("pk").first()
    indicator = measured.indicator
    Measurement.objects.filter(pk=measured.pk).update(result=Decimal(0))

    changes = compare(v1.rows, current_rows(round_))

    [item] = changes.items
    assert item.label == indicator.name
    assert item.result.after.startswith("0")
    assert item.compliance.after == "0\xa0%"
    assert item.band.after == "No assolit"


# The public page of a version's changes


def changes_url(version):
    return reverse("publication:public_changes", args=[version.round_id, version.number])


def test_a_visitor_reads_what_the_new_version_changed(
    client, balance_v1, seed_plan, technician_area3, staff
):
    edit_entry_21(seed_plan, technician_area3)
    v2 = publish_round(balance_v1.round, note="Corregit el 21.", acting_user=staff)
    version_page = client.get(reverse("publication:public_version", args=[v2.round_id, 2]))

    assert ("Què ha canviat", changes_url(v2)) in [
        (text_of(text), href) for href, text in _links(version_page)
    ]
    response = client.get(changes_url(v2))

    assert response.status_code == 200
    summary = text_of(section(response, "changes-summary-title"))
    assert summary == "Resum 1 observació modificada"
    items = section(response, "changes-items-title")
    assert "Compromís 21" in text_of(items)
    assert '<del><span class="visually-hidden">[text suprimit:] </span>344</del>' in items
    assert '<ins><span class="visually-hidden">[text afegit:] </span>345</ins>' in items
    assert "[text suprimit:]" in text_of(items)


def _links(response):
    return re.findall(r'<a href="([^"]+)">(.*?)</a>', response.content.decode())


def test_the_first_version_has_no_changes_page_and_no_link(client, balance_v1):
    assert client.get(changes_url(balance_v1)).status_code == 404
    page = client.get(reverse("publication:public_version", args=[balance_v1.round_id, 1]))
    assert "Què ha canviat" not in visible_text(page)


def test_a_version_republished_unchanged_says_no_change(client, balance_v1, staff):
    v2 = publish_round(balance_v1.round, note="Sense canvis.", acting_user=staff)

    response = client.get(changes_url(v2))

    assert "Cap canvi." in text_of(section(response, "changes-summary-title"))
    assert "changes-items-title" not in response.content.decode()


# The round's page, before publishing


def test_staff_see_what_publishing_now_would_change(
    client, balance_v1, seed_plan, technician_area3, staff
):
    pending = Status.objects.filter(mandate=seed_plan.mandate).exclude(
        pk=seed_plan.entry_21.status_id
    )[0]
    edit_entry_21(seed_plan, technician_area3, status=pending)
    client.force_login(staff)

    round_page = client.get(reverse("publication:round", args=[balance_v1.round_id]))
    url = reverse("publication:round_changes", args=[balance_v1.round_id])
    assert url in round_page.content.decode()
    response = client.get(url)

    assert response.status_code == 200
    summary = text_of(section(response, "changes-summary-title"))
    assert summary == "Resum 1 canvi d'estat 1 observació modificada"
    items = text_of(section(response, "changes-items-title"))
    assert f"de {seed_plan.entry_21.status.label} a {pending.label}" in items


def test_a_round_with_nothing_published_before_has_nothing_to_compare(client, balance_round, staff):
    client.force_login(staff)

    response = client.get(reverse("publication:round_changes", args=[balance_round.pk]))

    assert response.status_code == 200
    assert "no hi ha res amb què comparar-lo" in visible_text(response)
    assert "changes-summary-title" not in response.content.decode()


def test_before_its_first_version_a_round_compares_with_the_previous_period(
    client, balance_round, seed_plan, staff
):
    earlier = ReportingRound.objects.create(
        kind=RoundKind.BALANCE, period=seed_plan.previous_period, deadline=deadline()
    )
    previous = publish_round(earlier, acting_user=staff)
    client.force_login(staff)

    round_page = client.get(reverse("publication:round", args=[balance_round.pk]))
    url = reverse("publication:round_changes", args=[balance_round.pk])
    assert url in round_page.content.decode()
    response = client.get(url)

    text = visible_text(response)
    assert f"respecte de la versió 1 de «{previous.title}», la darrera publicada" in text
    items = text_of(section(response, "changes-items-title"))
    assert f"Compromís 21 {seed_plan.commitment_21.text[:40]}" in items
    assert f"Estat de (cap) a {seed_plan.entry_21.status.label}" in items


# Bounded: pages of changes, and queries that do not grow with the plan


def _two_versions(round_, before_rows, after_rows):
    return [
        PublishedVersion.objects.create(
            round=round_, number=number, title="Balanç", html="", csv="", json="[]", rows=rows
        )
        for number, rows in ((1, before_rows), (2, after_rows))
    ]


def _every_observation_edited(rows):
    return [row | {"observations": row["observations"] + " Afegit."} for row in rows]


@pytest.mark.parametrize("size", [5, 45])
def test_the_changes_come_a_page_at_a_time(client, balance_round, seed_plan, size):
    build_commitments(seed_plan, size)
    rows = current_rows(balance_round)
    _, v2 = _two_versions(balance_round, rows, _every_observation_edited(rows))

    response = client.get(changes_url(v2))

    assert response.content.decode().count('class="changes-item"') == min(len(rows), 20)
    summary = text_of(section(response, "changes-summary-title"))
    # The plan's own commitment 21 has observations; those built here have none yet.
    assert summary == f"Resum {size} observacions noves 1 observació modificada"
    if len(rows) > 20:
        last = client.get(changes_url(v2), {"pagina": 3})
        assert last.content.decode().count('class="changes-item"') == len(rows) - 40


@pytest.mark.parametrize("size", [2, 40])
def test_the_public_changes_page_queries_do_not_grow(
    client, balance_round, seed_plan, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    rows = current_rows(balance_round)
    _, v2 = _two_versions(balance_round, rows, _every_observation_edited(rows))

    # 1. the version and the one before it, with the round, its period and mandate
    with django_assert_num_queries(1):
        response = client.get(changes_url(v2))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_the_round_changes_page_queries_do_not_grow(
    client, balance_round, seed_plan, staff, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    _two_versions(balance_round, [], current_rows(balance_round))
    client.force_login(staff)
    client.get(reverse("publication:round_changes", args=[balance_round.pk]))

    # 1-2. the session and its user; 3. the user's roles;
    # 4. the round with its period, mandate and count of versions; 5. its last version
    # (`version_to_compare`: one more query only before a round's first version);
    # 6-12. the balance's rows as they stand now (commitments.balance_data.balance_table):
    # the leaves with their entries' status, their related items (relations), the status
    # labels, the figures as the export writes them, the entries' texts, the entries'
    # figures, and the related items of the rows compared
    with django_assert_num_queries(12):
        response = client.get(reverse("publication:round_changes", args=[balance_round.pk]))
    assert response.status_code == 200


def test_a_charters_version_without_rows_is_said_not_comparable(client, seed_charter, staff):
    round_ = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline(), acting_user=staff)
    # Versions published before versions kept their rows: their open data names no indicator.
    _, v2 = _two_versions(round_, [], current_rows(round_))

    response = client.get(changes_url(v2))

    assert response.status_code == 200
    assert "Aquesta comparació no es pot fer" in visible_text(response)
    assert "changes-summary-title" not in response.content.decode()
