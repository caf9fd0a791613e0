"""The appraisal in the monthly briefing: the ranking, the movers against the month before, the
indicators left out; a county head's briefing holds their own scorecard only."""

import pytest
from django.utils import timezone

from appraisal import briefing
from appraisal.services import computation
from marketing_ops.briefings import period_for
from tests.appraisal.conftest import M

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_months(account, county_a, county_b, scheme, compute, city_user):
    account("A1", county_a)
    account("B1", county_b, status="single_stop", changed="2026-08-01")
    account("B2", county_b)
    for month in (M.previous(), M):
        scheme(month=month)
        compute(month)
    # September: A first; October: B adjusted past A.
    computation.adjustment_add(
        month=M,
        county=county_b,
        amount=70,
        reason="Agreed",
        indicator_code=None,
        user=city_user,
        now=timezone.now(),
    )


def test_the_city_briefing_ranks_the_counties_and_names_the_movers(two_months):
    [section] = briefing.sections(period_for("monthly", str(M)), None)
    text = "\n".join(section.lines)
    assert "Moved up: Beta County (2 → 1)." in text
    assert "Moved down: Alpha District (1 → 2)." in text
    ranking = section.tables[0]
    assert [row[1] for row in ranking.rows] == ["C02", "C01"]
    assert len(section.tables) == 1  # no county's scorecard in the city's briefing


def test_a_county_heads_briefing_holds_their_own_scorecard(two_months, county_a):
    [section] = briefing.sections(period_for("monthly", str(M)), county_a)
    assert "Alpha District: rank 2" in "\n".join(section.lines)
    scorecard = section.tables[1]
    assert {row[0] for row in scorecard.rows} == {"STOP_SHARE", "CHURN_RATE"}


def test_a_month_not_computed_says_so_and_other_briefings_have_no_appraisal(county_a):
    [section] = briefing.sections(period_for("monthly", str(M)), None)
    assert "has not been computed yet" in section.lines[0]
    assert briefing.sections(period_for("weekly", "2026-W44"), None) == []
