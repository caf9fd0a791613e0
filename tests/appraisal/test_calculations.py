"""Scores, totals and ranks without the database (docs/rules.md#appraisal-scores): the worked
cases and the properties that hold for every input."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from appraisal import calculations as calc
from marketing_ops.ranking import competition_ranks

D = Decimal


def test_higher_is_better_scores_the_weight_times_the_way_from_floor_to_target():
    # 20 × (0.95 − 0.90) ÷ (0.98 − 0.90) = 20 × 0.625 = 12.50
    assert calc.score(
        value=D("0.95"),
        weight=D(20),
        target=D("0.98"),
        floor=D("0.90"),
        cap=D(1),
        direction="higher",
    ) == D("12.50")


def test_lower_is_better_is_mirrored():
    # churn: floor 0.05 (worst acceptable), target 0.01; 0.02 → 15 × (0.05 − 0.02) ÷ 0.04 = 11.25
    assert calc.score(
        value=D("0.02"),
        weight=D(15),
        target=D("0.01"),
        floor=D("0.05"),
        cap=D(1),
        direction="lower",
    ) == D("11.25")


def test_beyond_the_target_is_capped():
    # 1.30 on a target of 1.00 from a floor of 0.60: ratio 1.75, capped at 1.2 → 30 × 1.2 = 36
    assert calc.score(
        value=D("1.30"),
        weight=D(30),
        target=D(1),
        floor=D("0.60"),
        cap=D("1.2"),
        direction="higher",
    ) == D("36.00")
    assert calc.score(
        value=D("1.30"), weight=D(30), target=D(1), floor=D("0.60"), cap=D(1), direction="higher"
    ) == D("30.00")


def test_below_the_floor_is_clamped_at_zero():
    assert calc.score(
        value=D("0.50"),
        weight=D(20),
        target=D("0.98"),
        floor=D("0.90"),
        cap=D(1),
        direction="higher",
    ) == D("0.00")
    assert calc.score(
        value=D("0.09"),
        weight=D(15),
        target=D("0.01"),
        floor=D("0.05"),
        cap=D(1),
        direction="lower",
    ) == D("0.00")


def test_scores_round_half_up_to_the_cent():
    # 10 × (0.90125 − 0.9) ÷ (1.0 − 0.9) = 0.0125 × 10 = 0.125 → 0.13 (half-even would give 0.12)
    assert calc.score(
        value=D("0.90125"), weight=D(10), target=D(1), floor=D("0.9"), cap=D(1), direction="higher"
    ) == D("0.13")
    assert calc.half_up(D("2.675")) == D("2.68")


def test_no_value_has_no_score_and_the_total_is_rescaled_over_the_rest():
    assert (
        calc.score(value=None, weight=D(20), target=D(1), floor=D(0), cap=D(1), direction="higher")
        is None
    )
    scored = [
        calc.Scored(D(50), D("40.00")),
        calc.Scored(D(30), D("15.00")),
        calc.Scored(D(20), None),
    ]
    # (40 + 15) × 100 ÷ 80 = 68.75
    assert calc.total(scored) == D("68.75")
    assert calc.total([calc.Scored(D(100), None)]) is None


def test_a_total_with_every_value_is_the_sum_of_the_scores():
    scored = [calc.Scored(D(60), D("45.50")), calc.Scored(D(40), D("40.00"))]
    assert calc.total(scored) == D("85.50")


def test_adjustments_add_to_a_score_before_rescaling_and_to_the_total_after():
    scored = [calc.Scored(D(50), D("40.00"), adjustment=D(2)), calc.Scored(D(50), None)]
    # (40 + 2) × 100 ÷ 50 = 84, then + 1.5
    assert calc.adjusted_total(scored, D("1.5")) == D("85.50")


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranks = competition_ranks(
        {"C01": D("90"), "C02": D("85"), "C03": D("85"), "C04": D("70"), "C05": None}
    )
    assert ranks == {"C01": 1, "C02": 2, "C03": 2, "C04": 4, "C05": None}


def test_rate_of_a_zero_denominator_is_no_value():
    assert calc.rate(0, 0) is None
    assert calc.rate(1, 3) == D("0.3333")


def test_scheme_errors_name_the_indicator():
    directions = {"CHURN_RATE": "lower", "RENEWAL_RATE": "higher"}
    errors = calc.scheme_errors(
        [
            calc.SchemeLine("CHURN_RATE", D(50), target=D("0.05"), floor=D("0.01")),
            calc.SchemeLine("RENEWAL_RATE", D(40), target=D("0.5"), floor=D("0.8"), cap=D("0.9")),
        ],
        directions,
    )
    assert any(e.startswith("CHURN_RATE: lower is better") for e in errors)
    assert any(e.startswith("RENEWAL_RATE: higher is better") for e in errors)
    assert any(e.startswith("RENEWAL_RATE: cap must be at least 1") for e in errors)
    assert "weights sum to 90, not 100" in errors


def test_a_valid_scheme_has_no_errors():
    directions = {"CHURN_RATE": "lower", "RENEWAL_RATE": "higher"}
    lines = [
        calc.SchemeLine("CHURN_RATE", D("60.5"), target=D("0.01"), floor=D("0.05")),
        calc.SchemeLine("RENEWAL_RATE", D("39.5"), target=D("0.8"), floor=D("0.5"), cap=D("1.2")),
    ]
    assert calc.scheme_errors(lines, directions) == []


def test_the_formula_shows_the_numbers():
    text = calc.formula(
        value=D("0.95"),
        weight=D(20),
        target=D("0.98"),
        floor=D("0.90"),
        cap=D(1),
        direction="higher",
    )
    assert text == "20 × clamp((0.95 − 0.9) ÷ (0.98 − 0.9), 0, 1) = 20 × 0.6250 = 12.50"


values = st.decimals(min_value=-10, max_value=10, places=4, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=D("0.01"), max_value=100, places=2)
caps = st.decimals(min_value=1, max_value=3, places=2)


@given(
    value=values,
    weight=weights,
    a=values,
    b=values,
    cap=caps,
    direction=st.sampled_from(["higher", "lower"]),
)
def test_a_score_lies_between_zero_and_weight_times_cap(value, weight, a, b, cap, direction):
    if a == b:
        return
    target, floor = (max(a, b), min(a, b)) if direction == "higher" else (min(a, b), max(a, b))
    result = calc.score(
        value=value, weight=weight, target=target, floor=floor, cap=cap, direction=direction
    )
    assert D(0) <= result <= calc.half_up(weight * cap)
    if (direction == "higher" and value >= target) or (direction == "lower" and value <= target):
        assert result >= calc.half_up(weight)
    if (direction == "higher" and value <= floor) or (direction == "lower" and value >= floor):
        assert result == 0


@given(
    value=values, delta=st.decimals(min_value=0, max_value=5, places=4), weight=weights, cap=caps
)
def test_a_better_value_never_scores_less(value, delta, weight, cap):
    args = {"weight": weight, "target": D("0.9"), "floor": D("0.2"), "cap": cap}
    higher = calc.score(value=value, direction="higher", **args)
    assert calc.score(value=value + delta, direction="higher", **args) >= higher
    lower_args = {"weight": weight, "target": D("0.2"), "floor": D("0.9"), "cap": cap}
    assert calc.score(value=value - delta, direction="lower", **lower_args) >= calc.score(
        value=value, direction="lower", **lower_args
    )


@given(
    st.lists(
        st.tuples(weights, st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))),
        min_size=1,
        max_size=12,
    )
)
def test_a_total_of_full_marks_is_100_whatever_is_left_out(lines):
    scored = [calc.Scored(w, None if s is None else w) for w, s in lines]
    result = calc.total(scored)
    if all(s is None for _, s in lines):
        assert result is None
    else:
        assert result == D("100.00")


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=3),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=120, places=2)),
        max_size=20,
    )
)
def test_ranks_follow_the_totals_and_ties_share(totals):
    ranks = competition_ranks(totals)
    for a, ta in totals.items():
        if ta is None:
            assert ranks[a] is None
            continue
        assert ranks[a] == 1 + sum(1 for t in totals.values() if t is not None and t > ta)
