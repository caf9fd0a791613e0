"""Audit rules at city scale (bench/README.md#audit-rules), on PostgreSQL, in one run.

A deterministic city of 30 counties and ``--accounts`` accounts (default 1,000,000) with three
months of bills and deposits on record, and ``--days`` days (default 100) of refund and dismantle
history, 20,000 rows a day (2,000,000 rows), whose rules hit a few percent. The history is
written as CSV under bench/data/ (reused when present) and loaded set-based (``COPY`` into
staging tables, one ``INSERT … SELECT`` each); the verification items of the history come from
the real rules, run once over it.

Then the next day's 8,000 dismantles and 12,000 refunds are imported through the upload pipeline
(``import_submit`` → ``run_job``: the datasets ``dismantles`` then ``refunds``, their upsert on
``order_no`` and the rules R1–R6 after each write, in the import's transaction), end to end,
``--repeat`` times (default 3; the day removed before each), against the §13 target (≤ 5 s for
the day), with the split by phase: read + validate, write, each rule, the items' insert.

    .venv/bin/python bench/audits.py [--reuse] [--repeat 3] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, check_database, ensure_database, reset_arrears_tables, setup_django

DATA = ROOT / "bench" / "data"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_audits"
COUNTIES = [f"C{i:02d}" for i in range(1, 31)]
LINES = ["BROADBAND", "FIXED_PHONE", "DEDICATED_LINE", "PUBLIC_PHONE"]
#: Deposit on record per line (none on the fixed phone).
DEPOSITS = {"BROADBAND": "100.00", "DEDICATED_LINE": "300.00", "PUBLIC_PHONE": "50.00"}
#: The day measured; the history is the ``--days`` days before it.
DAY = dt.date(2026, 11, 30)
#: Bills on record: the three months before the day's month (those R5 reads, and the month not
#: due yet).
BILL_MONTHS = [dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
REFUNDS_A_DAY = 12_000
DISMANTLES_A_DAY = 8_000
SEED = 20261205
TARGET_S = 5.0
RULES = ("R1", "R2", "R3", "R4", "R5", "R6")

REFUND_COLUMNS = "business_date,county_code,account_no,order_no,refund_type,amount,operator"
DISMANTLE_COLUMNS = (
    "business_date,county_code,account_no,order_no,business_line,terminal_serial,"
    "terminal_returned,reason"
)


# --------------------------------------------------------------------------- data


def account_no(i: int) -> str:
    return f"AC{i:08d}"


def county_of(i: int) -> str:
    # Counties of different sizes: the first ones are the city's districts.
    return COUNTIES[(i * 7919 + (i % 7) * (i % 11)) % 30]


def line_of(i: int) -> str:
    slot = (i * 31) % 100
    return LINES[0] if slot < 55 else LINES[1] if slot < 90 else LINES[2] if slot < 97 else LINES[3]


def payer_of(i: int) -> str:
    """P pays in full on time, L pays in full late, U leaves bills unpaid."""
    slot = (i * 53 + 17) % 1000
    return "U" if slot < 30 else "L" if slot < 60 else "P"


def accounts_file(n: int) -> Path:
    return DATA / f"audits-accounts-{n}.csv"


def bills_file(n: int) -> Path:
    return DATA / f"audits-bills-{n}.csv"


def history_file(kind: str, n: int, days: int) -> Path:
    return DATA / f"audits-{kind}-{n}-{days}d-{DAY:%Y%m%d}.csv"


def day_file(kind: str, n: int, days: int) -> Path:
    return DATA / f"audits-{kind}-{n}-{days}d-{DAY:%Y%m%d}-day.csv"


def _write(target: Path, header: str, lines) -> None:
    if target.exists():
        return
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 50_000:
                out.writelines(chunk)
                chunk = []
        out.writelines(chunk)
    tmp.rename(target)


def _accounts(n: int):
    for i in range(n):
        line = line_of(i)
        yield (
            f"{account_no(i)},{county_of(i)},{line},Customer {i},"
            f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d},{DEPOSITS.get(line, '')}\n"
        )


def _bills(n: int):
    rng = random.Random(SEED)
    for month in BILL_MONTHS:
        due = (month.replace(day=28) + dt.timedelta(days=40)).replace(day=1) - dt.timedelta(1)
        for i in range(n):
            fee = (29, 39, 59, 89, 129, 199)[i % 6]
            cents = rng.randrange(0, 4000)
            billed = f"{fee + cents // 100}.{cents % 100:02d}"
            kind = payer_of(i)
            if kind == "P":
                yield f"{account_no(i)},{month},{billed},{billed},{due - dt.timedelta(9)}\n"
            elif kind == "L":
                yield f"{account_no(i)},{month},{billed},{billed},{due + dt.timedelta(20)}\n"
            else:
                yield f"{account_no(i)},{month},{billed},0.00,\n"


class _Days:
    """Refunds and dismantles day by day, with a few percent of rule hits:
    R1 ~1 % of the non-deposit refunds repeat one of the last 30 days; R2 ~3 % of the deposit
    refunds name an account without a dismantle; R3 ~1 % refund more than the deposit; R4 ~3 %
    of the dismantles on a terminal line keep the terminal; R5 follows the ~3 % of accounts that
    leave bills unpaid; R6 ~1 % of the other refunds are above the threshold."""

    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.dismantled: dict[dt.date, list[int]] = defaultdict(list)
        self.recent: dict[dt.date, list[tuple[int, str, str, str]]] = defaultdict(list)
        self.refunded: set[int] = set()
        self.dismantles = 0

    def day(self, day: dt.date) -> tuple[list[str], list[str]]:
        rng, n = self.rng, self.n
        dismantles = []
        for seq in range(DISMANTLES_A_DAY):
            # Each account is dismantled once (a walk through the accounts by a prime step).
            i = (self.dismantles * 1_000_003 + 12_345) % n
            self.dismantles += 1
            line = line_of(i)
            terminal = line != "FIXED_PHONE"
            returned = "N" if not terminal or rng.random() < 0.03 else "Y"
            serial = f"T{i:09d}" if terminal else ""
            reason = ("moved", "contract ended", "switched provider", "unpaid")[seq % 4]
            dismantles.append(
                f"{day},{county_of(i)},{account_no(i)},DM{day:%Y%m%d}{seq:06d},{line},{serial},"
                f"{returned},{reason}\n"
            )
            self.dismantled[day].append(i)
        # Deposit refunds follow the dismantles of the last days (each dismantled account with a
        # deposit is refunded once).
        pool = [
            i
            for back in range(6)
            for i in self.dismantled.get(day - dt.timedelta(back), [])
            if i not in self.refunded and line_of(i) in DEPOSITS
        ]
        rng.shuffle(pool)
        earlier = [
            r for back in range(1, 31) for r in self.recent.get(day - dt.timedelta(back), [])
        ]
        refunds = []
        for seq in range(REFUNDS_A_DAY):
            roll = rng.random()
            if roll < 0.35:
                kind = "deposit"
                # ~3 % name an account that was not dismantled around the day (R2).
                i = rng.randrange(n) if rng.random() < 0.03 or not pool else pool.pop()
                self.refunded.add(i)
                deposit = DEPOSITS.get(line_of(i), "100.00")
                amount = deposit if rng.random() >= 0.01 else f"{float(deposit) + 50:.2f}"
            else:
                kind = "prepaid" if roll < 0.70 else "overcharge" if roll < 0.90 else "other"
                if earlier and rng.random() < 0.01:
                    i, kind, amount, _ = rng.choice(earlier)
                else:
                    i = rng.randrange(n)
                    cents = (
                        rng.randrange(100_001, 500_000)
                        if rng.random() < 0.01
                        else rng.randrange(500, 80_000)
                    )
                    amount = f"{cents // 100}.{cents % 100:02d}"
                if seq % 50 == 0:
                    self.recent[day].append((i, kind, amount, ""))
            refunds.append(
                f"{day},{county_of(i)},{account_no(i)},RF{day:%Y%m%d}{seq:06d},{kind},{amount},"
                f"op-{county_of(i).lower()}\n"
            )
        self.dismantled.pop(day - dt.timedelta(10), None)
        self.recent.pop(day - dt.timedelta(31), None)
        return refunds, dismantles


def generate(n: int, days: int) -> None:
    """Write accounts, bills, the history and the day measured, deterministically."""
    DATA.mkdir(parents=True, exist_ok=True)
    _write(
        accounts_file(n),
        "account_no,county_code,business_line,name,opened_on,deposit",
        _accounts(n),
    )
    _write(bills_file(n), "account_no,billing_month,amount_billed,amount_paid,paid_on", _bills(n))
    targets = [
        history_file("refunds", n, days),
        history_file("dismantles", n, days),
        day_file("refunds", n, days),
        day_file("dismantles", n, days),
    ]
    if all(path.exists() for path in targets):
        return
    maker = _Days(n, SEED)
    tmp = [path.with_suffix(".tmp") for path in targets]
    outs = [path.open("w", encoding="utf-8") for path in tmp]
    try:
        for out, header in zip(outs, [REFUND_COLUMNS, DISMANTLE_COLUMNS] * 2, strict=True):
            out.write(header + "\n")
        for back in range(days, -1, -1):
            refunds, dismantles = maker.day(DAY - dt.timedelta(back))
            first = 0 if back else 2
            outs[first].writelines(refunds)
            outs[first + 1].writelines(dismantles)
    finally:
        for out in outs:
            out.close()
    for source, target in zip(tmp, targets, strict=True):
        source.rename(target)


# --------------------------------------------------------------------------- database


def _copy(cursor, table: str, columns: str, path: Path) -> None:
    with path.open(encoding="utf-8") as source:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER)", source)


def prepare(n: int, days: int) -> None:
    """Migrate, empty the tables, load counties, accounts, bills and the history set-based,
    then run the rules once over the history (its verification items)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from arrears.bulk.partitions import partition_name
    from marketing_ops.models import County, ImportJob
    from marketing_ops.periods import Month

    call_command("migrate", verbosity=0)
    for order, code in enumerate(COUNTIES, start=1):
        County.objects.update_or_create(
            code=code, defaults={"name": f"County {code}", "sort_order": order, "active": True}
        )
    user_model = get_user_model()
    if not user_model.objects.filter(username="bench").exists():
        user_model.objects.create_superuser("bench", "bench@example.com", "bench")
    ImportJob.objects.filter(dataset__in=["refunds", "dismantles"]).delete()
    reset_arrears_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE audits_verificationitem, audits_refundrecord, audits_dismantlerecord"
        )
        for month in BILL_MONTHS:
            cursor.execute(
                f"CREATE TABLE {partition_name(Month.of(month))} PARTITION OF arrears_bill "
                "FOR VALUES FROM (%s) TO (%s)",
                [month, Month.of(month).next().first_day],
            )

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE load_accounts (account_no text, county_code text, line text, "
            "name text, opened_on date, deposit numeric(14, 2)) ON COMMIT DROP"
        )
        _copy(
            cursor,
            "load_accounts",
            "account_no, county_code, line, name, opened_on, deposit",
            accounts_file(n),
        )
        cursor.execute(
            "INSERT INTO arrears_account (account_no, customer_name, opened_on, status, deposit, "
            "business_line_id, county_id, address, contact_phone) "
            "SELECT a.account_no, a.name, a.opened_on, 'active', a.deposit, l.id, c.id, '', '' "
            "FROM load_accounts a JOIN marketing_ops_county c ON c.code = a.county_code "
            "JOIN marketing_ops_businessline l ON l.code = a.line"
        )
    print(f"  accounts: {n:,} loaded in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE load_bills (account_no text, billing_month date, "
            "amount_billed numeric(14, 2), amount_paid numeric(14, 2), paid_on date) "
            "ON COMMIT DROP"
        )
        _copy(
            cursor,
            "load_bills",
            "account_no, billing_month, amount_billed, amount_paid, paid_on",
            bills_file(n),
        )
        cursor.execute(
            "INSERT INTO arrears_bill (billing_month, amount_billed, amount_paid, paid_on, "
            "account_id, county_id) SELECT b.billing_month, b.amount_billed, b.amount_paid, "
            "b.paid_on, a.id, a.county_id FROM load_bills b "
            "JOIN arrears_account a ON a.account_no = b.account_no"
        )
    print(
        f"  bills: {n * len(BILL_MONTHS):,} ({len(BILL_MONTHS)} months) loaded in "
        f"{time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE load_refunds (business_date date, county_code text, "
            "account_no text, order_no text, refund_type text, amount numeric(14, 2), "
            "operator text) ON COMMIT DROP"
        )
        _copy(cursor, "load_refunds", REFUND_COLUMNS, history_file("refunds", n, days))
        cursor.execute(
            "INSERT INTO audits_refundrecord (order_no, business_date, account_no, refund_type, "
            "amount, operator, imported_at, county_id) SELECT r.order_no, r.business_date, "
            "r.account_no, r.refund_type, r.amount, r.operator, now(), c.id FROM load_refunds r "
            "JOIN marketing_ops_county c ON c.code = r.county_code ORDER BY r.business_date"
        )
        refunds = cursor.rowcount
        cursor.execute(
            "CREATE TEMP TABLE load_dismantles (business_date date, county_code text, "
            "account_no text, order_no text, business_line text, terminal_serial text, "
            "terminal_returned text, reason text) ON COMMIT DROP"
        )
        _copy(cursor, "load_dismantles", DISMANTLE_COLUMNS, history_file("dismantles", n, days))
        cursor.execute(
            "INSERT INTO audits_dismantlerecord (order_no, business_date, account_no, "
            "terminal_serial, terminal_returned, reason, imported_at, business_line_id, "
            "county_id) SELECT d.order_no, d.business_date, d.account_no, "
            "coalesce(d.terminal_serial, ''), d.terminal_returned = 'Y', coalesce(d.reason, ''), "
            "now(), l.id, c.id FROM load_dismantles d "
            "JOIN marketing_ops_county c ON c.code = d.county_code "
            "JOIN marketing_ops_businessline l ON l.code = d.business_line "
            "ORDER BY d.business_date"
        )
        dismantles = cursor.rowcount
    print(
        f"  history: {refunds:,} refunds and {dismantles:,} dismantles ({refunds + dismantles:,} "
        f"rows, {days} days) loaded in {time.perf_counter() - started:.1f} s"
    )
    analyze()

    from audits.services import rules

    started = time.perf_counter()
    first = DAY - dt.timedelta(days)
    step = 10
    for offset in range(0, days, step):
        start = first + dt.timedelta(offset)
        end = min(start + dt.timedelta(step - 1), DAY - dt.timedelta(1))
        rules.rules_run_dismantles(start=start, end=end)
        rules.rules_run_refunds(start=start, end=end)
    print(
        f"  history: the rules over {days} days in {time.perf_counter() - started:.1f} s, "
        f"items: {item_counts(before=DAY)}"
    )
    analyze()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "arrears_account",
            "arrears_bill",
            "audits_refundrecord",
            "audits_dismantlerecord",
            "audits_verificationitem",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def item_counts(*, before: dt.date | None = None, on: dt.date | None = None) -> str:
    from django.db.models import Count

    from audits.models import VerificationItem

    items = VerificationItem.objects.all()
    if before:
        items = items.filter(business_date__lt=before)
    if on:
        items = items.filter(business_date=on)
    counts = dict(items.values_list("rule").order_by().annotate(n=Count("pk")))
    total = sum(counts.values())
    return f"{total:,} (" + ", ".join(f"{rule} {counts.get(rule, 0):,}" for rule in RULES) + ")"


