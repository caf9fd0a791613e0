"""The worker-kill trial (bench/README.md#worker-kills), on PostgreSQL and Redis.

``--kills`` times (default 10): a real Celery worker process starts, a bills file of one month
is queued for it, and once the import is running the worker is killed with ``kill -9`` at a
random moment (up to ``--max-delay`` seconds later). Trials alternate: a solo worker killed
whole (the import dies with it), and a prefork worker whose pool child running the import is
killed (the worker hands the task back, its second delivery must do nothing); every other file
has a padded first month, so it takes the row-by-row pass instead of the direct load. Then
this script plays beat: it sweeps (``import_jobs_fail_stale``) until the job has finished.

Each trial must end with the job ``failed`` (the worker-lost message) or ``done``, never
running; the month's bills all there (done) or none (failed); and the same file imported again
inline: ``done`` with every bill after a failure, refused as already imported after a done.

    .venv/bin/python bench/worker_kills.py [--kills 10] [--accounts 200000] [--seed 1]
        [--database-url postgres://…/mo_bench_kills] [--redis-url redis://127.0.0.1:6379/15]

Exit status 1 when any trial breaks a rule.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, ensure_database, reset_arrears_tables

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mo_bench_kills"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
LEASE_SECONDS = 4
HEADER = "account_no,billing_month,amount_billed,amount_paid,paid_on\n"


@dataclass
class Trial:
    number: int
    mode: str  # "solo" (the worker killed) or "child" (its pool child killed)
    path: str  # "direct" or "row-by-row"
    delay: float
    rows_at_kill: int = 0
    status: str = ""
    bills: int = 0
    expected: int = 0
    again: str = ""
    problem: str = ""


def setup(url: str, redis_url: str, media: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = redis_url
    os.environ["MEDIA_ROOT"] = media
    os.environ["IMPORT_JOB_LEASE_SECONDS"] = str(LEASE_SECONDS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketing_ops.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(accounts: int) -> object:
    """Migrate, reset the arrears tables and jobs, import the accounts (inline)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from marketing_ops.models import BusinessLine, County, ImportJob
    from marketing_ops.services import import_submit

    call_command("migrate", verbosity=0)
    County.objects.update_or_create(code="C01", defaults={"name": "County C01", "sort_order": 1})
    BusinessLine.objects.get_or_create(code="BROADBAND", defaults={"name": "Broadband"})
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first() or (
        user_model.objects.create_superuser("bench", "bench@example.com", "bench")
    )
    reset_arrears_tables()
    ImportJob.objects.all().delete()
    text = "".join(
        f"K{n:08d},C01,BROADBAND,Customer {n},2020-01-01,active,,,\n" for n in range(accounts)
    )
    job = import_submit(
        dataset="accounts",
        fileobj=io.BytesIO(
            (
                "account_no,county_code,business_line,customer_name,opened_on,status,"
                "status_changed_on,contract_end,deposit\n" + text
            ).encode()
        ),
        file_name="accounts.csv",
        user=user,
        background=False,
    )
    if job.status != "done":
        raise SystemExit(f"accounts import failed: {job.errors[:3]}")
    return user


def bills(accounts: int, month: str, padded: bool) -> bytes:
    first = f" {month}" if padded else month
    rows = [
        f"K{n:08d},{first if n == 0 else month},{100 + n % 50}.00,{n % 90}.00,\n"
        for n in range(accounts)
    ]
    return (HEADER + "".join(rows)).encode()


def start_worker(mode: str, env: dict[str, str]) -> subprocess.Popen:
    pool = ["--pool=solo"] if mode == "solo" else ["--pool=prefork", "--concurrency=1"]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketing_ops",
            "worker",
            *pool,
            "--loglevel=ERROR",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def pool_child(worker: subprocess.Popen) -> int | None:
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    children = path.read_text().split() if path.exists() else []
    return int(children[0]) if children else None


