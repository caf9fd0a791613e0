"""A Celery worker killed (``kill -9``) in the middle of a bills import: the import becomes
``failed`` once its lease runs out, nothing of it is in the bills, and the same file imports
(skipped without REDIS_URL and PostgreSQL: the worker is a real process on the real broker)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from arrears.models import Account, Bill
from marketing_ops.celery import app
from marketing_ops.models import ImportJob
from marketing_ops.services import import_submit
from marketing_ops.tabular import import_jobs_fail_stale
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.celery_worker

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 20_000
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
LEASE_SECONDS = 3


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not reached within {seconds}s")


@pytest.fixture
def short_lease(transactional_db, settings) -> None:
    """Processes of their own on the test database (PostgreSQL: committed data they can see),
    and a lease of a few seconds."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and PostgreSQL: real processes on the real broker")
    settings.IMPORT_JOB_LEASE_SECONDS = LEASE_SECONDS


@pytest.fixture
def worker_process(short_lease, settings) -> Iterator[subprocess.Popen]:
    """A Celery worker in its own process (solo pool: the import runs in the process that is
    killed), on the test database and the Redis of REDIS_URL."""
    app.conf.task_always_eager = False
    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "IMPORT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketing_ops", "worker", "--pool=solo"]
        + ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield worker
    if worker.poll() is None:
        worker.kill()
    worker.wait()
    app.control.purge()
    app.conf.task_always_eager = True


def test_a_worker_killed_mid_import_leaves_a_failed_job_no_bills_and_the_file_importable(
    worker_process, admin_user, county_a, broadband
):
    accounts = ACCOUNT_HEADER + "".join(
        f"K-{n},C01,BROADBAND,Customer {n},2020-01-01,active,,,\n" for n in range(ACCOUNTS)
    )
    loaded = import_submit(
        dataset="accounts",
        fileobj=io.BytesIO(accounts.encode()),
        file_name="accounts.csv",
        user=admin_user,
        background=False,
    )
    assert loaded.status == ImportJob.Status.DONE, loaded.errors
    # Twelve months of bills (240,000 rows); the first month written " 2025-01" takes the
    # row-by-row pass, which reports its progress, so the kill lands while the file is read.
    bills = BILL_HEADER + "".join(
        f"K-{n},{' ' if not (n or m) else ''}{month},100.00,{n % 100}.00,\n"
        for m, month in enumerate(MONTHS)
        for n in range(ACCOUNTS)
    )
    content = bills.encode()
    job = import_submit(
        dataset="bills",
        fileobj=io.BytesIO(content),
        file_name="bills.csv",
        user=admin_user,
        background=True,
    )

    def reading() -> bool:
        job.refresh_from_db()
        return job.status == ImportJob.Status.RUNNING and job.rows > 0

    wait_until(reading, seconds=120)
    os.kill(worker_process.pid, signal.SIGKILL)
    worker_process.wait()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # what the page showed for ever before

    time.sleep(LEASE_SECONDS + 0.5)
    assert import_jobs_fail_stale() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was applied" in job.errors[0]["message"]
    assert not Bill.objects.exists()

    again = import_submit(
        dataset="bills",
        fileobj=io.BytesIO(content),
        file_name="bills.csv",
        user=admin_user,
        background=False,
    )
    assert again.status == ImportJob.Status.DONE, again.errors
    assert Bill.objects.count() == ACCOUNTS * len(MONTHS) == again.applied
    assert Account.objects.count() == ACCOUNTS


def test_an_import_killed_while_it_runs_in_the_foreground_fails_once_its_lease_runs_out(
    short_lease, tmp_path, admin_user, county_a, broadband
):
    """A foreground import (a web request, or here the command line: the same path) whose
    process is killed — gunicorn's timeout does that to a web worker — ends the same way."""
    accounts = ACCOUNT_HEADER + "".join(
        f"F-{n},C01,BROADBAND,Customer {n},2020-01-01,active,,,\n" for n in range(ACCOUNTS)
    )
    path = tmp_path / "accounts.csv"
    path.write_text(accounts)
    env = {**os.environ, "DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING"}
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_data", "accounts", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: ImportJob.objects.filter(status="running", rows__gt=0).exists(), 120)
    finally:
        command.kill()
        command.wait()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.RUNNING
    time.sleep(LEASE_SECONDS + 0.5)
    assert import_jobs_fail_stale() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "nothing was applied" in job.errors[0]["message"]
    assert not Account.objects.exists()
    again = import_submit(
        dataset="accounts",
        fileobj=io.BytesIO(accounts.encode()),
        file_name="accounts.csv",
        user=admin_user,
        background=False,
    )
    assert again.status == ImportJob.Status.DONE, again.errors
    assert Account.objects.count() == ACCOUNTS
