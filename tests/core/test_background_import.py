"""A background import through a real Celery worker on Redis (skipped without REDIS_URL)."""

import io
import time

import pytest

from marketing_ops.models import County, ImportJob
from marketing_ops.services import import_submit

pytestmark = pytest.mark.celery_worker


def wait_until_finished(job: ImportJob, seconds: float = 60) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"import #{job.pk} still {job.status} after {seconds}s")


def test_a_background_import_reaches_done_through_a_real_worker(celery_worker_live, admin_user):
    content = b"code,name,kind\nC31,Thirty-one County,county\nC32,Thirty-two,district\n"
    job = import_submit(
        dataset="counties",
        fileobj=io.BytesIO(content),
        file_name="late.csv",
        user=admin_user,
        background=True,
    )
    assert job.status == ImportJob.Status.QUEUED
    assert job.file  # kept for the worker in the shared media folder
    job = wait_until_finished(job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.rows, job.applied) == (2, 2)
    assert County.objects.filter(code__in=["C31", "C32"]).count() == 2


def test_a_bad_background_import_fails_with_its_errors_through_a_real_worker(
    celery_worker_live, admin_user
):
    content = b"code,name,kind\nC31,Thirty-one County,town\n"
    job = import_submit(
        dataset="counties",
        fileobj=io.BytesIO(content),
        file_name="bad.csv",
        user=admin_user,
        background=True,
    )
    job = wait_until_finished(job)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 2 and job.errors[0]["column"] == "kind"
    assert not County.objects.filter(code="C31").exists()