def loaded(n: int, days: int) -> bool:
    """True when an earlier run left these accounts and this history in place."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('audits_refundrecord') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(
            "SELECT (SELECT count(*) FROM arrears_account), "
            "(SELECT count(*) FROM audits_refundrecord WHERE business_date < %s), "
            "(SELECT count(*) FROM audits_dismantlerecord WHERE business_date < %s), "
            "(SELECT min(business_date) FROM audits_refundrecord)",
            [DAY, DAY],
        )
        accounts, refunds, dismantles, first = cursor.fetchone()
    return (
        accounts == n
        and refunds == REFUNDS_A_DAY * days
        and dismantles == DISMANTLES_A_DAY * days
        and first == DAY - dt.timedelta(days)
    )


def reset_day() -> None:
    """Remove the day measured (its records, their items, the R2 items its dismantles closed
    reopened) and its import records, so that it is a new day again."""
    from django.db import connection

    from marketing_ops.models import ImportJob

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audits_verificationitem SET status = 'open', explained_by = '' "
            "WHERE rule = 'R2' AND status = 'explained' AND explained_by IN "
            "(SELECT order_no FROM audits_dismantlerecord WHERE business_date = %s)",
            [DAY],
        )
        cursor.execute(
            "DELETE FROM audits_verificationitem WHERE refund_id IN (SELECT id FROM "
            "audits_refundrecord WHERE business_date = %s) OR dismantle_id IN (SELECT id FROM "
            "audits_dismantlerecord WHERE business_date = %s)",
            [DAY, DAY],
        )
        cursor.execute("DELETE FROM audits_refundrecord WHERE business_date = %s", [DAY])
        cursor.execute("DELETE FROM audits_dismantlerecord WHERE business_date = %s", [DAY])
    ImportJob.objects.filter(dataset__in=["refunds", "dismantles"]).delete()


# --------------------------------------------------------------------------- measuring


def _schedstat(pid: int | str) -> tuple[float, float] | None:
    """(CPU seconds, seconds waiting for a CPU) of a process so far (Linux), or None."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            on_cpu, waiting = stat.read().split()[:2]
    except (OSError, ValueError):
        return None
    return int(on_cpu) / 1e9, int(waiting) / 1e9


