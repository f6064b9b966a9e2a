"""Targets and results read as the services type them in the follow-up tables."""

from decimal import Decimal

import pytest

from service_charters.compliance import TargetKind
from service_charters.targets import Target, TargetError, parse_result, parse_target

D = Decimal
FLOOR, CEILING, YES_NO = TargetKind.FLOOR, TargetKind.CEILING, TargetKind.YES_NO


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100 %", Target(FLOOR, D(100), "%")),
        ("100%", Target(FLOOR, D(100), "%")),
        ("100\u00a0%", Target(FLOOR, D(100), "%")),
        ("2", Target(FLOOR, D(2), "")),
        ("4", Target(FLOOR, D(4), "")),
        ("50", Target(FLOOR, D(50), "")),
        ("  50 ", Target(FLOOR, D(50), "")),
        ("12 exposicions", Target(FLOOR, D(12), "exposicions")),
        ("100 % de les queixes respostes", Target(FLOOR, D(100), "%")),
    ],
)
def test_numbers_and_percentages_are_targets_to_reach(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 cicle anual", Target(YES_NO, D(1), "cicle anual")),
        ("Sí", Target(YES_NO, D(1), "")),
        ("Si", Target(YES_NO, D(1), "")),
        ("sí", Target(YES_NO, D(1), "")),
        ("Si\u0301", Target(YES_NO, D(1), "")),
        ("No", Target(YES_NO, D(0), "")),
        ("no", Target(YES_NO, D(0), "")),
    ],
)
def test_yes_no_targets(text, expected):
    assert parse_target(text) == expected


def test_more_than_one_cycle_is_a_count_not_a_yes_no():
    assert parse_target("2 cicles anuals") == Target(FLOOR, D(2), "cicles anuals")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥ 5 exposicions", Target(FLOOR, D(5), "exposicions")),
        (">= 5 exposicions", Target(FLOOR, D(5), "exposicions")),
        ("≥5 exposicions", Target(FLOOR, D(5), "exposicions")),
        ("mínim 5", Target(FLOOR, D(5), "")),
        ("com a mínim 5", Target(FLOOR, D(5), "")),
        ("Com a mínim 5 tallers", Target(FLOOR, D(5), "tallers")),
        ("≥ 90 %", Target(FLOOR, D(90), "%")),
    ],
)
def test_minimums_are_floors(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≤ 10 dies", Target(CEILING, D(10), "dies")),
        ("<= 10 dies", Target(CEILING, D(10), "dies")),
        ("màxim 10 dies", Target(CEILING, D(10), "dies")),
        ("Màxim 10 dies", Target(CEILING, D(10), "dies")),
        ("menys de 48 hores", Target(CEILING, D(48), "hores")),
        ("inferior a 48 hores", Target(CEILING, D(48), "hores")),
        ("≤ 5 %", Target(CEILING, D(5), "%")),
    ],
)
def test_maximums_are_ceilings(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("2,5", D("2.5")), ("1.234", D(1234)), ("1.234,5", D("1234.5")), ("1.000.000", D(10**6))],
)
def test_numbers_are_written_the_catalan_way(text, value):
    assert parse_target(text).value == value


@pytest.mark.parametrize(
    "text", ["uns quants", "5 o 6", "≥", "-3", "Sí?", "molts 5", "≥ 5 ≤ 10", "2.5"]
)
def test_an_unreadable_target_is_refused_in_catalan_naming_the_text(text):
    with pytest.raises(TargetError) as refused:
        parse_target(text)

    assert str(refused.value).startswith(f"No s'entén l'objectiu «{text}»: ")
    assert refused.value.text == text


def test_the_message_for_an_unreadable_target_says_what_to_write():
    with pytest.raises(TargetError) as refused:
        parse_target("uns quants")

    assert str(refused.value) == (
        "No s'entén l'objectiu «uns quants»: escriviu un nombre (4), un percentatge (100 %), "
        "un límit (≥ 5, ≤ 10 dies) o Sí/No."
    )


def test_a_decimal_point_is_explained_rather_than_guessed():
    with pytest.raises(TargetError, match="els decimals s'escriuen amb coma"):
        parse_target("2.5")


def test_an_empty_target_is_refused():
    with pytest.raises(TargetError, match="^Falta l'objectiu"):
        parse_target("   ")


def test_a_target_error_is_a_value_error():
    assert issubclass(TargetError, ValueError)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100 %", D(100)),
        ("100%", D(100)),
        ("Sí", D(1)),
        ("si", D(1)),
        ("No", D(0)),
        ("3", D(3)),
        ("0", D(0)),
        ("2,5", D("2.5")),
        ("1.234", D(1234)),
    ],
)
def test_results(text, value):
    assert parse_result(text) == value


@pytest.mark.parametrize("text", ["", "   ", "-", " - ", "–"])
def test_a_blank_or_dashed_result_is_not_assessed(text):
    assert parse_result(text) is None


@pytest.mark.parametrize("text", ["tres", "-3", "≥ 3", "3 o 4", "2.5"])
def test_an_unreadable_result_is_refused_in_catalan_naming_the_text(text):
    with pytest.raises(TargetError) as refused:
        parse_result(text)

    assert str(refused.value).startswith(f"No s'entén el resultat «{text}»: ")
