"""The arithmetic of plans and progress, without the database
(docs/rules.md#decomposition-to-counties, #phasing, #progress-against-time-progress)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketing_ops.ranking import competition_ranks
from revenue import calculations as calc

weights_strategy = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda ws: any(ws))


@given(total=st.integers(min_value=0, max_value=10**12), weights=weights_strategy)
def test_largest_remainder_allocations_are_non_negative_and_sum_to_the_total(total, weights):
    allocation = calc.largest_remainder(total, list(enumerate(weights)))
    assert sum(allocation.values()) == total
    assert all(part >= 0 for part in allocation.values())


@given(total=st.integers(min_value=0, max_value=10**9), weights=weights_strategy)
def test_largest_remainder_gives_each_key_its_floor_or_one_more(total, weights):
    allocation = calc.largest_remainder(total, list(enumerate(weights)))
    weight_sum = sum(weights)
    for key, weight in enumerate(weights):
        exact = Decimal(total) * weight / weight_sum
        assert exact - 1 < allocation[key] < exact + 1


@given(
    total=st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False),
    weights=weights_strategy,
)
def test_money_is_allocated_to_the_fen_and_sums_exactly(total, weights):
    allocation = calc.allocate_money(total, list(enumerate(weights)))
    assert sum(allocation.values()) == total
    assert all(v == v.quantize(Decimal("0.01")) for v in allocation.values())


def test_leftover_units_go_to_the_largest_fractional_parts():
    # 10 over 3:3:4 → raw 3, 3, 4 exactly; 10 over 1:1:1 → 3.33 each, one leftover.
    assert calc.largest_remainder(10, [("a", 3), ("b", 3), ("c", 4)]) == {"a": 3, "b": 3, "c": 4}
    assert calc.largest_remainder(11, [("a", 1), ("b", 2), ("c", 2)]) == {"a": 2, "b": 5, "c": 4}


def test_equal_fractional_parts_go_to_the_first_county_in_sort_order():
    assert calc.largest_remainder(2, [("C01", 1), ("C02", 1), ("C03", 1)]) == {
        "C01": 1,
        "C02": 1,
        "C03": 0,
    }
    assert calc.largest_remainder(1, [("C09", 1), ("C01", 1)]) == {"C09": 1, "C01": 0}


def test_all_zero_or_negative_weights_are_refused():
    with pytest.raises(calc.AllocationError, match="all weights are zero"):
        calc.largest_remainder(5, [("a", 0), ("b", 0)])
    with pytest.raises(calc.AllocationError, match="negative"):
        calc.largest_remainder(5, [("a", 1), ("b", -1)])


def test_manual_amounts_that_do_not_sum_name_the_difference():
    with pytest.raises(calc.AllocationError, match="100.00 less than the target 1000.00"):
        calc.check_manual_money(Decimal("1000.00"), {"a": Decimal("400"), "b": Decimal("500")})


def test_equal_phasing_spreads_a_year_exactly():
    months = calc.phase_money(Decimal("1000000.01"))
    assert sum(months) == Decimal("1000000.01")
    assert months[0] == Decimal("83333.34") and months[-1] == Decimal("83333.33")


def test_weighted_phasing_follows_the_weights_and_sums_exactly():
    weights = [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1]
    months = calc.phase_units(100, weights)
    assert sum(months) == 100
    assert months[0] < months[2]


def test_quarters_are_the_sums_of_their_months():
    months = calc.phase_money(Decimal("1200.00"), [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    assert calc.quarters(months) == [Decimal("300.00")] * 4


def test_a_phasing_profile_needs_twelve_non_negative_values():
    with pytest.raises(calc.AllocationError, match="12 values"):
        calc.phase_money(Decimal("10"), [1] * 11)
    with pytest.raises(calc.AllocationError, match="month 3 is negative"):
        calc.phase_money(Decimal("10"), [1, 1, -1] + [1] * 9)


def test_the_spec_worked_example_to_the_cent():
    result = calc.progress(
        target=Decimal("1200000.00"),
        cumulative_actual=Decimal("560000.00"),
        month=6,
        phased_to_date=sum(calc.phase_money(Decimal("1200000.00"))[:6]),
    )
    assert result.time_progress == Decimal("0.5000")
    assert result.completion_rate == Decimal("0.4667")
    assert result.gap_pp == Decimal("-3.33")
    assert result.status == "behind"
    assert result.projected_year_end == Decimal("1120000.00")
    assert result.required_monthly == Decimal("106666.67")


def test_without_phasing_the_year_end_is_projected_linearly():
    result = calc.progress(target=Decimal("1200"), cumulative_actual=Decimal("300"), month=3)
    assert result.projected_year_end == Decimal("1200.00")


def test_a_zero_target_has_no_completion_rate_nor_status():
    result = calc.progress(target=Decimal("0"), cumulative_actual=Decimal("50"), month=4)
    assert result.completion_rate is None
    assert result.gap_pp is None
    assert result.status is None
    assert result.required_monthly == Decimal("0.00")


def test_in_december_nothing_is_required_per_month_any_more():
    result = calc.progress(target=Decimal("1200"), cumulative_actual=Decimal("1100"), month=12)
    assert result.time_progress == Decimal("1.0000")
    assert result.required_monthly is None
    assert result.status == "at_risk"


@pytest.mark.parametrize(
    ("gap", "status"),
    [
        ("0.00", "ahead"),
        ("2.10", "ahead"),
        ("-0.01", "behind"),
        ("-4.99", "behind"),
        ("-5.00", "at_risk"),
        ("-12.00", "at_risk"),
    ],
)
def test_status_thresholds(gap, status):
    assert calc.status_of(Decimal(gap), 5) == status


def test_ranking_ties_share_a_rank_and_skip_the_next():
    ranks = competition_ranks(
        {
            "a": Decimal("0.6"),
            "b": Decimal("0.5"),
            "c": Decimal("0.5"),
            "d": Decimal("0.4"),
            "e": None,
        }
    )
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}


def test_time_progress_on_the_day_basis():
    assert calc.time_progress_days(dt.date(2026, 7, 2)) == Decimal("0.5014")  # day 183 of 365


def test_a_report_is_late_after_the_deadline_day_of_the_next_month():
    assert calc.report_deadline(2026, 12, 5) == dt.date(2027, 1, 5)
    assert not calc.is_late(2026, 3, dt.date(2026, 4, 5), 5)
    assert calc.is_late(2026, 3, dt.date(2026, 4, 6), 5)


def test_a_targets_quarters_wait_until_all_twelve_months_are_phased():
    assert calc.quarters_of_phasing([Decimal("1.00")] * 11) == []
    assert calc.quarters_of_phasing(list(range(1, 13))) == [6, 15, 24, 33]


@given(
    total=st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False),
    weights=weights_strategy,
    households=st.integers(min_value=0, max_value=10**6),
)
def test_every_figure_of_a_plan_is_split_by_its_weights_and_sums_to_its_target(
    total, weights, households
):
    pairs = list(enumerate(weights))
    allocation = calc.allocate_by_weights(
        [(calc.REVENUE, total), ("BROADBAND", households)],
        {calc.REVENUE: pairs, "BROADBAND": pairs},
    )
    assert sum(parts[calc.REVENUE] for parts in allocation.values()) == total
    assert sum(parts["BROADBAND"] for parts in allocation.values()) == households


def test_a_figure_without_a_target_gives_every_county_nothing_even_without_weights():
    assert calc.allocate_figure(calc.REVENUE, Decimal("0"), [("C01", 0), ("C02", 0)]) == {
        "C01": Decimal("0.00"),
        "C02": Decimal("0.00"),
    }


def test_a_figure_that_cannot_be_split_is_named_in_the_error():
    with pytest.raises(calc.FigureAllocationError, match="^BROADBAND: all weights are zero"):
        calc.allocate_by_weights([("BROADBAND", 10)], {"BROADBAND": [("C01", 0), ("C02", 0)]})


def test_the_city_is_the_sum_of_its_counties_and_counties_rank_by_revenue_completion():
    def county(target: str, actual: str) -> dict[str, calc.YearToDate]:
        return {
            calc.REVENUE: calc.YearToDate(Decimal(target), Decimal(actual), Decimal(target) / 2),
            "BROADBAND": calc.YearToDate(100, 40, 50),
        }

    table = calc.progress_table(
        {"C01": county("1000.00", "600.00"), "C02": county("3000.00", "900.00")},
        [calc.REVENUE, "BROADBAND"],
        month=6,
    )
    assert table.city[calc.REVENUE].target == Decimal("4000.00")
    assert table.city[calc.REVENUE].cumulative_actual == Decimal("1500.00")
    assert table.city["BROADBAND"].target == 200
    assert table.counties["C01"][calc.REVENUE].completion_rate == Decimal("0.6000")
    assert table.ranks == {"C01": 1, "C02": 2}
    assert table.counties["C02"][calc.REVENUE].status == calc.AT_RISK
