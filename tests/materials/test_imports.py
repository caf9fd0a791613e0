"""The ``stock_moves`` dataset (docs/file-formats.md): applied in file order through the move
service, all
or nothing — an error in the last row writes nothing — and a county user only their county."""

import io

import pytest

from marketing_ops.services import import_submit
from materials.models import StockBalance, StockMove, Terminal

HEAD = (
    "business_date,kind,sku,quantity,from_warehouse,to_warehouse,serial,replacement_serial,"
    "account_no,business_line,deposit,condition,note\n"
)


@pytest.fixture
def run_import(db, django_capture_on_commit_callbacks):
    def run(text: str, user):
        with django_capture_on_commit_callbacks(execute=True):
            return import_submit(
                dataset="stock_moves",
                fileobj=io.BytesIO((HEAD + text).encode()),
                file_name="moves.csv",
                user=user,
                background=False,
            )

    return run


def test_a_file_of_moves_is_applied_in_file_order(run_import, city_user, ont, cable, wh_a):
    job = run_import(
        "2026-11-10,receipt,ONT-X1,1,,C01,SN1,,,,,,from supplier\n"
        "2026-11-10,receipt,CAB-1,100,,C01,,,,,,,\n"
        "2026-11-11,issue_install,ONT-X1,1,C01,,SN1,,ACC-1,BROADBAND,120.00,,\n"
        "2026-11-12,return_dismantle,ONT-X1,1,,C01,SN1,,ACC-1,BROADBAND,,ok,\n"
        "2026-11-12,scrap,cab-1,30,c01,,,,,,,,\n",
        city_user,
    )
    assert job.status == "done", job.errors
    assert StockMove.objects.count() == 5
    assert StockBalance.objects.get(warehouse=wh_a, item=cable).quantity == 70
    assert Terminal.objects.get(serial="SN1").state == "recycled"
    assert StockMove.objects.filter(import_job=job).count() == 5


def test_an_error_in_the_last_row_writes_nothing(run_import, city_user, cable, wh_a):
    job = run_import(
        "2026-11-10,receipt,CAB-1,10,,C01,,,,,,,\n"
        "2026-11-11,scrap,CAB-1,4,C01,,,,,,,,\n"
        "2026-11-12,scrap,CAB-1,7,C01,,,,,,,,\n",
        city_user,
    )
    assert job.status == "failed"
    assert job.errors == [
        {
            "row": 4,
            "column": "quantity",
            "message": "warehouse C01 holds 6 of CAB-1, this move takes 7",
        }
    ]
    assert StockMove.objects.count() == 0
    assert not StockBalance.objects.filter(quantity__gt=0).exists()


def test_unknown_skus_and_warehouses_are_named_with_their_rows(run_import, city_user, cable, wh_a):
    job = run_import(
        "2026-11-10,receipt,NOPE,10,,C01,,,,,,,\n2026-11-10,receipt,CAB-1,10,,X99,,,,,,,\n",
        city_user,
    )
    assert job.status == "failed"
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "sku"), (3, "to_warehouse")]


def test_a_county_user_moves_only_their_own_county(run_import, staff_a, cable, wh_a, wh_b):
    job = run_import("2026-11-10,receipt,CAB-1,10,,C02,,,,,,,\n", staff_a)
    assert job.status == "failed"
    assert job.errors[0]["row"] == 2
    assert "your county" in job.errors[0]["message"]
    assert not StockMove.objects.exists()
    job = run_import("2026-11-10,receipt,CAB-1,10,,C01,,,,,,,\n", staff_a)
    assert job.status == "done"