class Clock:
    """Wall time, and the CPU time and the time waiting for a CPU of this process and of its
    PostgreSQL backend (same machine): on a shared machine the wait says how much of the wall
    time was other people's work, and what is left (wall - CPU - wait) is I/O and locks."""

    FIELDS = ("wall", "cpu", "cpu_wait")

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend,) = cursor.fetchone()

    def read(self) -> dict[str, float]:
        values = {"wall": time.perf_counter(), "cpu": 0.0, "cpu_wait": 0.0}
        for pid in ("self", self.backend):
            stat = _schedstat(pid)
            if stat is None:
                return {"wall": values["wall"], "cpu": float("nan"), "cpu_wait": float("nan")}
            values["cpu"] += stat[0]
            values["cpu_wait"] += stat[1]
        return values

    @staticmethod
    def since(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {key: after[key] - before[key] for key in Clock.FIELDS}


class Phases:
    """Time spent in the named functions, patched in their modules for the measurement."""

    def __init__(self):
        self.clock: Clock | None = None
        self.spent: dict[str, dict[str, float]] = {}

    def wrap(self, owner, attribute: str, name: str) -> None:
        method = getattr(owner, attribute)
        phases = self

        def timed(*args, **kwargs):
            clock = phases.clock
            before = clock.read() if clock else None
            try:
                return method(*args, **kwargs)
            finally:
                if clock and before:
                    spent = Clock.since(before, clock.read())
                    total = phases.spent.setdefault(name, dict.fromkeys(Clock.FIELDS, 0.0))
                    for key, value in spent.items():
                        total[key] += value

        setattr(owner, attribute, timed)


def instrument() -> Phases:
    import audits.imports
    from audits.services import records, rules

    phases = Phases()
    phases.wrap(audits.imports.RefundsDataset, "apply", "apply refunds")
    phases.wrap(audits.imports.DismantlesDataset, "apply", "apply dismantles")
    phases.wrap(records, "_upsert_on_order_no", "write")
    for rule in RULES:
        phases.wrap(rules, f"_{rule.lower()}", rule)
    phases.wrap(rules, "_create", "items insert")
    phases.wrap(rules, "_close_explained_r2", "R2 closing")
    return phases


def import_day(n: int, days: int, phases: Phases) -> dict:
    """The day's dismantles, then its refunds, through ``import_submit`` as an upload runs."""
    from django.contrib.auth import get_user_model

    from marketing_ops.services import import_submit

    user = get_user_model().objects.get(username="bench")
    clock = phases.clock = Clock()
    phases.spent = {}
    result: dict = {"rows": 0, "files": {}}
    started = clock.read()
    for dataset in ("dismantles", "refunds"):
        path = day_file(dataset, n, days)
        file_started = clock.read()
        with path.open("rb") as source:
            job = import_submit(
                dataset=dataset, fileobj=source, file_name=path.name, user=user, background=False
            )
        if job.status != "done":
            sys.exit(f"the measured {dataset} import failed: {job.errors[:3]}")
        result["files"][dataset] = (job.rows, Clock.since(file_started, clock.read()))
        result["rows"] += job.rows
    result["total"] = Clock.since(started, clock.read())
    result["total_s"] = result["total"]["wall"]
    result["phases"] = {name: dict(spent) for name, spent in phases.spent.items()}
    phases.clock = None
    return result


def explain() -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each rule's query over the day (after a measured run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.services import rules

    for name, run in (
        ("R1", rules._r1),
        ("R2", rules._r2),
        ("R3", rules._r3),
        ("R4", rules._r4),
        ("R5", rules._r5),
        ("R6", rules._r6),
        ("R2 closing", rules._close_explained_r2),
    ):
        with CaptureQueriesContext(connection) as queries:
            run(DAY, DAY)
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                cursor.execute("ROLLBACK")
            print(f"\n--- {name}: {query['time']} s\n{sql[:400]}\n{plan}")


def verdict(ok: bool) -> str:
    return "meets target" if ok else "BELOW TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument(
        "--days", type=int, default=100, help="days of history, 20,000 rows each (default 100)"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("AUDITS_DATABASE_URL") or DEFAULT_URL
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the accounts, bills and history of an earlier run",
    )
    parser.add_argument("--repeat", type=int, default=3, help="measure the day this many times")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the rules' queries"
    )
    parser.add_argument(
        "--wipe-ok",
        action="store_true",
        help="allow a database whose name does not contain 'bench' (its audits are emptied)",
    )
    args = parser.parse_args()
    url = args.database_url
    check_database(
        url, empties="the audits and arrears tables", default=DEFAULT_URL, wipe_ok=args.wipe_ok
    )
    n, days = args.accounts, args.days
    history_rows = (REFUNDS_A_DAY + DISMANTLES_A_DAY) * days
    print(
        f"Audit rules benchmark: {history_rows:,} rows of refund and dismantle history "
        f"({days} days), {n:,} accounts in {len(COUNTIES)} counties, on {url.rsplit('@', 1)[-1]}"
    )
    started = time.perf_counter()
    generate(n, days)
    print(f"  data: bench/data/ ready in {time.perf_counter() - started:.1f} s")
    ensure_database(url)
    setup_django(url)
    if args.reuse and loaded(n, days):
        print("  reusing the accounts, bills and history of an earlier run (--reuse)")
    else:
        prepare(n, days)

    phases = instrument()
    runs = []
    for repeat in range(max(1, args.repeat)):
        reset_day()
        result = import_day(n, days, phases)
        print(
            f"  run {repeat + 1}: {result['rows']:,} rows imported and checked in "
            f"{result['total_s']:.2f} s; items of the day: {item_counts(on=DAY)}"
        )
        runs.append(result)
    if args.explain:
        explain()

    runs.sort(key=lambda run: run["total_s"])
    median = runs[len(runs) // 2]
    times = [run["total_s"] for run in runs]
    total_s = statistics.median(times)
    p = median["phases"]
    zero = dict.fromkeys(Clock.FIELDS, 0.0)

    def split(spent: dict[str, float]) -> str:
        # The two processes' waits overlap a little (both runnable at once): never below 0.
        rest = max(0.0, spent["wall"] - spent["cpu"] - spent["cpu_wait"])
        return (
            f"{spent['wall']:6.2f} s  (CPU {spent['cpu']:.2f}, waiting for a CPU "
            f"{spent['cpu_wait']:.2f}, I/O and the rest {rest:.2f})"
        )

    def add(*names: str) -> dict[str, float]:
        return {key: sum(p.get(name, zero)[key] for name in names) for key in Clock.FIELDS}

    print()
    print(
        f"Results for one day of {median['rows']:,} refunds and dismantles against "
        f"{history_rows:,} rows of history (median of {len(runs)} runs; the split is the "
        "median run's; CPU is this process and its PostgreSQL backend together):"
    )
    print(
        f"  the day imported and checked by R1-R6, end to end  {total_s:6.2f} s   "
        f"target <= {TARGET_S:.0f} s: {verdict(total_s <= TARGET_S)}"
        + (f"  (runs: {', '.join(f'{r:.2f}' for r in times)})" if len(runs) > 1 else "")
    )
    total = median["total"]
    print(f"    end to end, median run                      {split(total)}")
    print(
        f"    without the wait for a CPU (the machine's other work)  "
        f"{total['wall'] - total['cpu_wait']:6.2f} s   target <= {TARGET_S:.0f} s: "
        f"{verdict(total['wall'] - total['cpu_wait'] <= TARGET_S)}"
        f"   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    for dataset in ("dismantles", "refunds"):
        rows, spent = median["files"][dataset]
        applied = p.get(f"apply {dataset}", zero)
        outside = Clock.since(applied, spent)
        print(f"    {dataset:<10} {rows:>6,} rows                   {split(spent)}")
        print(f"      read + validate + the job record         {split(outside)}")
        print(f"      write + rules (the dataset's apply)      {split(applied)}")
    print(f"    write: upsert on order_no, both files       {split(add('write'))}")
    print(
        f"    rules R1-R6, R2 closing, items insert       "
        f"{split(add(*RULES, 'R2 closing', 'items insert'))}"
    )
    for name in (*RULES, "R2 closing", "items insert"):
        print(f"      {name:<12}                              {split(p.get(name, zero))}")


if __name__ == "__main__":
    main()
