"""How the city writes numbers, percentages, shares, dates and people: one rule each."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

from terrassa_plis import formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("97.5"), f"97,5{NBSP}%"),
        (Decimal("33.33"), f"33,3{NBSP}%"),
        (Decimal(100) / 3, f"33,3{NBSP}%"),
        (Decimal(200) / 3, f"66,7{NBSP}%"),
        (Decimal("0.05"), f"0,1{NBSP}%"),
        (Decimal("12.25"), f"12,3{NBSP}%"),
        (Decimal("74.96"), f"75{NBSP}%"),
        (Decimal("75.00"), f"75{NBSP}%"),
        (100, f"100{NBSP}%"),
        (0, f"0{NBSP}%"),
        (None, "—"),
    ],
)
def test_a_percentage_has_at_most_one_decimal_rounded_half_up(value, written):
    assert formatting.percent(value) == written


def test_a_share_is_rounded_once_when_written():
    assert formatting.share(1, 3) == f"33,3{NBSP}%"
    assert formatting.share(39, 40) == f"97,5{NBSP}%"
    assert formatting.share(2, 2) == f"100{NBSP}%"
    assert formatting.share(0, 0) == "—"
    assert formatting.percentage_of(1, 3) == Decimal(100) / 3
    assert formatting.percentage_of(0, 0, empty=Decimal(100)) == 100


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [
        (Decimal("1234.5"), None, "1.234,5"),
        (Decimal("144.00"), None, "144"),
        (Decimal("12.50"), None, "12,5"),
        (1234567, None, "1.234.567"),
        (Decimal("2.345"), 2, "2,35"),
        (Decimal("-1"), None, "-1"),
        (None, None, "—"),
    ],
)
def test_a_number_groups_thousands_and_keeps_only_its_decimals(value, decimals, written):
    assert formatting.number(value, decimals) == written


def test_numbers_and_dates_are_catalan_whatever_the_interface_language():
    for language in ("ca", "es", "en"):
        with translation.override(language):
            assert formatting.number(Decimal("1234.5")) == "1.234,5"
            assert formatting.day(date(2019, 6, 30)) == "30/06/2019"


def test_a_moment_is_written_in_local_time():
    summer_evening = datetime(2019, 6, 30, 22, 30, tzinfo=UTC)
    assert formatting.moment(summer_evening) == "01/07/2019 00:30"
    assert formatting.day(summer_evening) == "01/07/2019"
    assert formatting.clock(summer_evening) == "00:30"
    assert formatting.day(None) == formatting.moment(None) == "—"


def test_templates_write_dates_through_the_format_modules():
    rendered = Template('{{ day|date }} · {{ moment|date:"DATETIME_FORMAT" }}').render(
        Context({"day": date(2019, 6, 30), "moment": datetime(2019, 6, 30, 10, 5, tzinfo=UTC)})
    )
    assert rendered == "30/06/2019 · 30/06/2019 12:05"


@pytest.mark.django_db
def test_a_person_is_named_by_full_name_or_else_user_name():
    users = get_user_model().objects
    assert (
        formatting.person_name(users.create(username="mp", first_name="Marta", last_name="Puig"))
        == "Marta Puig"
    )
    assert formatting.person_name(users.create(username="anon")) == "anon"
    assert formatting.person_name(None) == ""


def test_filters_are_the_same_functions():
    rendered = Template("{% load plis %}{{ a|percent }} {{ b|number }}").render(
        Context({"a": Decimal("97.5"), "b": Decimal("1234.50")})
    )
    assert rendered == f"97,5{NBSP}% 1.234,5"


def test_a_long_text_is_shortened_at_a_word():
    assert formatting.shorten("una frase prou llarga, amb comes", 20) == "una frase prou…"
    assert formatting.shorten("curta", 20) == "curta"


@pytest.mark.parametrize(
    ("language", "code", "written"),
    [
        ("ca", "2026-S2", "2n semestre 2026"),
        ("ca", "2021-S1", "1r semestre 2021"),
        ("ca", " 2021-s1 ", "1r semestre 2021"),
        ("es", "2026-S2", "2.º semestre 2026"),
        ("es", "2021-S1", "1.er semestre 2021"),
        ("en", "2026-S2", "2nd half of 2026"),
        ("en", "2021-S1", "1st half of 2021"),
        ("ca", "2021-S3", "2021-S3"),
        ("ca", "Primer semestre de 2019", "Primer semestre de 2019"),
        ("ca", None, "—"),
        ("ca", "", "—"),
    ],
)
def test_a_half_year_code_is_written_in_words_in_the_reader_s_language(language, code, written):
    with translation.override(language):
        assert formatting.semester(code) == written


def test_the_semester_filter_writes_the_period_in_words():
    template = Template("{% load plis %}{{ period|semester }}")
    with translation.override("ca"):
        assert template.render(Context({"period": "2026-S2"})) == "2n semestre 2026"


def test_a_machine_moment_is_local_iso_8601_to_the_second():
    moment = datetime(2026, 11, 27, 17, 46, 55, 731634, tzinfo=UTC)

    assert formatting.machine_moment(moment) == "2026-11-27T18:46:55+01:00"
    assert formatting.machine_moment(date(2019, 6, 30)) == "2019-06-30"
    assert formatting.machine_moment(None) == ""
