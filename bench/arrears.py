"""Arrears at city scale (bench/README.md#targets), on PostgreSQL, in one run:

(a) raw ``COPY`` of one month's bills file into a bare table — the floor to compare with;
(b) our bills import of the same file end to end (hash and limits, validation of every cell,
    staging with COPY, checks and the set-based upsert), rows/s and the ratio b/a; (a) and (b)
    are measured in turn ``--repeat`` times (default 3) and reported as medians;
(c) the recovery and ageing selectors, and whole requests (the dashboard page, the recovery and
    ageing API, the worklist) at that size;
(d) peak memory of the import process;
(e) an XLSX import of 100,000 bills (typed cells, as a spreadsheet holds them), rows/s.

The city is deterministic: ``--accounts`` accounts (default 1,000,000) over counties C01..C08
with 12 months of bills, written as CSV under bench/data/ (reused when present). Months 1-11 are
imported through our pipeline first; month 12 is the file measured.

    .venv/bin/python bench/arrears.py [--accounts 200000] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, check_database, ensure_database, reset_arrears_tables, setup_django

DATA = ROOT / "bench" / "data"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mo_bench"
COUNTIES = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08"]
COUNTY_WEIGHTS = [22, 18, 12, 12, 10, 10, 8, 8]
LINES = ["BROADBAND", "FIXED_PHONE", "DEDICATED_LINE", "PUBLIC_PHONE"]
LINE_WEIGHTS = [55, 35, 7, 3]
FIRST_MONTH = (2025, 1)
MONTHS = 12
SEED = 20261126

TARGETS = {
    "import_rows_per_s": 100_000,
    "ratio": 1 / 5,
    "selector_ms": 300,
    "peak_mb": 500,
    "xlsx_rows_per_s": 20_000,
}
#: Rows of the XLSX file measured in (e): the first accounts' bills of the month after month 12.
XLSX_ROWS = 100_000


# --------------------------------------------------------------------------- data


def month_list() -> list[tuple[int, int]]:
    year, month = FIRST_MONTH
    months = []
    for _ in range(MONTHS):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def accounts_file(n: int) -> Path:
    return DATA / f"accounts-{n}.csv"


def bills_file(n: int, year: int, month: int) -> Path:
    return DATA / f"bills-{n}-{year:04d}-{month:02d}.csv"


def generate(n: int) -> None:
    """Write the accounts file and one bills file per month, deterministically."""
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    counties = rng.choices(COUNTIES, COUNTY_WEIGHTS, k=n)
    lines = rng.choices(LINES, LINE_WEIGHTS, k=n)
    # Payment behaviour per account: most pay on time, some late or in part, a tail never pays.
    behaviour = rng.choices("PLHN", [88, 6, 3, 3], k=n)
    fees = [rng.choice((29, 39, 59, 89, 129, 199)) for _ in range(n)]
    target = accounts_file(n)
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.write(
                "account_no,county_code,business_line,customer_name,opened_on,status,"
                "status_changed_on,contract_end,deposit\n"
            )
            chunk = []
            for i in range(n):
                status = "active"
                changed = ""
                if behaviour[i] == "N":
                    status = "double_stop" if i % 3 else "dismantled"
                    changed = "2025-09-01"
                chunk.append(
                    f"AC{i:08d},{counties[i]},{lines[i]},Customer {i},"
                    f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d},{status},{changed},,"
                    f"{'100.00' if lines[i] == 'BROADBAND' else ''}\n"
                )
                if len(chunk) >= 50_000:
                    out.writelines(chunk)
                    chunk = []
            out.writelines(chunk)
        tmp.rename(target)
    for index, (year, month) in enumerate(month_list()):
        target = bills_file(n, year, month)
        if target.exists():
            continue
        rng = random.Random(SEED + index)
        paid_on = f"{year + (month == 12):04d}-{month % 12 + 1:02d}-15"
        tmp = target.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.write("account_no,billing_month,amount_billed,amount_paid,paid_on\n")
            chunk = []
            for i in range(n):
                fee = fees[i]
                usage = rng.randrange(0, 4000)
                billed = f"{fee + usage // 100}.{usage % 100:02d}"
                kind = behaviour[i]
                if kind == "P" or (kind == "L" and rng.random() < 0.7):
                    chunk.append(f"AC{i:08d},{year:04d}-{month:02d},{billed},{billed},{paid_on}\n")
                elif kind == "H":
                    half = (fee + usage // 100) // 2
                    chunk.append(f"AC{i:08d},{year:04d}-{month:02d},{billed},{half}.00,{paid_on}\n")
                else:
                    chunk.append(f"AC{i:08d},{year:04d}-{month:02d},{billed},0.00,\n")
                if len(chunk) >= 50_000:
                    out.writelines(chunk)
                    chunk = []
            out.writelines(chunk)
        tmp.rename(target)


# --------------------------------------------------------------------------- database


def prepare(n: int) -> None:
    """Migrate, reset the arrears tables, load accounts (our import) and months 1-11 in bulk."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from marketing_ops.models import County, ImportJob

    call_command("migrate", verbosity=0)
    for order, code in enumerate(COUNTIES, start=1):
        County.objects.update_or_create(
            code=code, defaults={"name": f"County {code}", "sort_order": order, "active": True}
        )
    user_model = get_user_model()
    if not user_model.objects.filter(username="bench").exists():
        user_model.objects.create_superuser("bench", "bench@example.com", "bench")
    reset_arrears_tables()
    ImportJob.objects.filter(dataset__in=["accounts", "bills"]).delete()

    started = time.perf_counter()
    job = run_import("accounts", accounts_file(n))
    print(
        f"  accounts: {n:,} rows through our import in {time.perf_counter() - started:.1f} s"
        f" ({job['status']})"
    )
    started = time.perf_counter()
    for year, month in month_list()[:-1]:
        job = run_import("bills", bills_file(n, year, month))
        print(
            f"  bills {year:04d}-{month:02d}: {job['rows']:,} rows in {job['import_s']:.1f} s "
            f"({job['status']})"
        )
    print(
        f"  bills: months 1-{MONTHS - 1} ({n * (MONTHS - 1):,} rows) imported in "
        f"{time.perf_counter() - started:.1f} s"
    )


