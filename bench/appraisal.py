"""The appraisal at city scale (bench/README.md#appraisal), on PostgreSQL: a month's scorecards
for 30 counties, every built-in indicator, over 1,000,000 accounts × 12 months of bills
(target ≤ 10 s), and the scorecard page (target ≤ 200 ms).

The accounts and bills are bench/arrears.py's deterministic city (its generator and its
imports; ``--reuse`` keeps what an earlier run loaded), with month 12 imported as well and the
accounts (and their bills) spread over 30 counties C01..C30. Each county gets a month of daily
audits; the scheme of month 12 weighs the nine built-in indicators.

    .venv/bin/python bench/appraisal.py [--accounts 1000000] [--reuse] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from common import check_database, ensure_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mo_bench"
COUNTIES = 30
TARGETS = {"compute_s": 10.0, "page_ms": 200.0}


def _bench_arrears():
    """bench/arrears.py, loaded under its own name (the app ``arrears`` owns that one)."""
    spec = importlib.util.spec_from_file_location(
        "bench_arrears", Path(__file__).with_name("arrears.py")
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def load_city(bench, n: int, reuse: bool) -> None:
    """Accounts and 12 months of bills, through bench/arrears.py's generator and imports."""
    started = time.perf_counter()
    bench.generate(n)
    print(f"  data: bench/data/ ready in {time.perf_counter() - started:.1f} s")
    if reuse and bench.loaded(n):
        print("  reusing the accounts and bills of an earlier run (--reuse)")
    else:
        bench.prepare(n)
    year, month = bench.month_list()[-1]
    from arrears.models import BillMonthTotal

    if not BillMonthTotal.objects.filter(billing_month=dt.date(year, month, 1)).exists():
        job = bench.run_import("bills", bench.bills_file(n, year, month))
        print(f"  bills {year:04d}-{month:02d}: {job['rows']:,} rows in {job['import_s']:.1f} s")


