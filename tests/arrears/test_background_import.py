"""A bills import through a real Celery worker on Redis (skipped without REDIS_URL)."""

import io
import time

import pytest

from arrears.models import ArrearsSnapshot, Bill
from marketing_ops.models import ImportJob
from marketing_ops.services import import_submit
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.celery_worker


def wait_until(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached within {seconds}s")


def finished(job: ImportJob) -> ImportJob:
    def done() -> bool:
        job.refresh_from_db()
        return job.finished

    wait_until(done)
    return job


def test_a_bills_import_reaches_done_through_a_real_worker_and_snapshots_follow(
    celery_worker_live, admin_user, county_a, broadband
):
    accounts = ACCOUNT_HEADER + "".join(
        f"A-{n},C01,BROADBAND,Customer {n},2020-01-01,active,,,\n" for n in range(50)
    )
    job = import_submit(
        dataset="accounts",
        fileobj=io.BytesIO(accounts.encode()),
        file_name="accounts.csv",
        user=admin_user,
        background=True,
    )
    assert job.status == ImportJob.Status.QUEUED
    assert finished(job).status == ImportJob.Status.DONE, job.errors

    bills = BILL_HEADER + "".join(f"A-{n},2026-03,100.00,{n}.00,\n" for n in range(50))
    job = import_submit(
        dataset="bills",
        fileobj=io.BytesIO(bills.encode()),
        file_name="bills.csv",
        user=admin_user,
        background=True,
    )
    assert job.status == ImportJob.Status.QUEUED
    job = finished(job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.rows, job.applied) == (50, 50)
    assert Bill.objects.filter(county=county_a).count() == 50
    # The snapshot task queued on commit runs on the worker too.
    wait_until(lambda: ArrearsSnapshot.objects.filter(county=county_a, billed__gt=0).exists())
