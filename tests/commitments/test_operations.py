"""`save_entry`: creating and updating an entry, optimistic locking, closed periods, history."""

from dataclasses import replace
from decimal import Decimal

import pytest

from commitments.models import Entry, Figure, ReportingPeriod, Status, StatusCategory
from commitments.operations import (
    EditConflict,
    EntryData,
    FigureData,
    PeriodClosed,
    save_entry,
)
from tests.commitments.conftest import build_commitments


@pytest.fixture
def on_track(seed_plan):
    return Status.objects.get(mandate=seed_plan.mandate, category=StatusCategory.ON_TRACK)


@pytest.fixture
def data(on_track):
    return EntryData(
        status=on_track,
        progress=None,
        reason="",
        observations="  S'ha fet:\n- 7 formacions\n- 37 hores  ",
        related_information="",
        figures=(
            FigureData("participants", Decimal("144"), "persones", Decimal("121"), Decimal("23")),
            FigureData("formacions", Decimal("7")),
        ),
    )


@pytest.fixture
def new_commitment(seed_plan, organisation):
    """A commitment of area 3 with entries in every period but the open one."""
    return build_commitments(seed_plan, 1, areas=[organisation[3]])[0]


def test_creates_the_entry_and_its_figures(seed_plan, new_commitment, data, technician_area3):
    entry = save_entry(
        new_commitment, seed_plan.open_period, data, base_version=None, acting_user=technician_area3
    )

    entry.refresh_from_db()
    assert entry.version == 1
    assert entry.updated_by == technician_area3
    assert entry.observations == "S'ha fet:\n- 7 formacions\n- 37 hores"
    assert [(f.position, f.label, f.value, f.women, f.men) for f in entry.figures.all()] == [
        (1, "participants", Decimal("144"), Decimal("121"), Decimal("23")),
        (2, "formacions", Decimal("7"), None, None),
    ]


def test_updates_with_the_version_it_started_from(seed_plan, data, technician_area3):
    entry = save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        data,
        base_version=seed_plan.entry_21.version,
        acting_user=technician_area3,
    )

    assert entry.pk == seed_plan.entry_21.pk
    entry.refresh_from_db()
    assert entry.version == seed_plan.entry_21.version + 1
    assert entry.observations.startswith("S'ha fet:")
    assert entry.figures.count() == 2


def test_a_stale_version_raises_a_conflict_and_saves_nothing(seed_plan, data, technician_area3):
    stale = seed_plan.entry_21.version
    save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        data,
        base_version=stale,
        acting_user=technician_area3,
    )
    second = replace(data, observations="La meva versió", figures=())

    with pytest.raises(EditConflict) as raised:
        save_entry(
            seed_plan.commitment_21,
            seed_plan.open_period,
            second,
            base_version=stale,
            acting_user=technician_area3,
        )

    assert raised.value.current.version == stale + 1
    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.observations.startswith("S'ha fet:")
    assert entry.figures.count() == 2


def test_creating_an_entry_someone_else_has_just_created_is_a_conflict(
    seed_plan, new_commitment, data, technician_area3, administrator
):
    save_entry(
        new_commitment, seed_plan.open_period, data, base_version=None, acting_user=administrator
    )

    with pytest.raises(EditConflict) as raised:
        save_entry(
            new_commitment,
            seed_plan.open_period,
            replace(data, observations="Una altra"),
            base_version=None,
            acting_user=technician_area3,
        )

    assert raised.value.current.updated_by == administrator
    assert Entry.objects.get(
        node=new_commitment, period=seed_plan.open_period
    ).observations.startswith("S'ha fet:")


def test_a_closed_period_refuses_the_save(seed_plan, data, technician_area3):
    with pytest.raises(PeriodClosed):
        save_entry(
            seed_plan.commitment_21,
            seed_plan.previous_period,
            data,
            base_version=None,
            acting_user=technician_area3,
        )

    assert not Entry.objects.filter(
        node=seed_plan.commitment_21, period=seed_plan.previous_period
    ).exists()


def test_figures_are_replaced_only_when_they_changed(seed_plan, data, technician_area3):
    entry = save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        data,
        base_version=seed_plan.entry_21.version,
        acting_user=technician_area3,
    )
    ids = list(entry.figures.values_list("pk", flat=True))
    history_before = Figure.history.filter(entry_id=entry.pk).count()

    # Same figures (144 == 144.00), new text: the figure rows stay as they were.
    entry = save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        replace(data, observations="Nou text"),
        base_version=entry.version,
        acting_user=technician_area3,
    )
    assert list(entry.figures.values_list("pk", flat=True)) == ids
    assert Figure.history.filter(entry_id=entry.pk).count() == history_before

    changed = (FigureData("formacions", Decimal("8")),)
    entry = save_entry(
        seed_plan.commitment_21,
        seed_plan.open_period,
        replace(data, figures=changed),
        base_version=entry.version,
        acting_user=technician_area3,
    )
    assert [(f.label, f.value) for f in entry.figures.all()] == [("formacions", Decimal("8"))]
    assert not set(entry.figures.values_list("pk", flat=True)) & set(ids)


def test_history_records_name_the_acting_user(seed_plan, new_commitment, data, technician_area3):
    entry = save_entry(
        new_commitment, seed_plan.open_period, data, base_version=None, acting_user=technician_area3
    )
    save_entry(
        new_commitment,
        seed_plan.open_period,
        replace(data, figures=data.figures[:1]),
        base_version=entry.version,
        acting_user=technician_area3,
    )

    entry_history = entry.history.all()
    assert [record.history_type for record in entry_history.order_by("history_id")] == ["+", "~"]
    assert {record.history_user for record in entry_history} == {technician_area3}
    figure_history = Figure.history.filter(entry_id=entry.pk)
    assert sorted(record.history_type for record in figure_history) == ["+", "+", "+", "-", "-"]
    assert {record.history_user for record in figure_history} == {technician_area3}


def test_the_reason_is_kept_only_for_a_status_that_asks_for_one(
    seed_plan, new_commitment, data, technician_area3
):
    dropped = Status.objects.get(mandate=seed_plan.mandate, category=StatusCategory.DROPPED)
    entry = save_entry(
        new_commitment,
        seed_plan.open_period,
        replace(data, status=dropped, reason=" Canvi de prioritat del govern "),
        base_version=None,
        acting_user=technician_area3,
    )
    assert entry.reason == "Canvi de prioritat del govern"

    entry = save_entry(
        new_commitment,
        seed_plan.open_period,
        replace(data, reason="Sobra"),
        base_version=entry.version,
        acting_user=technician_area3,
    )
    assert entry.reason == ""


def test_a_period_closed_after_the_caller_read_it_refuses_the_save(
    seed_plan, data, technician_area3
):
    period = seed_plan.open_period  # read while it was open
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=False)
    assert period.is_open

    with pytest.raises(PeriodClosed):
        save_entry(
            seed_plan.commitment_21,
            period,
            data,
            base_version=seed_plan.entry_21.version,
            acting_user=technician_area3,
        )

    entry = Entry.objects.get(pk=seed_plan.entry_21.pk)
    assert entry.version == seed_plan.entry_21.version
    assert entry.observations == seed_plan.entry_21.observations
