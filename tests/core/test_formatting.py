"""How figures read everywhere (marketing_ops.formatting), without the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from marketing_ops import formatting
from marketing_ops.services import user_create_or_update


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


# --------------------------------------------------------------------------- per language


def test_figures_read_the_same_in_both_languages():
    from django.utils import translation

    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert formatting.money(Decimal("22271505.9")) == "22,271,505.90"
            assert formatting.percent(Decimal("0.9367")) == "93.67%"
            assert formatting.count(1234567) == "1,234,567"


def test_dates_months_and_points_read_as_each_language_writes_them():
    from django.utils import translation

    from marketing_ops.periods import Month

    day = dt.date(2026, 12, 5)
    moment = dt.datetime(2026, 12, 5, 9, 42)
    with translation.override("en"):
        assert formatting.date(day) == "2026-12-05"
        assert formatting.date(moment) == "2026-12-05 09:42"
        assert formatting.month(Month(2026, 12)) == "2026-12"
        assert formatting.points(Decimal("1.2")) == "+1.20 pp"
    with translation.override("zh-hans"):
        assert formatting.date(day) == "2026年12月5日"
        assert formatting.date(moment) == "2026年12月5日 09:42"
        assert formatting.date(moment, formatting.DATE_FORMAT) == "2026年12月5日"
        assert formatting.month(Month(2026, 12)) == "2026年12月"
        assert formatting.month(day) == "2026年12月"
        assert formatting.points(Decimal("-3.333")) == "-3.33个百分点"
        assert formatting.points_apart(Decimal("-0.23")) == "0.23个百分点"
        # DATE_FORMAT ("Y-m-d") stands for the language's date; any other format is kept.
        assert formatting.date(day, "Y-m-d") == "2026年12月5日"
        assert formatting.date(day, "Ymd") == "20261205"


def test_the_template_filters_follow_the_language():
    from django.utils import translation

    from marketing_ops.periods import Month

    template = Template("{% load formatting %}{{ d|day }} {{ m|month }} {{ a|yuan }} {{ r|pct }}")
    context = Context(
        {
            "d": dt.date(2026, 12, 5),
            "m": Month(2026, 12),
            "a": Decimal("1234.5"),
            "r": Decimal("0.5"),
        }
    )
    with translation.override("zh-hans"):
        assert template.render(context) == "2026年12月5日 2026年12月 1,234.50 50.00%"
    with translation.override("en"):
        assert template.render(context) == "2026-12-05 2026-12 1,234.50 50.00%"


class _User:
    def __init__(self, username, full="", display=None):
        self.username, self.full = username, full
        if display is not None:
            self.profile = type("P", (), {"display_name": display})()

    def get_full_name(self):
        return self.full

    def get_username(self):
        return self.username


def test_a_person_reads_by_display_name_then_full_name_then_user_name():
    assert formatting.person(_User("zhangwei", "Zhang Wei", display="张伟")) == "张伟"
    assert formatting.person(_User("zhangwei", "Zhang Wei", display="")) == "Zhang Wei"
    assert formatting.person(_User("zhangwei")) == "zhangwei"
    assert formatting.person(None) == formatting.MISSING


@pytest.mark.django_db
def test_a_picker_names_a_person_with_the_user_name_they_sign_in_with(county_a):
    named, _ = user_create_or_update(
        username="c01_staff_x", role="county_staff", county_code="C01", display_name="张伟"
    )
    plain, _ = user_create_or_update(username="plain", role="city_staff")
    assert formatting.person_choice(named) == "张伟 (c01_staff_x)"
    assert formatting.person_choice(plain) == "plain"


def test_an_iso_week_reads_in_the_language_of_the_page():
    import datetime as dt

    from django.utils import translation

    from marketing_ops import formatting

    sunday = dt.date(2026, 11, 29)  # ISO week 48 of 2026
    assert formatting.week(sunday) == "2026-W48"
    assert formatting.week(dt.date(2027, 1, 1)) == "2026-W53"  # the ISO year, not the calendar's
    with translation.override("zh-hans"):
        assert formatting.week(sunday) == "2026年第48周"
    assert formatting.week(None) == formatting.MISSING


def test_a_period_written_as_the_api_writes_it_reads_as_pages_write_it():
    from django.utils import translation

    from marketing_ops import formatting

    assert [formatting.period(p) for p in ("2026-12-04", "2026-W48", "2026-11")] == [
        "2026-12-04",
        "2026-W48",
        "2026-11",
    ]
    with translation.override("zh-hans"):
        assert formatting.period("2026-12-04") == "2026年12月4日"
        assert formatting.period("2026-W48") == "2026年第48周"
        assert formatting.period("2026-11") == "2026年11月"
    assert formatting.period("someday") == "someday"
