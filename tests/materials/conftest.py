"""Materials fixtures: the city store and the counties' warehouses (made with the counties), a
broadband terminal with serials and a cable without, and helpers that put a terminal in any
state of docs/materials.md#terminal-states through the move service itself."""

import datetime as dt
from decimal import Decimal

import pytest

from marketing_ops.models import BusinessLine
from materials.models import Item, Terminal, Warehouse
from materials.services import moves

TODAY = dt.date(2026, 11, 17)


@pytest.fixture
def broadband(db):
    line, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND",
        defaults={"name": "Broadband", "deposit_required": True, "uses_terminal": True},
    )
    return line


@pytest.fixture
def fixed_phone(db):
    line, _ = BusinessLine.objects.update_or_create(
        code="FIXED_PHONE", defaults={"name": "Fixed phone"}
    )
    return line


@pytest.fixture
def ont(broadband):
    return Item.objects.create(
        sku="ONT-X1",
        name="Optical terminal",
        category="terminal",
        serialized=True,
        business_line=broadband,
    )


@pytest.fixture
def cable(db):
    return Item.objects.create(sku="CAB-1", name="Drop cable", category="cable", unit="m")


@pytest.fixture
def city_store(county_a):
    return Warehouse.objects.get(code="CITY")


@pytest.fixture
def wh_a(county_a):
    return Warehouse.objects.get(county=county_a)


@pytest.fixture
def wh_b(county_b):
    return Warehouse.objects.get(county=county_b)


@pytest.fixture
def move(db):
    """``move(kind, item, **fields)`` through the service, as the command line (no user)."""

    def record(kind, item, *, quantity=1, user=None, business_date=TODAY, **fields):
        return moves.move_create(
            user=user,
            kind=kind,
            item=item,
            quantity=quantity,
            business_date=business_date,
            **fields,
        )

    return record


@pytest.fixture
def terminal_in(move, ont, wh_a, broadband):
    """``terminal_in(state, serial)``: a terminal of ONT-X1 brought into ``state`` in C01's
    warehouse (installed: at account ``A-<serial>``; scrapped: scrapped from there)."""

    def make(state, serial="SN1"):
        move("receipt", ont, to_warehouse=wh_a, serial=serial)
        account = f"A-{serial}"
        if state in ("recycled", "faulty", "installed", "scrapped"):
            move(
                "issue_install",
                ont,
                from_warehouse=wh_a,
                serial=serial,
                account_no=account,
                business_line=broadband,
                deposit=Decimal("100"),
            )
        if state in ("recycled", "faulty", "scrapped"):
            move(
                "return_dismantle",
                ont,
                to_warehouse=wh_a,
                serial=serial,
                account_no=account,
                business_line=broadband,
                condition="ok" if state == "recycled" else "faulty",
            )
        if state == "scrapped":
            move("scrap", ont, from_warehouse=wh_a, serial=serial)
        return Terminal.objects.get(serial=serial)

    return make
