"""How figures read everywhere (marketing_ops.formatting), without the database."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template

from marketing_ops import formatting


def test_money_rates_points_and_counts_read_as_the_pages_show_them():
    assert formatting.money(Decimal("1234567.5")) == "1,234,567.50"
    assert formatting.percent(Decimal("0.4987")) == "49.87%"
    assert formatting.percent_number(Decimal("0.98")) == Decimal("98.00")
    assert formatting.points(Decimal("-3.333")) == "-3.33 pp"
    assert formatting.points(Decimal("1.2")) == "+1.20 pp"
    assert formatting.count(12345) == "12,345"
    assert formatting.date(dt.date(2026, 3, 24)) == "2026-03-24"


def test_a_missing_value_reads_as_a_dash_everywhere():
    for show in (formatting.money, formatting.percent, formatting.points, formatting.count):
        assert show(None) == formatting.MISSING
    assert formatting.points_apart(None) == formatting.MISSING


def test_a_gap_in_a_sentence_that_says_ahead_or_behind_carries_no_sign():
    assert formatting.points_apart(Decimal("-0.23")) == "0.23 pp"
    assert formatting.points_apart(Decimal("10.38")) == "10.38 pp"
    rendered = Template("{% load formatting %}behind by {{ gap|pp_apart }}").render(
        Context({"gap": Decimal("-0.23")})
    )
    assert rendered == "behind by 0.23 pp"
