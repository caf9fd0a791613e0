"""The monthly briefing's materials section (docs/rules.md): loop differences open and accepted per
county, the recycling rate, installs without a deposit and the random checks; a county head's
briefing holds only their county."""

import pytest
from django.utils import translation

from marketing_ops.briefings import briefing_render, period_for
from materials import briefing
from materials.services import loop as writes
from materials.services import random_checks as checks
from tests.materials.test_loop import DAY, MONTH, hand_made_day  # noqa: F401  (a fixture)

pytestmark = pytest.mark.usefixtures("hand_made_day")


def text(sections):
    return "\n".join(
        [s.title for s in sections]
        + [line for s in sections for line in s.lines]
        + [str(cell) for s in sections for t in s.tables for row in t.rows for cell in row]
    )


def test_the_monthly_briefing_carries_the_materials_section(
    county_a,
    staff_a,
    broadband,
    head_a,
):
    writes.loop_explain(
        user=staff_a,
        county=county_a,
        business_date=DAY,
        business_line=broadband,
        explanation="late return",
    )
    checks.random_checks_draw(month=MONTH)
    [section] = briefing.sections(period_for("monthly", "2026-11"), None)
    assert section.title == "Materials"
    lines = "\n".join(section.lines)
    assert "1 days with a difference" in lines and "1 not accepted yet (0 not explained)" in lines
    assert "Recycling rate" in lines and "Installs without a deposit: 0." in lines
    table = section.tables[0]
    c01 = next(row for row in table.rows if row[0].startswith("C01"))
    assert c01[1:5] == [1, 0, 1, 0]
    assert c01[5] == 3  # three installs with a terminal (one was reversed)
    rendered = briefing_render(period_for("monthly", "2026-11"), None)
    assert "Materials" in str(rendered)


def test_a_county_heads_briefing_holds_their_county_only(county_a):
    [section] = briefing.sections(period_for("monthly", "2026-11"), county_a)
    assert [row[0][:3] for row in section.tables[0].rows] == ["C01"]
    assert "Random checks: no sample was drawn for 2026-11." in section.lines


def test_daily_and_weekly_briefings_have_no_materials_section():
    assert briefing.sections(period_for("daily", "2026-11-16"), None) == []
    assert briefing.sections(period_for("weekly", "2026-W47"), None) == []


def test_a_chinese_briefing_writes_the_month_as_chinese_readers_do(county_a):
    with translation.override("zh-hans"):
        [section] = briefing.sections(period_for("monthly", "2026-11"), None)
    lines = "\n".join(section.lines)
    assert "2026年11月" in lines and "2026-11" not in lines
    assert "2026年11月" in str(section.tables[0].title)
