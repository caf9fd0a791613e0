"""Fifty people installing at the same moment against a balance of 25
(docs/materials.md#the-ledger, bench/README.md): exactly
25 installs pass, the balance ends at 0, and no serial is installed twice. Real threads, each
with its own database connection, on PostgreSQL (SQLite serialises writers, so the race cannot
happen there)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from materials.models import StockBalance, StockMove, Terminal
from materials.services import moves
from tests.materials.conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="needs PostgreSQL: SQLite lets one writer in at a time, so no race can happen",
    ),
]


def test_fifty_concurrent_installs_against_25_terminals_leave_25_moves_and_a_balance_of_0(
    ont, wh_a, broadband, city_user
):
    for n in range(25):
        moves.move_create(
            user=None,
            kind="receipt",
            item=ont,
            quantity=1,
            to_warehouse=wh_a,
            serial=f"SN{n:02}",
            business_date=TODAY,
        )
    start = threading.Barrier(50)

    def install(n: int) -> str:
        # Two people per terminal: every serial is wanted twice at once.
        try:
            start.wait(10)
            moves.move_create(
                user=city_user,
                kind="issue_install",
                item=ont,
                quantity=1,
                from_warehouse=wh_a,
                serial=f"SN{n % 25:02}",
                account_no=f"ACC{n}",
                business_line=broadband,
                business_date=TODAY,
            )
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(install, range(50)))

    assert results.count("ok") == 25
    assert results.count("refused") == 25
    installs = StockMove.objects.filter(kind="issue_install")
    assert installs.count() == 25
    assert installs.values("serial").distinct().count() == 25
    assert StockBalance.objects.get(warehouse=wh_a, item=ont).quantity == 0
    assert Terminal.objects.filter(state="installed").count() == 25


def test_fifty_concurrent_draws_of_cable_never_take_more_than_the_balance(cable, wh_a, city_user):
    moves.move_create(
        user=None,
        kind="receipt",
        item=cable,
        quantity=25,
        to_warehouse=wh_a,
        business_date=TODAY,
    )
    start = threading.Barrier(50)

    def scrap(_n: int) -> bool:
        try:
            start.wait(10)
            moves.move_create(
                user=city_user,
                kind="scrap",
                item=cable,
                quantity=1,
                from_warehouse=wh_a,
                business_date=TODAY,
            )
            return True
        except ValidationError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(scrap, range(50)))

    assert results.count(True) == 25
    assert StockMove.objects.filter(kind="scrap").count() == 25
    assert StockBalance.objects.get(warehouse=wh_a, item=cable).quantity == 0
