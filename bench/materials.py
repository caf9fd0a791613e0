"""Materials benchmark (bench/README.md#materials): 2,000,000 moves and 500,000
terminals on PostgreSQL, loaded set-based, then the figures next to their targets — 50
concurrent installs against a balance of 25 (exactly 25 pass, the balance ends at 0), and the
balances, closed-loop and terminal pages and endpoints, each ≤ 300 ms.

The ledger is generated in the database (``INSERT … SELECT generate_series``), consistent with
itself: every terminal received into the city store and transferred to a county warehouse; 300k
installed, 100k installed and dismantled back (recycled), 100k new in the warehouses; the rest
of the 2M moves are drop cable issued with installs. Balances are the ledger's sums, the
support center's daily operations the ledger's installs and dismantles per county, day and line
with one day in fifty off by one. A second run reuses the data (``--reload`` loads it again).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ensure_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_materials"
TERMINALS = 500_000
MOVES = 2_000_000
COUNTIES = 20
TARGET_MS = 300.0
YEAR_START = "2026-01-01"


def migrate(url: str) -> None:
    import subprocess

    env = os.environ | {"DATABASE_URL": url, "REDIS_URL": ""}
    manage = [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, env=env)


def tables() -> dict[str, str]:
    from marketing_ops.models import BusinessLine, County
    from materials import models

    return {
        "move": models.StockMove._meta.db_table,
        "balance": models.StockBalance._meta.db_table,
        "terminal": models.Terminal._meta.db_table,
        "warehouse": models.Warehouse._meta.db_table,
        "daily": models.DailyOperation._meta.db_table,
        "explanation": models.LoopExplanation._meta.db_table,
        "deposit": models.Deposit._meta.db_table,
        "refused": models.RefusedMove._meta.db_table,
        "county": County._meta.db_table,
        "line": BusinessLine._meta.db_table,
    }


def load(reload: bool) -> None:
    """The city: COUNTIES counties with their warehouses, the items, and the ledger."""
    from django.db import connection, transaction

    from marketing_ops.models import BusinessLine, County
    from materials.models import Item, StockMove
    from materials.services.warehouses import warehouses_ensure

    t = tables()
    if not reload and StockMove.objects.count() >= MOVES:
        print(f"  ledger already loaded: {StockMove.objects.count():,} moves (--reload to redo)")
        return
    started = time.perf_counter()
    County.objects.bulk_create(
        [
            County(code=f"C{n:02}", name=f"County {n:02}", kind="county", sort_order=n)
            for n in range(1, COUNTIES + 1)
        ],
        ignore_conflicts=True,
    )
    warehouses_ensure()
    line, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND",
        defaults={"name": "Broadband", "deposit_required": True, "uses_terminal": True},
    )
    ont, _ = Item.objects.get_or_create(
        sku="ONT-B1",
        defaults={
            "name": "Bench ONT",
            "category": "terminal",
            "serialized": True,
            "business_line": line,
        },
    )
    cable, _ = Item.objects.get_or_create(
        sku="CAB-B1", defaults={"name": "Bench cable", "category": "cable", "unit": "m"}
    )
    params = {
        "ont": ont.pk,
        "cable": cable.pk,
        "line": line.pk,
        "terminals": TERMINALS,
        "counties": COUNTIES,
        "start": YEAR_START,
        "cable_moves": MOVES - 3 * TERMINALS - COUNTIES,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {t['move']}, {t['balance']}, {t['terminal']}, {t['daily']}, "
            f"{t['explanation']}, {t['deposit']}, {t['refused']} CASCADE"
        )
        # County warehouses numbered 1..COUNTIES by code; terminal i lives in county i % n + 1.
        cursor.execute(
            f"""CREATE TEMP TABLE bench_wh ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY w.code) AS n, w.id AS warehouse_id,
                       w.county_id
                FROM {t["warehouse"]} w
                JOIN {t["county"]} c ON c.id = w.county_id
                WHERE c.code ~ '^C[0-9]{{2}}$' AND c.code <= 'C{COUNTIES:02}'"""
        )
        cursor.execute(
            """CREATE TEMP TABLE bench_t ON COMMIT DROP AS
               SELECT i, 'BT' || lpad(i::text, 7, '0') AS serial, i %% 5 AS kind,
                      w.warehouse_id, w.county_id,
                      %(start)s::date + (30 + i %% 300) AS installed_on
               FROM generate_series(1, %(terminals)s) AS i
               JOIN bench_wh w ON w.n = i %% %(counties)s + 1""",
            params,
        )
        city = f"(SELECT id FROM {t['warehouse']} WHERE code = 'CITY')"
        columns = (
            "kind, item_id, quantity, from_warehouse_id, to_warehouse_id, serial, "
            "replacement_serial, account_no, business_line_id, business_date, condition, "
            "state_before, note, created_at"
        )
        cursor.execute(
            f"""INSERT INTO {t["move"]} ({columns})
                SELECT 'receipt', %(ont)s, 1, NULL::integer, {city}, serial, '', '', NULL::integer,
                       %(start)s::date + i %% 20, '', '', '', now() FROM bench_t
                UNION ALL
                SELECT 'transfer', %(ont)s, 1, {city}, warehouse_id, serial, '', '', NULL::integer,
                       %(start)s::date + 21, '', 'new', '', now() FROM bench_t
                UNION ALL
                SELECT 'issue_install', %(ont)s, 1, warehouse_id, NULL::integer, serial, '',
                       'A' || lpad(i::text, 7, '0'), %(line)s, installed_on, '', 'new', '', now()
                FROM bench_t WHERE kind <= 3
                UNION ALL
                SELECT 'return_dismantle', %(ont)s, 1, NULL::integer, warehouse_id, serial, '',
                       'A' || lpad(i::text, 7, '0'), %(line)s, installed_on + 3, 'ok',
                       'installed', '', now()
                FROM bench_t WHERE kind = 3""",
            params,
        )
        # The cable: a large receipt into each county warehouse, then drops issued with
        # installs, 5 m each (the rest of the 2M moves).
        cursor.execute(
            f"""INSERT INTO {t["move"]} ({columns})
                SELECT 'receipt', %(cable)s, 100000000, NULL::integer, warehouse_id, '', '', '',
                       NULL::integer,
                       %(start)s::date, '', '', '', now() FROM bench_wh
                UNION ALL
                SELECT 'issue_install', %(cable)s, 5, w.warehouse_id, NULL::integer, '', '',
                       'A' || lpad(i::text, 7, '0'), %(line)s,
                       %(start)s::date + (30 + i %% 300), '', '', '', now()
                FROM generate_series(1, %(cable_moves)s) AS i
                JOIN bench_wh w ON w.n = i %% %(counties)s + 1""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {t["terminal"]} (serial, item_id, state, warehouse_id, county_id,
                                             account_no, business_line_id, updated_at)
                SELECT serial, %(ont)s,
                       CASE WHEN kind <= 2 THEN 'installed' WHEN kind = 3 THEN 'recycled'
                            ELSE 'new' END,
                       CASE WHEN kind <= 2 THEN NULL ELSE warehouse_id END, county_id,
                       CASE WHEN kind <= 2 THEN 'A' || lpad(i::text, 7, '0') ELSE '' END,
                       CASE WHEN kind <= 2 THEN %(line)s END, now()
                FROM bench_t""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {t["balance"]} (warehouse_id, item_id, quantity, updated_at)
                SELECT warehouse_id, item_id, SUM(quantity), now() FROM (
                    SELECT to_warehouse_id AS warehouse_id, item_id, quantity FROM {t["move"]}
                    WHERE to_warehouse_id IS NOT NULL
                    UNION ALL
                    SELECT from_warehouse_id, item_id, -quantity FROM {t["move"]}
                    WHERE from_warehouse_id IS NOT NULL
                ) s GROUP BY warehouse_id, item_id"""
        )
        cursor.execute(
            f"""INSERT INTO {t["daily"]} (county_id, business_date, business_line_id, installs,
                                          dismantles, imported_at)
                SELECT w.county_id, m.business_date, m.business_line_id,
                       COUNT(*) FILTER (WHERE m.kind = 'issue_install')
                         + CASE WHEN (extract(doy FROM m.business_date)::int
                                      + w.county_id) %% 50 = 0 THEN 1 ELSE 0 END,
                       COUNT(*) FILTER (WHERE m.kind = 'return_dismantle'), now()
                FROM {t["move"]} m
                JOIN {t["warehouse"]} w
                  ON w.id = COALESCE(m.from_warehouse_id, m.to_warehouse_id)
                WHERE m.item_id = %(ont)s AND m.kind IN ('issue_install', 'return_dismantle')
                GROUP BY w.county_id, m.business_date, m.business_line_id""",
            params,
        )
    with connection.cursor() as cursor:
        for table in (t["move"], t["terminal"], t["balance"], t["daily"]):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"  loaded {StockMove.objects.count():,} moves, "
        f"{TERMINALS:,} terminals in {time.perf_counter() - started:.0f} s"
    )


def concurrency() -> tuple[int, int, int]:
    """50 threads, each with its own connection, install at once from a balance of 25 (every
    terminal wanted twice). Returns (passed, refused, balance after)."""
    import datetime as dt

    from django.db import connection

    from marketing_ops.models import BusinessLine
    from materials.models import Item, StockBalance, StockMove, Warehouse
    from materials.services import moves

    line = BusinessLine.objects.get(code="BROADBAND")
    item, _ = Item.objects.get_or_create(
        sku="ONT-RACE",
        defaults={
            "name": "Race ONT",
            "category": "terminal",
            "serialized": True,
            "business_line": line,
        },
    )
    warehouse = Warehouse.objects.get(code="C01")
    run = StockMove.objects.filter(item=item).count()
    day = dt.date(2026, 12, 1)
    serials = [f"RACE{run:06}-{n:02}" for n in range(25)]
    for serial in serials:
        moves.move_create(
            user=None,
            kind="receipt",
            item=item,
            quantity=1,
            to_warehouse=warehouse,
            serial=serial,
            business_date=day,
        )
    barrier = threading.Barrier(50)

    def install(n: int) -> bool:
        try:
            barrier.wait(30)
            moves.move_create(
                user=None,
                kind="issue_install",
                item=item,
                quantity=1,
                from_warehouse=warehouse,
                serial=serials[n % 25],
                account_no=f"R{run}-{n}",
                business_line=line,
                deposit=100,
                business_date=day,
            )
            return True
        except Exception:  # noqa: BLE001 — a refused install is the expected half
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(install, range(50)))
    balance = StockBalance.objects.get(warehouse=warehouse, item=item).quantity
    return results.count(True), results.count(False), balance


def timings(rounds: int) -> list[tuple[str, float, float]]:
    """Median and slowest of ``rounds`` requests per page, signed in as city staff, in-process
    (Django's test client: the view, its queries and the template, no network)."""
    from django.conf import settings
    from django.test import Client

    from marketing_ops.services import user_create_or_update

    settings.ALLOWED_HOSTS = ["*"]
    user, _ = user_create_or_update(username="bench_city", role="city_staff")
    client = Client()
    client.force_login(user)
    pages = [
        ("balances page", "/materials/"),
        ("balances API", "/api/v1/materials/balances/?page_size=100"),
        ("loop: city summary", "/materials/loop/?month=2026-06"),
        ("loop: county grid", "/materials/loop/C01/?month=2026-06"),
        ("loop API (city, gaps)", "/api/v1/materials/loop/?month=2026-06"),
        ("recycling page", "/materials/recycling/?month=2026-06"),
        ("terminal page", "/materials/terminals/BT0000003/"),
        ("terminal API", "/api/v1/materials/terminals/BT0000003/"),
    ]
    results = []
    for name, url in pages:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        spent = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(url, secure=True)
            spent.append((time.perf_counter() - started) * 1000)
        results.append((name, statistics.median(spent), max(spent)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_MATERIALS_URL") or DEFAULT_URL
    )
    parser.add_argument("--rounds", type=int, default=10, help="requests per page timed")
    parser.add_argument("--reload", action="store_true", help="load the ledger again")
    args = parser.parse_args()
    url = args.database_url
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set --database-url.")
    print(f"Materials: {MOVES:,} moves, {TERMINALS:,} terminals, on {url.rsplit('@', 1)[-1]}")
    ensure_database(url)
    migrate(url)
    setup_django(url)
    load(args.reload)
    passed, refused, balance = concurrency()
    ok = passed == 25 and balance == 0
    print()
    print(f"{'figure':<34} {'result':>18}   target")
    print(
        f"{'50 concurrent installs vs 25':<34} {f'{passed} pass, {refused} refused':>18}   "
        f"exactly 25 pass — {'met' if ok else 'NOT MET'}"
    )
    print(f"{'balance after':<34} {balance:>18}   0 — {'met' if balance == 0 else 'NOT MET'}")
    for name, median, slowest in timings(args.rounds):
        verdict = "met" if slowest <= TARGET_MS else "NOT MET"
        print(
            f"{name:<34} {f'{median:.0f} ms (max {slowest:.0f})':>18}   "
            f"≤ {TARGET_MS:.0f} ms — {verdict}"
        )


if __name__ == "__main__":
    main()