def spread_over_counties() -> None:
    """Thirty counties, the accounts and their bills dealt round them (once)."""
    from django.db import connection

    from arrears.services import bill_totals
    from marketing_ops.models import County

    for order in range(1, COUNTIES + 1):
        County.objects.update_or_create(
            code=f"C{order:02d}",
            defaults={"name": f"County C{order:02d}", "sort_order": order, "active": True},
        )
    ids = dict(County.objects.filter(code__regex=r"^C[0-9]{2}$").values_list("code", "id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT county_id) FROM arrears_account")
        if cursor.fetchone()[0] >= COUNTIES:
            return
        started = time.perf_counter()
        values = ", ".join(f"({k}, {ids[f'C{k + 1:02d}']})" for k in range(COUNTIES))
        cursor.execute(
            f"UPDATE arrears_account a SET county_id = m.county_id FROM (VALUES {values}) "
            f"AS m(k, county_id) WHERE a.id % {COUNTIES} = m.k"
        )
        cursor.execute(
            "UPDATE arrears_bill b SET county_id = a.county_id FROM arrears_account a "
            "WHERE a.id = b.account_id AND b.county_id <> a.county_id"
        )
        bill_totals.refresh()
        cursor.execute("VACUUM (ANALYZE) arrears_account")
        cursor.execute("ANALYZE arrears_bill")
    print(
        f"  accounts and bills spread over {COUNTIES} counties in "
        f"{time.perf_counter() - started:.1f} s"
    )


def month_setup(year: int, month: int) -> None:
    """A month of daily audits per county and the scheme of the nine built-in indicators."""
    from appraisal.calculations import SchemeLine
    from appraisal.models import AppraisalMonth, Scheme
    from appraisal.services import schemes
    from audits.models import Audit
    from marketing_ops.models import County
    from marketing_ops.periods import Month

    target = Month(year, month)
    counties = list(County.objects.filter(active=True))
    days = [target.first_day + dt.timedelta(days=d) for d in range(target.last_day.day)]
    Audit.objects.bulk_create(
        [
            Audit(
                county=county,
                cadence="daily",
                period=day.isoformat(),
                period_start=day,
                period_end=day,
                due_on=day + dt.timedelta(days=1),
                status="passed" if (county.pk + day.day) % 7 else "failed",
            )
            for county in counties
            for day in days
        ],
        ignore_conflicts=True,
    )
    AppraisalMonth.objects.filter(month=target.first_day).update(closed_at=None)
    if not Scheme.objects.filter(month=target.first_day).exists():
        d = Decimal
        lines = [
            SchemeLine("REVENUE_COMPLETION", d(15), d(1), d("0.8"), d("1.2")),
            SchemeLine("VOLUME_COMPLETION", d(10), d(1), d("0.7")),
            SchemeLine("ARREARS_RECOVERY", d(15), d("0.98"), d("0.85")),
            SchemeLine("CHURN_RATE", d(10), d("0.005"), d("0.03")),
            SchemeLine("RENEWAL_RATE", d(10), d("0.8"), d("0.4")),
            SchemeLine("ZERO_COST_SHARE", d(10), d("0.02"), d("0.1")),
            SchemeLine("ZERO_COST_ACTIVATION", d(10), d("0.3"), d(0)),
            SchemeLine("STOP_SHARE", d(10), d("0.02"), d("0.1")),
            SchemeLine("AUDIT_PASS_RATE", d(10), d(1), d("0.6")),
        ]
        schemes.scheme_save(month=target, lines=lines, user=None)


def time_compute(year: int, month: int, repeat: int) -> tuple[list[float], dict[str, float]]:
    """The whole computation ``repeat`` times, then each indicator once."""
    from django.utils import timezone

    from appraisal.selectors import indicators
    from appraisal.services.computation import scorecards_compute
    from marketing_ops.periods import Month

    target = Month(year, month)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = scorecards_compute(month=target, now=timezone.now())
        runs.append(time.perf_counter() - started)
    print(f"  computed {result.computed} scorecards; last run changed {len(result.changed)} scores")
    each = {}
    for code, function in indicators.BUILT_IN.items():
        started = time.perf_counter()
        function(target)
        each[code] = time.perf_counter() - started
    return runs, each


def time_pages(year: int, month: int, repeat: int) -> list[tuple[str, list[float]]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from marketing_ops.services import user_create_or_update

    settings.ALLOWED_HOSTS = ["testserver"]
    user_create_or_update(username="bench_c03", role="county_staff", county_code="C03")
    users = get_user_model().objects.in_bulk(["bench", "bench_c03"], field_name="username")
    label = f"{year:04d}-{month:02d}"
    pages = [
        ("scorecard page C03, city user", f"/appraisal/{label}/C03/", "bench"),
        ("scorecard page C03, C03 staff", f"/appraisal/{label}/C03/", "bench_c03"),
        ("ranking page, city user", f"/appraisal/?month={label}", "bench"),
        ("scorecards API, city user", f"/api/v1/appraisal/scorecards/{label}/", "bench"),
    ]
    timings = []
    for name, url, username in pages:
        client = Client()
        client.force_login(users[username])
        if client.get(url).status_code != 200:
            sys.exit(f"{url} as {username} did not answer 200")
        values = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            values.append((time.perf_counter() - started) * 1000)
        timings.append((name, values))
    return timings


def verdict(ok: bool) -> str:
    return "meets target" if ok else "BELOW TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's city")
    parser.add_argument("--repeat", type=int, default=3, help="computations timed (median)")
    parser.add_argument(
        "--wipe-ok",
        action="store_true",
        help="allow a database whose name does not contain 'bench' (its arrears are emptied)",
    )
    args = parser.parse_args()
    url = args.database_url
    check_database(
        url, empties="the arrears and appraisal tables", default=DEFAULT_URL, wipe_ok=args.wipe_ok
    )
    n = args.accounts
    print(
        f"Appraisal benchmark: {n:,} accounts x 12 months, {COUNTIES} counties, "
        f"on {url.rsplit('@', 1)[-1]}"
    )
    bench = _bench_arrears()
    ensure_database(url)
    setup_django(url)
    os.environ["DATABASE_URL"] = url  # the imports' child processes
    load_city(bench, n, args.reuse)
    spread_over_counties()
    year, month = bench.month_list()[-1]
    month_setup(year, month)
    runs, each = time_compute(year, month, max(1, args.repeat))
    pages = time_pages(year, month, repeat=10)
    median = statistics.median(runs)
    print()
    print(
        f"Results for {year:04d}-{month:02d} ({n:,} accounts, {n * 12:,} bills, "
        f"{COUNTIES} counties):"
    )
    print(
        f"  computation, every built-in indicator  median {median:6.2f} s, best {min(runs):6.2f} s"
        f"   target <= {TARGETS['compute_s']:.0f} s: {verdict(median <= TARGETS['compute_s'])}"
    )
    for code, seconds in each.items():
        print(f"      {code:<22} {seconds:6.2f} s")
    for name, values in pages:
        page_median = statistics.median(values)
        print(
            f"  {name:<32} median {page_median:7.1f} ms, best {min(values):7.1f} ms"
            f"   target <= {TARGETS['page_ms']:.0f} ms: "
            f"{verdict(page_median <= TARGETS['page_ms'])}"
        )


if __name__ == "__main__":
    main()
