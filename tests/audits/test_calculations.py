"""The pure rules of audits: which periods exist on a day, due dates, fingerprints."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits import calculations as calc


def labels(periods, cadence):
    return [p.label for p in periods if p.cadence == cadence]


def test_on_a_monday_the_previous_business_day_is_friday_and_last_week_is_due():
    monday = dt.date(2026, 11, 16)
    periods = calc.periods_due(monday, [])
    daily = labels(periods, "daily")
    assert daily[-1] == "2026-11-13"  # Friday, not the weekend
    assert "2026-11-14" not in daily and "2026-11-15" not in daily
    assert labels(periods, "weekly")[-1] == "2026-W46"  # the week just ended (9–15 Nov)


def test_on_the_first_the_month_just_ended_is_due():
    periods = calc.periods_due(dt.date(2026, 12, 1), [])
    assert labels(periods, "monthly")[-1] == "2026-11"


def test_a_holiday_has_no_daily_audit():
    periods = calc.periods_due(dt.date(2026, 10, 9), [dt.date(2026, 10, 1), dt.date(2026, 10, 2)])
    daily = labels(periods, "daily")
    assert "2026-10-01" not in daily and "2026-10-02" not in daily
    assert "2026-09-30" in daily and "2026-10-08" in daily


def test_catch_up_covers_the_last_35_days_and_nothing_older():
    today = dt.date(2026, 11, 17)
    periods = calc.periods_due(today, [])
    assert min(p.end for p in periods) >= today - dt.timedelta(days=35)
    assert max(p.end for p in periods) < today
    daily = labels(periods, "daily")
    assert daily[0] == "2026-10-13" and daily[-1] == "2026-11-16"
    assert labels(periods, "monthly") == ["2026-10"]


@pytest.mark.parametrize(
    ("cadence", "period", "due"),
    [
        ("daily", "2026-11-16", dt.date(2026, 11, 17)),
        ("weekly", "2026-W46", dt.date(2026, 11, 17)),  # Sunday 15th + 2
        ("monthly", "2026-10", dt.date(2026, 11, 5)),
    ],
)
def test_due_dates_are_the_end_of_the_period_plus_1_2_or_5_days(cadence, period, due):
    assert calc.parse_period(cadence, period).due_on == due


@pytest.mark.parametrize(
    ("cadence", "period"), [("daily", "2026-11"), ("weekly", "2026-W54"), ("monthly", "2026-13")]
)
def test_a_badly_written_period_is_refused(cadence, period):
    with pytest.raises(ValueError):
        calc.parse_period(cadence, period)


def test_levels_sign_in_order_and_the_status_follows():
    assert calc.next_level("monthly", {}) == 1
    assert calc.next_level("monthly", {1: "passed"}) == 2
    assert calc.next_level("weekly", {1: "passed", 2: "passed"}) is None
    assert calc.audit_status(cadence="daily", answered=0, live_results={}) == "pending"
    assert calc.audit_status(cadence="weekly", answered=1, live_results={1: "passed"}) == (
        "in_progress"
    )
    assert calc.audit_status(cadence="weekly", answered=2, live_results={1: "failed"}) == "failed"
    assert calc.audit_status(cadence="daily", answered=3, live_results={1: "passed"}) == "passed"


CHECK = st.tuples(
    st.integers(1, 9), st.text(max_size=5), st.sampled_from(["", "ok", "n_a"]), st.text(max_size=5)
)


@given(st.lists(CHECK, min_size=1, max_size=5, unique_by=lambda c: c[0]))
def test_a_fingerprint_changes_with_any_answer_and_not_with_the_order(checks):
    original = calc.fingerprint(checks, [])
    assert calc.fingerprint(list(reversed(checks)), []) == original
    position, text, answer, note = checks[0]
    changed = [(position, text, "problem", note), *checks[1:]]
    assert calc.fingerprint(changed, []) != original
    assert calc.fingerprint(checks, [("1", "refund")]) != original
