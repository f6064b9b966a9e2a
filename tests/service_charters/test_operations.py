"""`save_results`: one transaction, optimistic locking per measurement, history by user."""

from datetime import date
from decimal import Decimal

import pytest

from governance.roles import Role
from service_charters.models import Measurement
from service_charters.operations import EditConflict, ResultData, save_results
from tests.conftest import make_user
from tests.service_charters.conftest import build_charters


@pytest.fixture
def laia(technician_of_service):
    return technician_of_service


def current(indicator, year=2021) -> Measurement | None:
    return Measurement.objects.filter(indicator=indicator, year=year).first()


def row(indicator, *, base_version, result, **fields) -> ResultData:
    return ResultData(indicator=indicator, base_version=base_version, result=result, **fields)


def test_updates_and_creates_in_one_go(seed_charter, laia):
    cycles, calls = seed_charter.indicators[2], seed_charter.indicators[1]
    Measurement.objects.filter(indicator=calls, year=2021).delete()

    saved = save_results(
        seed_charter.charter,
        2021,
        [
            row(
                cycles, base_version=1, result=Decimal(2), observations="Menys cicles.\r\nCOVID-19."
            ),
            row(calls, base_version=None, result=Decimal(2)),
        ],
        acting_user=laia,
    )

    assert [m.indicator for m in saved] == [cycles, calls]
    cycles_now, calls_now = current(cycles), current(calls)
    # Line breaks as browsers send them are stored as the seed writes them.
    assert (cycles_now.result, cycles_now.observations) == (Decimal(2), "Menys cicles.\nCOVID-19.")
    assert (cycles_now.version, calls_now.version) == (2, 1)
    assert cycles_now.updated_by == calls_now.updated_by == laia
    assert cycles_now.history.latest().history_user == laia
    assert cycles_now.history.latest().history_type == "~"
    assert calls_now.history.get().history_user == laia
    assert calls_now.assessment().compliance == Decimal(100)


def test_not_applicable_drops_the_result_and_keeps_the_reason(seed_charter, laia):
    table = seed_charter.indicators[4]
    save_results(
        seed_charter.charter,
        2021,
        [
            row(
                table,
                base_version=1,
                result=Decimal(0),
                not_applicable=True,
                not_applicable_reason=" No ha calgut. ",
                improvement_actions="Revisar el compromís.",
                improvement_due=date(2022, 6, 30),
            )
        ],
        acting_user=laia,
    )

    saved = current(table)
    assert (saved.not_applicable, saved.result, saved.not_applicable_reason) == (
        True,
        None,
        "No ha calgut.",
    )
    assert saved.improvement_due == date(2022, 6, 30)
    assert saved.assessment().compliance is None


def test_a_reason_without_not_applicable_is_not_kept(seed_charter, laia):
    cycles = seed_charter.indicators[2]
    save_results(
        seed_charter.charter,
        2021,
        [row(cycles, base_version=1, result=Decimal(3), not_applicable_reason="Sobra")],
        acting_user=laia,
    )
    assert current(cycles).not_applicable_reason == ""


def test_a_stale_version_saves_nothing_and_tells_who_saved(seed_charter, laia, organisation):
    cycles, calls = seed_charter.indicators[2], seed_charter.indicators[1]
    marta = make_user("marta", Role.TECHNICIAN, areas=[organisation[3]])
    save_results(
        seed_charter.charter,
        2021,
        [row(cycles, base_version=1, result=Decimal(2))],
        acting_user=marta,
    )

    with pytest.raises(EditConflict) as raised:
        save_results(
            seed_charter.charter,
            2021,
            [
                row(calls, base_version=1, result=Decimal(1), observations="Una."),
                row(cycles, base_version=1, result=Decimal(4)),
            ],
            acting_user=laia,
        )

    assert [(m.indicator, m.version, m.updated_by) for m in raised.value.current] == [
        (cycles, 2, marta)
    ]
    # All or nothing: the row without a conflict was not saved either.
    assert (current(calls).result, current(calls).version) == (Decimal(2), 1)
    assert (current(cycles).result, current(cycles).version) == (Decimal(2), 2)
    assert current(calls).history.count() == 0


def test_a_measurement_created_meanwhile_is_a_conflict(seed_charter, laia):
    cycles = seed_charter.indicators[2]

    with pytest.raises(EditConflict) as raised:
        save_results(
            seed_charter.charter,
            2021,
            [row(cycles, base_version=None, result=Decimal(4))],
            acting_user=laia,
        )

    assert [m.pk for m in raised.value.current] == [current(cycles).pk]
    assert current(cycles).result == Decimal(3)


def test_a_measurement_deleted_meanwhile_is_created_again(seed_charter, laia):
    cycles = seed_charter.indicators[2]
    Measurement.objects.filter(indicator=cycles, year=2021).delete()

    save_results(
        seed_charter.charter,
        2021,
        [row(cycles, base_version=1, result=Decimal(4))],
        acting_user=laia,
    )

    assert (current(cycles).result, current(cycles).version) == (Decimal(4), 1)


def test_only_the_charters_own_indicators(seed_charter, laia):
    other = build_charters(seed_charter.service, 1, indicators_each=1)[0]
    stranger = other.offered_services.get().objectives.get().commitments.get().indicators.get()

    with pytest.raises(ValueError):
        save_results(
            seed_charter.charter,
            2021,
            [row(stranger, base_version=1, result=Decimal(4))],
            acting_user=laia,
        )
    assert current(stranger).version == 1


def test_saving_nothing_touches_nothing(seed_charter, laia):
    assert save_results(seed_charter.charter, 2021, [], acting_user=laia) == []
    assert Measurement.history.count() == 0
