"""Stock counts (SPEC §6.4): starting freezes the warehouse's quantities and serials, counts are
entered or uploaded, the differences are listed, and approval turns each into an adjustment
move through the move service."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketing_ops.services import import_submit
from materials.models import StockBalance, StockMove, Terminal
from materials.selectors import counts as reads
from materials.services import counts as writes


@pytest.fixture
def stocked(move, ont, cable, wh_a):
    """C01 holds ONT-X1 serials S1, S2, S3 and 100 m of cable."""
    for serial in ("S1", "S2", "S3"):
        move("receipt", ont, to_warehouse=wh_a, serial=serial)
    move("receipt", cable, to_warehouse=wh_a, quantity=100)
    return wh_a


def balance(warehouse, item):
    return StockBalance.objects.get(warehouse=warehouse, item=item).quantity


def test_starting_freezes_what_the_ledger_holds_and_later_moves_do_not_change_it(
    stocked, staff_a, move, ont
):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    move("receipt", ont, to_warehouse=stocked, serial="S4")
    differences = reads.count_differences(count)
    assert [(d.sku, d.expected) for d in differences.lines] == [("CAB-1", 100)]
    assert [(d.sku, d.expected) for d in differences.serialized] == [("ONT-X1", 3)]
    assert sorted(d.serial for d in differences.missing) == ["S1", "S2", "S3"]
    with pytest.raises(ValidationError, match="open count"):
        writes.count_start(user=staff_a, warehouse=stocked)


def test_approval_turns_each_difference_into_an_adjustment(stocked, staff_a, city_user, ont, cable):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    writes.count_enter(
        user=staff_a,
        count=count,
        quantities={cable: 97},
        serials=[(ont, "S1"), (ont, "S2"), (ont, "X9")],
    )
    differences = reads.count_differences(count)
    assert [(d.sku, d.difference) for d in differences.quantity_differences] == [("CAB-1", -3)]
    assert [d.serial for d in differences.missing] == ["S3"]
    assert [d.serial for d in differences.unexpected] == ["X9"]
    with pytest.raises(PermissionDenied):
        writes.count_approve(user=staff_a, count=count)
    made = writes.count_approve(user=city_user, count=count)
    assert sorted((m.item.sku, m.quantity, m.serial) for m in made) == [
        ("CAB-1", -3, ""),
        ("ONT-X1", -1, "S3"),
        ("ONT-X1", 1, "X9"),
    ]
    assert all(m.kind == "adjustment" and m.to_warehouse == stocked for m in made)
    assert balance(stocked, cable) == 97 and balance(stocked, ont) == 3
    assert Terminal.objects.get(serial="S3").state == "scrapped"
    assert Terminal.objects.get(serial="X9").warehouse == stocked
    count.refresh_from_db()
    assert count.status == "approved" and count.approved_by == city_user
    with pytest.raises(ValidationError):
        writes.count_enter(user=staff_a, count=count, quantities={cable: 1})


def test_an_item_not_counted_holds_approval_back(stocked, staff_a, city_user):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    with pytest.raises(ValidationError, match="CAB-1"):
        writes.count_approve(user=city_user, count=count)
    assert not StockMove.objects.filter(kind="adjustment").exists()


def test_a_county_user_counts_only_their_warehouse(stocked, staff_b):
    with pytest.raises(PermissionDenied):
        writes.count_start(user=staff_b, warehouse=stocked)


def upload(user, text):
    return import_submit(
        dataset="stock_counts",
        fileobj=io.BytesIO(text.encode()),
        file_name="count.csv",
        user=user,
    )


def test_counts_are_uploaded_for_the_open_count_and_bad_rows_reject_the_file(
    stocked, staff_a, staff_b, ont, cable
):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    job = upload(staff_b, "warehouse,sku,counted_quantity,serial\nC01,CAB-1,99,\n")
    assert job.status == "failed" and "no open stock count" in str(job.errors)
    job = upload(
        staff_a,
        "warehouse,sku,counted_quantity,serial\nC01,CAB-1,99,\nC01,ONT-X1,,S1\nC01,NOPE,1,\n",
    )
    assert job.status == "failed" and "unknown SKU" in str(job.errors)
    job = upload(staff_a, "warehouse,sku,counted_quantity,serial\nC01,CAB-1,99,\nC01,ONT-X1,,S1\n")
    assert job.status == "done", job.errors
    differences = reads.count_differences(count)
    assert [(d.sku, d.difference) for d in differences.quantity_differences] == [("CAB-1", -1)]
    assert [d.serial for d in differences.missing] == ["S2", "S3"]