def loaded(n: int) -> bool:
    """True when an earlier run left exactly ``n`` accounts and months 1-11 in place."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('arrears_account') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT COUNT(*) FROM arrears_account")
        accounts = cursor.fetchone()[0]
        # The month totals name every month with bills, without reading 12 M bills.
        cursor.execute("SELECT COUNT(DISTINCT billing_month) FROM arrears_billmonthtotal")
        months = cursor.fetchone()[0]
    return accounts == n and months >= MONTHS - 1


def reset_measured_month(n: int) -> None:
    """Remove month 12 and the XLSX month with their import records, so the measured imports
    are new months again."""
    from django.db import connection

    from arrears.bulk.partitions import partition_name
    from arrears.services import bill_totals
    from marketing_ops.models import ImportJob
    from marketing_ops.periods import Month

    measured = [month_list()[-1], xlsx_month()]
    with connection.cursor() as cursor:
        for year, month in measured:
            cursor.execute(f"DROP TABLE IF EXISTS {partition_name(Month(year, month))}")
            cursor.execute(
                "DELETE FROM arrears_bill WHERE billing_month = %s", [dt.date(year, month, 1)]
            )
    bill_totals.refresh([dt.date(year, month, 1) for year, month in measured])
    ImportJob.objects.filter(
        dataset="bills", file_name__in=[bills_file(n, *measured[0]).name, xlsx_file(n).name]
    ).delete()


def xlsx_month() -> tuple[int, int]:
    year, month = month_list()[-1]
    return (year + 1, 1) if month == 12 else (year, month + 1)


def xlsx_file(n: int) -> Path:
    """(e) An XLSX of XLSX_ROWS bills for the month after month 12, numbers and dates as typed
    cells as a spreadsheet holds them; written once from month 12's CSV (openpyxl)."""
    from openpyxl import Workbook

    year, month = xlsx_month()
    target = DATA / f"bills-{n}-{year:04d}-{month:02d}-{XLSX_ROWS}.xlsx"
    if target.exists():
        return target
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("bills")
    sheet.append(["account_no", "billing_month", "amount_billed", "amount_paid", "paid_on"])
    last_year, last_month = month_list()[-1]
    paid_day = dt.date(year + (month == 12), month % 12 + 1, 15)
    with bills_file(n, last_year, last_month).open(encoding="utf-8") as source:
        next(source)
        for _, line in zip(range(XLSX_ROWS), source, strict=False):
            account, _, billed, paid, paid_on = line.rstrip("\n").split(",")
            day = paid_day if paid_on else None
            sheet.append([account, f"{year:04d}-{month:02d}", float(billed), float(paid), day])
    tmp = target.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.rename(target)
    return target


