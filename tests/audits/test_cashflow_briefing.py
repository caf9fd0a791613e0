"""The monthly briefing's cash-flow section: the month's differences per county ranked by
|difference| ÷ receivable with their sign-off state; a county's briefing holds that county."""

import pytest

from audits import briefing
from audits.services import cashflow as writes
from marketing_ops.briefings import briefing_render, period_for
from marketing_ops.models import County
from marketing_ops.periods import Month
from tests.conftest import make_user


def enter(user, county, receivable, received, explanation=""):
    return writes.cashflow_save(
        user=user,
        county=county,
        month=Month(2026, 10),
        receivable=receivable,
        received=received,
        explanation=explanation,
        version=0,
    )


@pytest.fixture
def october(today, city_user, county_a, county_b, auditor1_a, auditor2, auditor3):
    County.objects.create(code="C03", name="Gamma County", kind="county", sort_order=3)
    alpha = enter(city_user, county_a, "1000.00", "1000.00")
    for user in (auditor1_a, auditor2, auditor3):
        writes.cashflow_sign(reconciliation=alpha, user=user, result="passed")
    beta = enter(city_user, county_b, "2000.00", "1800.00", "Cash in transit")
    beta_auditor = make_user("auditor1_b", "auditor", county_b, 1)
    writes.cashflow_sign(reconciliation=beta, user=beta_auditor, result="passed")
    writes.cashflow_sign(
        reconciliation=beta, user=auditor2, result="failed", note="No bank slip for 200.00"
    )


def test_the_city_briefing_ranks_the_differences_with_their_sign_off_state(october):
    _audits, section = briefing.sections(period_for("monthly", "2026-10"), None)
    assert section.title == "Cash flow"
    assert section.lines[0] == (
        "Cash flow 2026-10: 2 of 3 counties entered, 1 signed off at every level."
    )
    assert (
        "Beta County -200.00 (10.00%, failed at level 2: No bank slip for 200.00)"
        in (section.lines[1])
    )
    assert section.lines[2] == "Not entered: Gamma County."
    (sheet,) = section.tables
    assert [row[:2] for row in sheet.rows] == [[1, "C02"], [2, "C01"], ["", "C03"]]
    assert sheet.rows[1][8] == "signed off (L1 → L2 → L3)"
    rendered = briefing_render(period_for("monthly", "2026-10"), None)
    assert "No bank slip for 200.00" in rendered.text


def test_a_countys_briefing_holds_that_county_only(october, county_a):
    _audits, section = briefing.sections(period_for("monthly", "2026-10"), county_a)
    assert [row[1] for row in section.tables[0].rows] == ["C01"]
    assert "No county has a difference." in section.lines
    assert "Beta" not in " ".join(section.lines)
