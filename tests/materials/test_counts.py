"""Stock counts (docs/materials.md): starting freezes the warehouse's quantities and serials,
counts are
entered or uploaded, the differences are listed, and approval turns each into an adjustment
move through the move service."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketing_ops.services import import_submit
from materials.models import StockBalance, StockCount, StockMove, Terminal
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


# --------------------------------------------------------------------------- pages and API


def test_stock_count_pages_from_start_to_approval(stocked, client_for, staff_a, city_user, cable):
    county = client_for(staff_a)
    assert county.get("/materials/counts/").status_code == 200
    started = county.post("/materials/counts/new/", {"warehouse": stocked.pk})
    assert started.status_code == 302
    count = StockCount.objects.get()
    detail = county.get(started["Location"])
    assert detail.status_code == 200 and b"count-enter" in detail.content
    entered = county.post(
        f"/materials/counts/{count.pk}/enter/",
        {
            f"q_{cable.pk}": "98",
            "serial_item": count.serials.first().item_id,
            "serials": "S1\nS2 S3",
        },
    )
    assert entered.status_code == 302
    assert county.post(f"/materials/counts/{count.pk}/approve/").status_code == 403
    export = client_for(city_user).get(f"/materials/counts/{count.pk}/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(city_user).post(f"/materials/counts/{count.pk}/approve/").status_code == 302
    count.refresh_from_db()
    assert count.status == "approved" and balance(stocked, cable) == 98


def test_another_countys_count_is_not_found_and_readers_may_not_start(
    stocked, client_for, api_for, staff_a, staff_b, leader
):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    other = client_for(staff_b)
    assert other.get(f"/materials/counts/{count.pk}/").status_code == 404
    assert other.post(f"/materials/counts/{count.pk}/enter/", {}).status_code == 404
    assert api_for(staff_b).get(f"/api/v1/materials/counts/{count.pk}/").status_code == 404
    assert (
        api_for(staff_b).post("/api/v1/materials/counts/", {"warehouse": "C01"}).status_code == 404
    )
    assert client_for(leader).get("/materials/counts/new/").status_code == 403
    assert api_for(staff_b).get("/api/v1/materials/counts/").json()["count"] == 0


def test_the_count_api_starts_enters_and_approves(stocked, api_for, staff_a, city_user):
    county = api_for(staff_a)
    started = county.post("/api/v1/materials/counts/", {"warehouse": "C01"}, format="json")
    assert started.status_code == 201
    pk = started.json()["id"]
    assert started.json()["quantities"] == [
        {"sku": "CAB-1", "expected": 100, "counted": None, "difference": None},
        {"sku": "ONT-X1", "expected": 3, "counted": 0, "difference": -3},
    ]
    entered = county.post(
        f"/api/v1/materials/counts/{pk}/enter/",
        {
            "quantities": [{"sku": "CAB-1", "counted_quantity": 100}],
            "serials": [{"sku": "ONT-X1", "serial": s} for s in ("S1", "S2", "S3")],
        },
        format="json",
    )
    assert entered.status_code == 200 and entered.json()["missing"] == []
    assert county.post(f"/api/v1/materials/counts/{pk}/approve/").status_code == 403
    approved = api_for(city_user).post(f"/api/v1/materials/counts/{pk}/approve/")
    assert approved.json()["status"] == "approved"
    assert not StockMove.objects.filter(kind="adjustment").exists()  # nothing differed


def test_count_pages_and_api_are_closed_to_anonymous_visitors(stocked, staff_a):
    from rest_framework.test import APIClient

    count = writes.count_start(user=staff_a, warehouse=stocked)
    for url in ("/materials/counts/", f"/materials/counts/{count.pk}/", "/materials/counts/new/"):
        assert APIClient().get(url).status_code == 302
    for url in ("/api/v1/materials/counts/", f"/api/v1/materials/counts/{count.pk}/"):
        assert APIClient().get(url).status_code == 401


def test_the_count_page_runs_a_fixed_number_of_queries(
    stocked, client_for, staff_a, django_assert_max_num_queries
):
    count = writes.count_start(user=staff_a, warehouse=stocked)
    client = client_for(staff_a)
    with django_assert_max_num_queries(16):
        assert client.get(f"/materials/counts/{count.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/materials/counts/").status_code == 200
