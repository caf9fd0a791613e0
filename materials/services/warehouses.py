"""Warehouses: the city store and one per county, made with the county
(docs/materials.md#the-ledger)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from marketing_ops.models import County
from materials.models import CITY_WAREHOUSE, Warehouse

CITY_WAREHOUSE_NAME = "市公司中心库"


def warehouses_ensure() -> int:
    """Make the warehouses that are missing (the city store, counties without one) in one
    insert; safe to run again and from two places at once. Returns how many it made."""
    missing = [
        Warehouse(code=code, name=name, county_id=pk)
        for pk, code, name in County.objects.filter(warehouse__isnull=True)
        .exclude(code=CITY_WAREHOUSE)
        .values_list("pk", "code", "name")
    ]
    if not Warehouse.objects.filter(Q(code=CITY_WAREHOUSE)).exists():
        missing.append(Warehouse(code=CITY_WAREHOUSE, name=CITY_WAREHOUSE_NAME, county=None))
    Warehouse.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def county_saved(sender: Any, instance: County, created: bool, **kwargs: Any) -> None:
    """post_save of one County (admin, ``update_or_create``): its warehouse if it has none."""
    if created or not Warehouse.objects.filter(county=instance).exists():
        warehouses_ensure()


def counties_saved(sender: Any, **kwargs: Any) -> None:
    """The core's bulk upsert of counties (the counties dataset)."""
    warehouses_ensure()