def run_trial(trial: Trial, user: object, accounts: int, env: dict[str, str]) -> Trial:
    import datetime as dt

    from arrears.models import Bill
    from marketing_ops.models import ImportJob
    from marketing_ops.services import import_submit
    from marketing_ops.tabular import import_jobs_fail_stale

    month = f"{2024 + trial.number // 12:04d}-{trial.number % 12 + 1:02d}"
    content = bills(accounts, month, padded=trial.path == "row-by-row")
    first_day = dt.date.fromisoformat(month + "-01")
    trial.expected = accounts

    def submit(background: bool) -> ImportJob:
        """The trial's month of bills, submitted afresh."""
        return import_submit(
            dataset="bills",
            fileobj=io.BytesIO(content),
            file_name=f"bills-{month}.csv",
            user=user,
            background=background,
        )

    worker = start_worker(trial.mode, env)
    try:
        job = submit(background=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status != "queued":
                break
            time.sleep(0.02)
        else:
            trial.problem = "never started"
            return trial
        time.sleep(trial.delay)
        job.refresh_from_db()
        trial.rows_at_kill = job.rows
        victim = worker.pid if trial.mode == "solo" else pool_child(worker)
        if victim:
            os.kill(victim, signal.SIGKILL)
        # Beat's part: sweep until the job has finished.
        deadline = time.monotonic() + LEASE_SECONDS * 10 + 60
        while time.monotonic() < deadline:
            import_jobs_fail_stale()
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.5)
        trial.status = job.status
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
    trial.bills = Bill.objects.filter(billing_month=first_day).count()
    if trial.status == "failed" and trial.bills:
        trial.problem = f"failed but {trial.bills} bills written"
    elif trial.status == "done" and trial.bills != accounts:
        trial.problem = f"done but {trial.bills} of {accounts} bills"
    elif trial.status not in ("done", "failed"):
        trial.problem = f"left {trial.status}"
    again = submit(background=False)
    trial.again = again.status
    after = Bill.objects.filter(billing_month=first_day).count()
    if trial.status == "failed" and (again.status != "done" or after != accounts):
        trial.problem = trial.problem or f"imported again: {again.status}, {after} bills"
    if trial.status == "done" and (
        again.status != "failed" or "already imported" not in again.errors[0]["message"]
    ):
        trial.problem = trial.problem or f"imported twice: {again.status}"
    if ImportJob.objects.filter(status__in=["queued", "running"], dataset="bills").exists():
        trial.problem = trial.problem or "a bills import left queued or running"
    return trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--max-delay", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    args = parser.parse_args()

    ensure_database(args.database_url)
    media = tempfile.mkdtemp(prefix="worker-kills-")
    setup(args.database_url, args.redis_url, media)
    from marketing_ops.celery import app

    app.control.purge()
    print(
        f"worker kills: {args.kills} trials, {args.accounts:,} bills a file, "
        f"lease {LEASE_SECONDS} s"
    )
    user = prepare(args.accounts)
    env = {**os.environ}
    rng = random.Random(args.seed)
    results = []
    for number in range(args.kills):
        trial = Trial(
            number=number,
            mode="solo" if number % 2 == 0 else "child",
            path="direct" if number % 4 < 2 else "row-by-row",
            delay=round(rng.uniform(0, args.max_delay), 2),
        )
        started = time.perf_counter()
        run_trial(trial, user, args.accounts, env)
        print(
            f"  #{number + 1:<2} kill {trial.mode:<5} {trial.path:<10} after {trial.delay:4.2f} s "
            f"(rows read {trial.rows_at_kill:>7,}): {trial.status or '?':<6} "
            f"bills {trial.bills:>7,}/{trial.expected:,}; again: {trial.again:<6} "
            f"{time.perf_counter() - started:5.1f} s  {trial.problem or 'ok'}",
            flush=True,
        )
        results.append(trial)
    app.control.purge()
    failed = sum(t.status == "failed" for t in results)
    done = sum(t.status == "done" for t in results)
    broken = [t for t in results if t.problem]
    print(
        f"{len(results)} kills: {failed} failed, {done} done, "
        f"{len(results) - failed - done} neither; {len(broken)} broke a rule"
    )
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
