"""Typed columns of the upload pipeline and months (docs/file-formats.md): what a cell may hold and
the
message a user reads when it is wrong. Pure functions, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from marketing_ops import tabular
from marketing_ops.periods import Month, iso_week_label, week_bounds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        ("7", Decimal("7.00")),
        (0.1, Decimal("0.10")),
        (12, Decimal("12.00")),
    ],
)
def test_money_is_a_two_place_decimal(raw, expected):
    value = tabular.Money("amount").parse(raw)
    assert value == expected
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12.345", "at most 2 decimal places"),
        ("-1.00", "must not be negative"),
        ("abc", "expected an amount like 1234.50"),
        ("NaN", "expected an amount like 1234.50"),
        ("1e20", "expected an amount like 1234.50 or 1,234.50"),
        ("1E5", "expected an amount like 1234.50 or 1,234.50"),
        ("1.23457E+11", "expected an amount like 1234.50 or 1,234.50"),
        ("inf", "expected an amount like 1234.50 or 1,234.50"),
        ("nan", "expected an amount like 1234.50 or 1,234.50"),
        ("1234567890123", "amount too large"),
        (1e20, "amount too large"),
        (float("inf"), "expected an amount like 1234.50"),
        (True, "expected an amount like 1234.50"),
    ],
)
def test_a_bad_amount_says_what_is_expected(raw, message):
    with pytest.raises(ValueError, match=message):
        tabular.Money("amount").parse(raw)


def test_money_may_allow_negative_amounts():
    assert tabular.Money("adjustment", allow_negative=True).parse("-3.5") == Decimal("-3.50")


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (42, 42), (42.0, 42)])
def test_an_integer_accepts_whole_numbers_from_csv_and_xlsx(raw, expected):
    assert tabular.Integer("n").parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"), [("4.5", "whole number"), (4.5, "whole number"), ("-1", "negative")]
)
def test_a_bad_integer_says_what_is_expected(raw, message):
    with pytest.raises(ValueError, match=message):
        tabular.Integer("n").parse(raw)


def test_dates_are_strict_iso_or_a_spreadsheet_date():
    column = tabular.Date("day")
    assert column.parse("2026-02-28") == dt.date(2026, 2, 28)
    assert column.parse(dt.datetime(2026, 2, 28, 0, 0)) == dt.date(2026, 2, 28)
    for bad in ("2026-02-30", "28/02/2026", "2026-2-8"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            column.parse(bad)


def test_months_are_yyyy_mm_or_the_first_of_a_month_from_a_spreadsheet():
    column = tabular.MonthColumn("month")
    assert column.parse("2026-03") == Month(2026, 3)
    assert column.parse(dt.datetime(2026, 3, 1)) == Month(2026, 3)
    for bad in ("2026-13", "03/2026", "2026-3"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            column.parse(bad)


def test_choices_and_yes_no_match_case_insensitively():
    assert tabular.Choice("kind", ["county", "district"]).parse("District") == "district"
    yes_no = tabular.YesNo("flag")
    assert [yes_no.parse(v) for v in ("Y", "n", "yes", "FALSE")] == [True, False, True, False]
    with pytest.raises(ValueError, match="expected one of Y, N"):
        yes_no.parse("maybe")


def test_text_longer_than_allowed_is_refused():
    with pytest.raises(ValueError, match="longer than 3 characters"):
        tabular.Text("code", max_length=3).parse("ABCD")
    assert tabular.Text("code").parse(1001.0) == "1001"  # a number typed into a text cell


def test_month_arithmetic_crosses_years_and_knows_leap_days():
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 11).shift(14) == Month(2027, 1)
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29)
    assert [Month(2026, m).quarter for m in (1, 3, 4, 12)] == [1, 1, 2, 4]
    assert str(Month(2026, 3)) == "2026-03"
    with pytest.raises(ValueError):
        Month(2026, 0)


def test_weeks_run_monday_to_sunday_with_iso_labels():
    assert week_bounds(dt.date(2026, 3, 4)) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert iso_week_label(dt.date(2026, 1, 1)) == "2026-W01"
    assert iso_week_label(dt.date(2027, 1, 1)) == "2026-W53"