def run_import(dataset: str, path: Path) -> dict:
    """Run one import in a child process so its peak memory is its own."""
    answer = subprocess.run(
        [sys.executable, __file__, "_import", dataset, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def cpu_busy_seconds() -> float | None:
    """CPU time the whole machine has spent busy since it booted, all cores together (Linux's
    /proc/stat); None where there is no such file. The difference over an import is the work
    of every process it runs on (its own, the database's backends), and of anything else busy
    at the time: measure on a quiet machine."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cores() -> int:
    """The cores this process may run on (the database is assumed to run on the same)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def child_import(dataset: str, path: str) -> None:
    """(b) and (d): the import end to end, then the snapshot, in this process."""
    from django.contrib.auth import get_user_model

    import arrears.imports
    from arrears.tasks import take_snapshots
    from marketing_ops import tabular
    from marketing_ops.services import import_submit

    # The snapshot that follows every import is timed apart (it is not part of the write).
    arrears.imports._schedule_snapshots = lambda ctx: None
    phases = {"stage": 0.0, "apply": 0.0, "copy_csv": 0.0, "apply_copied": 0.0}
    dataset_class = tabular.get_dataset(dataset)

    def timed(name: str, method):
        def run(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - started

        return run

    for name in phases:
        setattr(dataset_class, name, timed(name, getattr(dataset_class, name)))
    user = get_user_model().objects.get(username="bench")
    busy_before = cpu_busy_seconds()
    started = time.perf_counter()
    with open(path, "rb") as source:
        job = import_submit(
            dataset=dataset, fileobj=source, file_name=Path(path).name, user=user, background=False
        )
    imported = time.perf_counter()
    busy_after = cpu_busy_seconds()
    if dataset == "bills":
        take_snapshots(dt.date.today().isoformat())  # VACUUM ANALYZE, then the snapshots
    finished = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": job.status,
                "rows": job.rows,
                "applied": job.applied,
                "errors": job.errors[:3],
                "import_s": imported - started,
                "stage_s": phases["stage"] + phases["copy_csv"],
                "apply_s": phases["apply"] + phases["apply_copied"],
                "direct": phases["stage"] == 0.0,
                "snapshot_s": finished - imported,
                "cpu_busy_s": None if busy_before is None else busy_after - busy_before,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def raw_copy(path: Path) -> float:
    """(a) COPY of the file into a bare table with no index, through the same client."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_bills")
        cursor.execute(
            "CREATE TABLE bench_raw_bills (account_no text, billing_month text, "
            "amount_billed numeric(14,2), amount_paid numeric(14,2), paid_on date)"
        )
        started = time.perf_counter()
        with path.open(encoding="utf-8") as source:
            cursor.copy_expert("COPY bench_raw_bills FROM STDIN WITH (FORMAT csv, HEADER)", source)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_bills")
    return elapsed


def time_selectors(as_of: dt.date, repeat: int = 5) -> dict[str, list[float]]:
    """(c) The dashboard's recovery and ageing reads for a city-wide user."""
    from django.contrib.auth import get_user_model

    from arrears.selectors import indicators
    from marketing_ops.periods import Month

    user = get_user_model().objects.get(username="bench")
    month = Month.of(as_of).previous()
    timings: dict[str, list[float]] = {"recovery": [], "ageing": []}
    for _ in range(repeat):
        started = time.perf_counter()
        indicators.recovery(user, month)
        timings["recovery"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        indicators.ageing(user, as_of)
        timings["ageing"].append((time.perf_counter() - started) * 1000)
    return timings


#: Requests timed at full size: (label, URL, user, measured against the dashboard target).
PAGES = [
    ("dashboard page, city", "/arrears/?as_of={as_of}", "bench", True),
    ("recovery API, city", "/api/v1/arrears/recovery/?month={month}", "bench", True),
    ("ageing API, city", "/api/v1/arrears/ageing/?as_of={as_of}", "bench", True),
    ("worklist page, county C03", "/arrears/worklist/?as_of={as_of}", "bench_c03", False),
    ("worklist page, city", "/arrears/worklist/?as_of={as_of}", "bench", False),
]


def time_pages(as_of: dt.date, repeat: int = 5) -> list[tuple[str, bool, list[float]]]:
    """(c) Whole requests through Django (middleware, views, templates; no network), as a
    city-wide user and as county staff of C03. The first request of each warms up, untimed."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from marketing_ops.periods import Month
    from marketing_ops.services import user_create_or_update

    settings.ALLOWED_HOSTS = ["testserver"]
    user_create_or_update(username="bench_c03", role="county_staff", county_code="C03")
    users = get_user_model().objects.in_bulk(["bench", "bench_c03"], field_name="username")
    month = Month.of(as_of).previous()
    timings = []
    for label, url, username, targeted in PAGES:
        client = Client()
        client.force_login(users[username])
        url = url.format(as_of=as_of.isoformat(), month=month)
        if client.get(url).status_code != 200:
            sys.exit(f"{url} as {username} did not answer 200")
        values = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            values.append((time.perf_counter() - started) * 1000)
        timings.append((label, targeted, values))
    return timings


def verdict(ok: bool) -> str:
    return "meets target" if ok else "BELOW TARGET"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        setup_django(os.environ["DATABASE_URL"])
        child_import(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep accounts and months 1-11 from an earlier run of the same size; measure only",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="measure (a) then (b) this many times, month 12 removed before each; the medians "
        "and the median of the runs' ratios are reported (the machine's speed drifts)",
    )
    parser.add_argument(
        "--wipe-ok",
        action="store_true",
        help="allow a database whose name does not contain 'bench' (its arrears are emptied)",
    )
    args = parser.parse_args()
    url = args.database_url
    check_database(url, empties="the arrears tables", default=DEFAULT_URL, wipe_ok=args.wipe_ok)
    n = args.accounts
    print(f"Arrears benchmark: {n:,} accounts x {MONTHS} months on {url.rsplit('@', 1)[-1]}")
    started = time.perf_counter()
    generate(n)
    print(f"  data: bench/data/ ready in {time.perf_counter() - started:.1f} s")
    ensure_database(url)
    setup_django(url)
    if args.reuse and loaded(n):
        print("  reusing the accounts and months 1-11 of an earlier run (--reuse)")
        reset_measured_month(n)
    else:
        prepare(n)

    year, month = month_list()[-1]
    measured = bills_file(n, year, month)
    runs = []  # (raw COPY seconds, the import's result), one pair per repeat
    for repeat in range(max(1, args.repeat)):
        if repeat:
            reset_measured_month(n)
        raw_s = raw_copy(measured)
        result = run_import("bills", measured)
        if result["status"] != "done":
            sys.exit(f"the measured import failed: {result['errors']}")
        print(
            f"  run {repeat + 1}: (a) raw COPY {raw_s:.2f} s, (b) our import "
            f"{result['import_s']:.2f} s, ratio {raw_s / result['import_s']:.2f}"
        )
        runs.append((raw_s, result))
    # The run whose import took the median time stands for the split and the memory figure.
    runs.sort(key=lambda run: run[1]["import_s"])
    result = runs[len(runs) // 2][1]
    rows = result["rows"]
    raw_s = statistics.median(raw for raw, _ in runs)
    import_s = statistics.median(run["import_s"] for _, run in runs)
    raw_rate, import_rate = rows / raw_s, rows / import_s
    ratio = statistics.median(raw / run["import_s"] for raw, run in runs)
    ratios = sorted(raw / run["import_s"] for raw, run in runs)
    peak_mb = max(run["peak_mb"] for _, run in runs)

    as_of = dt.date(year + (month == 12), month % 12 + 1, 20)
    timings = time_selectors(as_of)
    pages = time_pages(as_of)
    xlsx = run_import("bills", xlsx_file(n))
    if xlsx["status"] != "done":
        sys.exit(f"the measured XLSX import failed: {xlsx['errors']}")
    xlsx_rate = xlsx["rows"] / xlsx["import_s"]

    print()
    print(
        f"Results for one month-file of {rows:,} bills ({n:,} accounts, "
        f"{n * MONTHS:,} bills in the table); (a) and (b) are medians of {len(runs)} runs:"
    )
    print(f"  (a) raw COPY into a bare table   {raw_s:7.2f} s  {raw_rate:>10,.0f} rows/s")
    print(
        f"  (b) our import end to end        {import_s:7.2f} s  {import_rate:>10,.0f} rows/s"
        f"   target >= {TARGETS['import_rows_per_s']:,}: "
        f"{verdict(import_rate >= TARGETS['import_rows_per_s'])}"
    )
    print(
        f"      ratio b/a (speed)            {ratio:7.2f}               "
        f"target >= {TARGETS['ratio']:.2f} (1/5): "
        f"{verdict(ratio >= TARGETS['ratio'])}"
        + (f"  (runs: {', '.join(f'{r:.2f}' for r in ratios)})" if len(runs) > 1 else "")
    )
    other_s = import_s - result["stage_s"] - result["apply_s"]
    if result["direct"]:
        print(
            f"      of which (direct CSV load): hash, limits and header {other_s:.2f} s, COPY "
            f"of the file {result['stage_s']:.2f} s, checks + month rebuild "
            f"{result['apply_s']:.2f} s"
        )
    else:
        print(
            f"      of which (row-by-row pass): hash + parse + validate {other_s:.2f} s, COPY to "
            f"staging {result['stage_s']:.2f} s, checks + write {result['apply_s']:.2f} s"
        )
    busy = [run["cpu_busy_s"] for _, run in runs if run.get("cpu_busy_s") is not None]
    if busy:
        # The floor: all the import's CPU work spread evenly over every core the whole time.
        cpu_s, n_cores = statistics.median(busy), cores()
        print(
            f"      CPU busy, whole machine      {cpu_s:7.2f} core-s on {n_cores} cores: "
            f"{cpu_s / n_cores:.2f} s at the least, however spread "
            f"(the target, 1/5 of the raw COPY's speed, allows {raw_s / TARGETS['ratio']:.2f} s)"
        )
    print(
        f"      vacuum + snapshot, after     {result['snapshot_s']:7.2f} s  (after commit, apart)"
    )
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"  (c) {name:<8} selector           median {median:7.1f} ms, best "
            f"{min(values):7.1f} ms   target <= {TARGETS['selector_ms']} ms: "
            f"{verdict(median <= TARGETS['selector_ms'])}"
        )
    for label, targeted, values in pages:
        median = statistics.median(values)
        goal = (
            f"target <= {TARGETS['selector_ms']} ms: {verdict(median <= TARGETS['selector_ms'])}"
            if targeted
            else "(no target at this size)"
        )
        print(f"  (c) {label:<27} median {median:7.1f} ms, best {min(values):7.1f} ms   {goal}")
    print(
        f"  (e) XLSX import, {xlsx['rows']:,} rows    {xlsx['import_s']:7.2f} s  "
        f"{xlsx_rate:>10,.0f} rows/s   target >= {TARGETS['xlsx_rows_per_s']:,}: "
        f"{verdict(xlsx_rate >= TARGETS['xlsx_rows_per_s'])}"
    )
    print(
        f"  (d) peak memory of the import    {peak_mb:7.1f} MB"
        f"              target <= {TARGETS['peak_mb']} MB: "
        f"{verdict(peak_mb <= TARGETS['peak_mb'])}"
    )


if __name__ == "__main__":
    main()
