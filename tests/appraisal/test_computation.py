"""The month's computation: scores and ranks from the scheme, idempotent, listing what changed;
adjustments append-only and moving ranks; a closed month refuses everything
(docs/rules.md#appraisal-computation)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.calculations import SchemeLine
from appraisal.models import Adjustment, Indicator, Score, Scorecard
from appraisal.services import computation, months, schemes, values
from appraisal.services.months import MonthClosed
from appraisal.tasks import appraisal_compute
from marketing_ops.models import County
from tests.appraisal.conftest import M

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(account, county_a, county_b):
    """A: 5 in service at the end, 1 stopped (0.20), no churn. B: 4 in service at the end, 2
    stopped (0.50 = the floor), 1 of 5 dismantled in October (churn 0.20)."""
    for n in range(4):
        account(f"A{n}", county_a)
    account("AS", county_a, status="single_stop", changed="2026-10-03")
    for n in range(2):
        account(f"B{n}", county_b)
    for n in range(2):
        account(f"BS{n}", county_b, status="double_stop", changed="2026-09-03")
    account("BD", county_b, status="dismantled", changed="2026-10-10")


def cards() -> dict[str, Scorecard]:
    return {
        c.county.code: c
        for c in Scorecard.objects.filter(month=M.first_day).select_related("county")
    }


def test_scores_totals_and_ranks_follow_the_scheme(two_counties, scheme, compute):
    scheme()
    result = compute()
    assert result.computed == 2
    a, b = cards()["C01"], cards()["C02"]
    # A: stops 60 × (0.5 − 0.2) ÷ (0.5 − 0.1) = 45.00; churn 0 → 40 × 1 = 40.00
    assert (a.total, a.adjusted_total, a.rank) == (D("85.00"), D("85.00"), 1)
    # B: stops at the floor → 0; churn 0.2 → 40 × 0.3 ÷ 0.5 = 24.00
    assert (b.total, b.rank) == (D("24.00"), 2)
    score = Score.objects.get(month=M.first_day, county__code="C01", indicator__code="STOP_SHARE")
    assert (score.value, score.numerator, score.denominator, score.ratio, score.score) == (
        D("0.2"),
        D(1),
        D(5),
        D("0.75"),
        D("45"),
    )


def test_the_same_inputs_give_the_same_results_and_a_rerun_lists_no_change(
    two_counties, scheme, compute
):
    scheme()
    first = compute()
    before = list(
        Score.objects.order_by("county_id", "indicator_id").values_list("value", "score", "ratio")
    )
    totals = {code: (c.total, c.rank) for code, c in cards().items()}
    again = compute()
    assert again.changed == []
    assert (
        list(
            Score.objects.order_by("county_id", "indicator_id").values_list(
                "value", "score", "ratio"
            )
        )
        == before
    )
    assert {code: (c.total, c.rank) for code, c in cards().items()} == totals
    assert len(first.changed) == 4  # every score was new


def test_a_rerun_lists_the_scores_that_changed(two_counties, scheme, compute, account, county_a):
    scheme()
    compute()
    account("AS2", county_a, status="single_stop", changed="2026-10-30")
    result = compute()
    # A's stop share went from 1/5 to 2/6 = 0.3333: 60 × (0.5 − 0.3333) ÷ 0.4 = 25.005 → 25.01;
    # its churn stays 0 of 6.
    assert [(c.county, c.indicator, c.old, c.new) for c in result.changed] == [
        ("C01", "STOP_SHARE", D("45.00"), D("25.01"))
    ]


def test_an_indicator_without_a_value_is_left_out_and_the_total_rescaled(
    two_counties, scheme, compute, county_a
):
    scheme(
        lines=[
            SchemeLine("STOP_SHARE", D(60), target=D("0.10"), floor=D("0.50")),
            SchemeLine("AUDIT_PASS_RATE", D(40), target=D("1"), floor=D("0.5")),
        ]
    )
    compute()
    a = cards()["C01"]
    assert a.left_out == ["AUDIT_PASS_RATE"]
    assert a.total == D("75.00")  # 45 × 100 ÷ 60


def test_ties_share_a_rank(account, county_a, county_b, scheme, compute):
    account("A1", county_a)
    account("B1", county_b)
    scheme()
    compute()
    assert {code: c.rank for code, c in cards().items()} == {"C01": 1, "C02": 1}


def test_adjustments_move_ranks_and_are_kept_across_recomputation(
    two_counties, scheme, compute, city_user, county_b
):
    scheme()
    compute()
    computation.adjustment_add(
        month=M,
        county=county_b,
        amount=D("70"),
        reason="Flood in September: province agreed",
        indicator_code=None,
        user=city_user,
        now=timezone.now(),
    )
    b = cards()["C02"]
    assert (b.total, b.adjusted_total, b.rank) == (D("24.00"), D("94.00"), 1)
    assert cards()["C01"].rank == 2
    compute()
    assert cards()["C02"].adjusted_total == D("94.00")
    assert Adjustment.objects.count() == 1


def test_an_adjustment_of_one_score_is_rescaled_with_it(
    account, county_a, scheme, compute, city_user
):
    account("A1", county_a)
    scheme(
        lines=[
            SchemeLine("STOP_SHARE", D(50), target=D("0.10"), floor=D("0.50")),
            SchemeLine("AUDIT_PASS_RATE", D(50), target=D("1"), floor=D("0.5")),
        ]
    )
    compute()
    computation.adjustment_add(
        month=M,
        county=county_a,
        amount=D("-5"),
        reason="Stops under-reported",
        indicator_code="STOP_SHARE",
        user=city_user,
        now=timezone.now(),
    )
    # stops 50 of 50 → 45; rescaled over the weight with a value: 45 × 100 ÷ 50 = 90
    assert cards()["C01"].adjusted_total == D("90.00")
    with pytest.raises(ValidationError) as error:
        computation.adjustment_add(
            month=M,
            county=county_a,
            amount=D(1),
            reason="x",
            indicator_code="AUDIT_PASS_RATE",
            user=city_user,
            now=timezone.now(),
        )
    assert "AUDIT_PASS_RATE" in str(error.value)


def test_an_adjustment_needs_a_reason(two_counties, scheme, compute, city_user, county_a):
    scheme()
    compute()
    with pytest.raises(ValidationError) as error:
        computation.adjustment_add(
            month=M,
            county=county_a,
            amount=D(1),
            reason="  ",
            indicator_code=None,
            user=city_user,
            now=timezone.now(),
        )
    assert "reason" in error.value.message_dict


def test_a_closed_month_refuses_compute_adjust_schemes_and_values(
    two_counties, scheme, compute, city_user, county_a
):
    scheme()
    compute()
    months.month_close(month=M, user=city_user, now=timezone.now())
    with pytest.raises(MonthClosed):
        compute()
    with pytest.raises(MonthClosed):
        computation.adjustment_add(
            month=M,
            county=county_a,
            amount=D(1),
            reason="late",
            indicator_code=None,
            user=city_user,
            now=timezone.now(),
        )
    with pytest.raises(MonthClosed):
        scheme()
    with pytest.raises(MonthClosed):
        values.manual_values_save(month=M, rows=[], user=city_user)
    assert appraisal_compute(str(M)) == 0  # the beat leaves a closed month alone


def test_a_month_without_a_scheme_is_not_computed(compute):
    with pytest.raises(ValidationError):
        compute()


def test_only_city_staff_compute(two_counties, scheme, staff_a, leader):
    scheme()
    for user in (staff_a, leader):
        with pytest.raises(PermissionDenied):
            computation.scorecards_compute(month=M, now=timezone.now(), user=user)


def test_scheme_validation_names_the_indicator(city_user):
    with pytest.raises(ValidationError) as error:
        schemes.scheme_save(
            month=M,
            lines=[
                SchemeLine("CHURN_RATE", D(50), target=D("0.5"), floor=D("0.1")),
                SchemeLine("RENEWAL_RATE", D(40), target=D("0.9"), floor=D("0.5")),
            ],
            user=city_user,
        )
    messages = error.value.message_dict["indicators"]
    assert any(m.startswith("CHURN_RATE: lower is better") for m in messages)
    assert "weights sum to 90, not 100" in messages


def test_a_scheme_is_copied_from_the_previous_month(scheme, city_user):
    scheme(month=M.previous())
    copied = schemes.scheme_copy_previous(month=M, user=city_user)
    assert sorted(copied.items.values_list("indicator__code", "weight")) == [
        ("CHURN_RATE", D("40.00")),
        ("STOP_SHARE", D("60.00")),
    ]


def test_manual_values_are_scored(county_a, county_b, city_user, compute):
    values.indicator_create(
        code="service_visits",
        name="Service visits",
        direction="higher",
        unit="visits",
        user=city_user,
    )
    values.manual_values_save(
        month=M,
        rows=[
            values.ValueRow("C01", "SERVICE_VISITS", D(80)),
            values.ValueRow("C02", "SERVICE_VISITS", D(20)),
        ],
        user=city_user,
    )
    schemes.scheme_save(
        month=M,
        lines=[SchemeLine("SERVICE_VISITS", D(100), target=D(100), floor=D(0))],
        user=city_user,
    )
    compute()
    assert {code: c.total for code, c in cards().items()} == {"C01": D("80.00"), "C02": D("20.00")}


def test_the_command_computes_a_month_and_the_task_defaults_to_the_month_before(
    two_counties, scheme, capsys
):
    scheme()
    call_command("appraisal_compute", str(M))
    assert "2026-10: 2 scorecards computed" in capsys.readouterr().out
    assert Scorecard.objects.filter(month=M.first_day).count() == 2


def test_the_computation_runs_the_same_queries_for_more_counties_and_accounts(
    two_counties, scheme, compute, account
):
    scheme(
        lines=[
            SchemeLine(
                code, D(10) if code != "ARREARS_RECOVERY" else D(20), target=target, floor=floor
            )
            for code, target, floor in (
                ("REVENUE_COMPLETION", D(1), D("0.5")),
                ("VOLUME_COMPLETION", D(1), D("0.5")),
                ("ARREARS_RECOVERY", D("0.98"), D("0.9")),
                ("CHURN_RATE", D("0.01"), D("0.05")),
                ("RENEWAL_RATE", D("0.8"), D("0.5")),
                ("ZERO_COST_SHARE", D("0.01"), D("0.1")),
                ("ZERO_COST_ACTIVATION", D("0.3"), D(0)),
                ("STOP_SHARE", D("0.1"), D("0.5")),
                ("AUDIT_PASS_RATE", D(1), D("0.5")),
            )
        ]
    )

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            compute()
        return [q["sql"][:50] for q in captured if "SAVEPOINT" not in q["sql"]]

    compute()  # the month's row exists from now on
    few = queries()
    extra = County.objects.bulk_create(
        County(code=f"X{n:02d}", name=f"X{n}", sort_order=10 + n) for n in range(8)
    )
    for county in extra:
        account(f"{county.code}-1", county)
    more = queries()
    # SQLite splits a bulk insert every 999 parameters (PostgreSQL does not): the scores'
    # INSERT may be sent in more pieces, nothing else may grow.
    assert [q for q in more if not q.startswith("INSERT")] == [
        q for q in few if not q.startswith("INSERT")
    ]
    assert {q for q in more if q.startswith("INSERT")} == {q for q in few if q.startswith("INSERT")}


def test_built_in_indicators_are_made_again_when_missing():
    Indicator.objects.filter(code="CHURN_RATE").delete()
    assert values.indicators_ensure_built_in() == 1
    churn = Indicator.objects.get(code="CHURN_RATE")
    assert (churn.direction, churn.built_in, churn.name) == ("lower", True, "Churn rate")
    assert values.indicators_ensure_built_in() == 0


def test_the_beat_computes_the_month_before_on_the_2nd_at_six(
    settings, two_counties, scheme, time_machine
):
    entry = settings.CELERY_BEAT_SCHEDULE["appraisal-monthly"]
    assert entry["task"] == "appraisal.tasks.appraisal_compute"
    schedule = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({2}, {6}, {0})
    scheme()
    time_machine.move_to("2026-11-02T06:00:00+08:00", tick=False)
    assert appraisal_compute() == 4  # October, every score new
    assert Scorecard.objects.filter(month=M.first_day).count() == 2
