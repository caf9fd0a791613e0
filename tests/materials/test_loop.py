"""The closed loop (docs/materials.md#the-closed-loop): a hand-made day's figures, what counts on
each side, the
month's differences not accepted per county, explanations and acceptance."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketing_ops.periods import Month
from materials.models import StockMove, Warehouse
from materials.selectors import loop as reads
from materials.services import loop as writes

DAY = dt.date(2026, 11, 16)
MONTH = Month(2026, 11)


def ledger(kind, item, warehouse, line, *, day=DAY, quantity=1, serial="", **fields):
    """A ledger line written as it stands (the loop reads the ledger, not the move service)."""
    into = kind in ("return_dismantle", "receipt", "adjustment")
    return StockMove.objects.create(
        kind=kind,
        item=item,
        quantity=quantity,
        from_warehouse=None if into else warehouse,
        to_warehouse=warehouse if into else None,
        business_line=line,
        business_date=day,
        serial=serial,
        account_no=fields.pop("account_no", "A1"),
        **fields,
    )


def report(county, line, *, installs=0, dismantles=0, day=DAY):
    writes.daily_operations_write(rows=[(day, county.pk, line.pk, installs, dismantles)])


@pytest.fixture
def hand_made_day(county_a, county_b, broadband, fixed_phone, ont, cable):
    """C01 on 16 Nov: 3 installs and 2 dismantles reported on broadband; 4 terminals issued (one
    of them reversed, so 3 count), 1 returned; cable issued too (not a terminal); a warranty
    swap (neither side). Fixed phones reported but use no terminal. C02 balanced."""
    wh_a, wh_b = Warehouse.objects.get(county=county_a), Warehouse.objects.get(county=county_b)
    report(county_a, broadband, installs=3, dismantles=2)
    report(county_a, fixed_phone, installs=7)
    for n in range(4):
        ledger("issue_install", ont, wh_a, broadband, serial=f"S{n}")
    wrong = StockMove.objects.filter(serial="S3").get()
    StockMove.objects.create(
        kind="reversal",
        item=ont,
        quantity=1,
        to_warehouse=wh_a,
        business_date=DAY,
        reverses=wrong,
        serial="S3",
    )
    ledger("return_dismantle", ont, wh_a, broadband, serial="R1")
    ledger("issue_install", cable, wh_a, broadband, quantity=30)
    StockMove.objects.create(
        kind="warranty_replacement",
        item=ont,
        quantity=1,
        from_warehouse=wh_a,
        to_warehouse=wh_a,
        business_line=broadband,
        business_date=DAY,
        serial="W1",
        replacement_serial="W2",
        account_no="A9",
    )
    report(county_b, broadband, installs=1, dismantles=1)
    ledger("issue_install", ont, wh_b, broadband, serial="B1")
    ledger("return_dismantle", ont, wh_b, broadband, serial="B2")


def test_a_hand_made_day_shows_issued_against_reported_and_returned_against_dismantled(
    hand_made_day, city_user, county_a
):
    rows = reads.loop_rows(city_user, MONTH, gaps_only=False)
    assert [(r.county, r.date, r.line) for r in rows] == [
        ("C01", DAY, "BROADBAND"),
        ("C02", DAY, "BROADBAND"),
    ]
    c01 = rows[0]
    assert (c01.installs_reported, c01.terminals_issued, c01.install_gap) == (3, 3, 0)
    assert (c01.dismantles_reported, c01.terminals_returned, c01.return_gap) == (2, 1, -1)
    assert c01.status == "open"
    assert rows[1].status == "balanced"
    assert [r.county for r in reads.loop_rows(city_user, MONTH)] == ["C01"]


def test_a_county_user_reads_only_their_county(hand_made_day, staff_b, county_a):
    rows = reads.loop_rows(staff_b, MONTH, county=county_a, gaps_only=False)
    assert [r.county for r in rows] == ["C02"]


def test_gaps_not_accepted_count_per_county_in_one_query(
    hand_made_day, county_a, staff_a, city_user, broadband, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert reads.loop_gaps_not_accepted(MONTH) == {county_a.pk: 1}
    explanation = writes.loop_explain(
        user=staff_a,
        county=county_a,
        business_date=DAY,
        business_line=broadband,
        explanation="Customer kept the old terminal; collecting on Monday.",
    )
    assert reads.loop_gaps_not_accepted(MONTH) == {county_a.pk: 1}
    assert reads.loop_rows(city_user, MONTH)[0].status == "explained"
    writes.loop_accept(user=city_user, explanation=explanation)
    assert reads.loop_gaps_not_accepted(MONTH) == {}
    assert reads.loop_rows(city_user, MONTH)[0].status == "accepted"
    assert reads.loop_gaps_not_accepted(Month(2026, 10)) == {}


def test_only_differences_are_explained_and_only_city_staff_accept(
    hand_made_day, county_a, county_b, staff_a, staff_b, broadband
):
    with pytest.raises(ValidationError, match="no loop difference"):
        writes.loop_explain(
            user=staff_b,
            county=county_b,
            business_date=DAY,
            business_line=broadband,
            explanation="x",
        )
    explanation = writes.loop_explain(
        user=staff_a,
        county=county_a,
        business_date=DAY,
        business_line=broadband,
        explanation="late return",
    )
    with pytest.raises(PermissionDenied):
        writes.loop_accept(user=staff_a, explanation=explanation)


def test_a_day_sent_again_replaces_its_figures(county_a, broadband, city_user):
    report(county_a, broadband, installs=3, dismantles=2)
    report(county_a, broadband, installs=5, dismantles=0)
    row = reads.loop_rows(city_user, MONTH, gaps_only=False)
    assert [(r.installs_reported, r.dismantles_reported) for r in row] == [(5, 0)]


def test_recycling_rate_counts_installs_with_a_recycled_terminal(
    move, ont, terminal_in, wh_a, broadband, county_a, county_b, city_user, staff_a
):
    terminal_in("recycled", "OLD1")  # installed on 17 Nov, then back as recycled
    move("receipt", ont, to_warehouse=wh_a, serial="NEW1")
    move("receipt", ont, to_warehouse=wh_a, serial="NEW2")
    for serial in ("OLD1", "NEW1", "NEW2"):
        move(
            "issue_install",
            ont,
            from_warehouse=wh_a,
            serial=serial,
            account_no=f"B-{serial}",
            business_line=broadband,
            deposit=100,
        )
    rows = {r.county: r for r in reads.recycling(city_user, Month(2026, 11))}
    # Four installs (OLD1 twice: new the first time, recycled the second), one recycled.
    assert (rows["C01"].installs, rows["C01"].with_recycled) == (4, 1)
    assert str(rows["C01"].recycling_rate) == "0.2500"
    assert rows["C02"].installs == 0 and rows["C02"].recycling_rate is None
    assert [r.county for r in reads.recycling(staff_a, Month(2026, 11))] == ["C01"]


def test_daily_operations_import_from_the_command_line_and_reject_bad_rows(
    tmp_path, county_a, broadband, city_user
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    good = tmp_path / "ops.csv"
    good.write_text(
        "business_date,county_code,business_line,installs,dismantles\n"
        "2026-11-16,C01,BROADBAND,4,1\n"
    )
    call_command("import_data", "daily_operations", str(good), stdout=StringIO())
    [row] = reads.loop_rows(city_user, MONTH, gaps_only=False)
    assert (row.installs_reported, row.dismantles_reported) == (4, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "business_date,county_code,business_line,installs,dismantles\n"
        "2026-11-17,C01,BROADBAND,2,0\n"
        "2026-11-17,C01,BROADBAND,-1,0\n"
    )
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", "daily_operations", str(bad), stdout=StringIO())
    assert len(reads.loop_rows(city_user, MONTH, gaps_only=False)) == 1
