"""Every county has its warehouse from the moment it exists (docs/materials.md#the-ledger),
however it was made:
one at a time (admin, ORM) or by the counties dataset's bulk upsert."""

import io

from marketing_ops.models import County
from marketing_ops.services import import_submit
from materials.models import Warehouse


def test_a_county_made_alone_comes_with_its_warehouse(db):
    county = County.objects.create(code="C09", name="Ninth County")
    warehouse = Warehouse.objects.get(county=county)
    assert (warehouse.code, warehouse.name) == ("C09", "Ninth County")
    assert Warehouse.objects.filter(code="CITY", county=None).exists()


def test_counties_imported_in_bulk_come_with_their_warehouses(db, admin_user):
    job = import_submit(
        dataset="counties",
        fileobj=io.BytesIO(b"code,name,kind\nC11,Eleven,county\nC12,Twelve,district\n"),
        file_name="counties.csv",
        user=admin_user,
        background=False,
    )
    assert job.status == "done", job.errors
    assert set(Warehouse.objects.values_list("code", flat=True)) >= {"CITY", "C11", "C12"}


def test_making_missing_warehouses_twice_makes_nothing_more(db):
    County.objects.create(code="C09", name="Ninth County")
    before = Warehouse.objects.count()
    County.objects.filter(code="C09").update(name="Renamed")
    County.objects.get(code="C09").save()
    assert Warehouse.objects.count() == before
