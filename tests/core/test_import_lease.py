"""No import stays "running" for ever: a running import renews a lease, and one whose worker
was lost (killed, out of memory, a web request ended by a timeout) is marked failed once the
lease runs out, with nothing applied and the file importable again (docs/file-formats.md)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from marketing_ops import tabular
from marketing_ops.models import County, ImportJob
from marketing_ops.tabular import dataset as tabular_dataset
from marketing_ops.tabular.jobs import import_jobs_fail_stale
from marketing_ops.tasks import fail_stale_imports, run_import_job
from tests.core.conftest import csv_bytes, submit

pytestmark = pytest.mark.django_db

GOOD = "code,name,kind,sort_order\nC11,Eleven County,county,11\nC12,Twelve District,district,12\n"
LOST = "The worker running this import stopped"


def lost_job(user, content: bytes = csv_bytes(GOOD), dataset: str = "counties") -> ImportJob:
    """An import whose worker died while it ran: queued, taken, then nothing more."""
    job = submit(dataset, content, user, "counties.csv", background=True)
    job.refresh_from_db()
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, rows=1
    )
    job.refresh_from_db()
    return job


@pytest.fixture
def queued_only(django_capture_on_commit_callbacks):
    """Background uploads stay queued: their task is not run on commit."""
    with django_capture_on_commit_callbacks(execute=False):
        yield


def test_a_running_import_whose_lease_ran_out_is_failed_saying_nothing_was_applied(
    admin_user, settings, queued_only
):
    settings.IMPORT_JOB_LEASE_SECONDS = 120
    job = lost_job(admin_user)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=119)):
        assert import_jobs_fail_stale() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING

    later = timezone.now() + dt.timedelta(seconds=121)
    with time_machine.travel(later):
        assert import_jobs_fail_stale() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.finished and job.progress_percent is None
    assert job.finished_at == later
    assert job.error_count == 1
    assert LOST in job.errors[0]["message"]
    assert "nothing was applied" in job.errors[0]["message"]
    assert "Upload the file again" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


def test_the_sweep_leaves_queued_and_finished_imports_and_counts_none_twice(
    admin_user, settings, queued_only
):
    settings.IMPORT_JOB_LEASE_SECONDS = 60
    queued = submit("counties", csv_bytes(GOOD), admin_user, background=True)
    done = submit("counties", csv_bytes(GOOD.replace("C12", "C13")), admin_user)
    assert done.status == ImportJob.Status.DONE
    lost = lost_job(admin_user, csv_bytes(GOOD.replace("C12", "C14")))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert fail_stale_imports.delay().get() == 1
        assert import_jobs_fail_stale() == 0
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {queued.pk: "queued", done.pk: "done", lost.pk: "failed"}


def test_a_file_whose_import_lost_its_worker_can_be_imported_again(
    admin_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_JOB_LEASE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        lost = lost_job(admin_user)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        import_jobs_fail_stale()
    again = submit("counties", csv_bytes(GOOD), admin_user, "counties.csv")
    assert again.status == ImportJob.Status.DONE, again.errors
    assert again.sha256 == ImportJob.objects.get(pk=lost.pk).sha256
    assert County.objects.filter(code__in=["C11", "C12"]).count() == 2


def test_a_task_delivered_again_for_a_failed_or_started_import_does_nothing(
    admin_user, settings, queued_only
):
    settings.IMPORT_JOB_LEASE_SECONDS = 60
    running = lost_job(admin_user)
    # The broker hands the task back (its worker was lost): the import is not started twice.
    assert run_import_job.delay(running.pk).get() == "running"
    assert not County.objects.filter(code="C11").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        import_jobs_fail_stale()
    assert run_import_job.delay(running.pk).get() == "failed"
    running.refresh_from_db()
    assert LOST in running.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


class SweptCountiesDataset(tabular.Dataset):
    """Counties whose import is failed by the sweep at a chosen moment: ``when`` is "reading"
    (while its rows are staged) or "writing" (inside its write's transaction, from another
    connection, as beat's sweep would)."""

    name = "test_swept_counties"
    label = "Counties swept meanwhile (test)"
    roles = ("city_admin",)
    columns = (tabular.Text("code"), tabular.Text("name"))
    when = "reading"

    @staticmethod
    def sweep() -> None:
        with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
            import_jobs_fail_stale()

    def stage(self, batch: list[tuple], ctx: tabular.ImportContext) -> None:
        super().stage(batch, ctx)
        if self.when == "reading":
            self.sweep()

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = ctx.state["rows"]
        County.objects.bulk_create([County(code=c, name=n, kind="county") for c, n in rows])
        if self.when == "writing":
            beat = threading.Thread(target=self._sweep_elsewhere)
            beat.start()
            beat.join()
        return len(rows)

    def _sweep_elsewhere(self) -> None:
        try:
            self.sweep()
        finally:
            connection.close()


@pytest.fixture
def swept_dataset() -> Iterator[type[SweptCountiesDataset]]:
    tabular.register(SweptCountiesDataset)
    yield SweptCountiesDataset
    tabular_dataset._REGISTRY.pop(SweptCountiesDataset.name, None)


def test_an_import_failed_by_the_sweep_while_it_reads_stops_and_writes_nothing(
    admin_user, swept_dataset
):
    swept_dataset.when = "reading"
    job = submit(swept_dataset.name, csv_bytes("code,name\nC31,One\nC32,Two\n"), admin_user)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert LOST in job.errors[0]["message"]
    assert not County.objects.filter(code__in=["C31", "C32"]).exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two connections writing at once need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_failed_by_the_sweep_while_it_writes_commits_nothing(admin_user, swept_dataset):
    swept_dataset.when = "writing"
    job = submit(swept_dataset.name, csv_bytes("code,name\nC31,One\nC32,Two\n"), admin_user)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert LOST in job.errors[0]["message"]
    # The counties were written in the import's transaction, which its late "done" rolled back.
    assert not County.objects.filter(code__in=["C31", "C32"]).exists()


def test_a_running_import_renews_its_lease_with_its_progress(
    admin_user, county_a, county_visits_dataset, monkeypatch
):
    seen: list[tuple[str, dt.datetime | None]] = []

    def apply(self, ctx: tabular.ImportContext) -> int:
        job = ImportJob.objects.get(pk=ctx.job.pk)
        seen.append((job.status, job.heartbeat_at))
        return len(ctx.state["rows"])

    monkeypatch.setattr(county_visits_dataset, "apply", apply)
    started = timezone.now()
    content = "county_code,visits\n" + "".join(f"C01,{n}\n" for n in range(3))
    job = submit(county_visits_dataset.name, csv_bytes(content), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    [(status, heartbeat)] = seen
    assert status == ImportJob.Status.RUNNING
    assert heartbeat is not None and heartbeat >= started


def test_the_import_pages_and_api_fail_a_lost_import_when_they_read_it(
    admin_user, client_for, api_for, settings, queued_only
):
    settings.IMPORT_JOB_LEASE_SECONDS = 60
    page_job = lost_job(admin_user)
    api_job = lost_job(admin_user, csv_bytes(GOOD.replace("C12", "C15")))
    client = client_for(admin_user)
    response = client.get(f"/imports/{page_job.pk}/progress/")
    assert "Running" in response.content.decode() or "running" in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        page = client.get(f"/imports/{page_job.pk}/progress/").content.decode()
        assert LOST in page
        data = api_for(admin_user).get(f"/api/v1/imports/{api_job.pk}/").json()
    assert data["status"] == "failed"
    assert LOST in data["errors"][0]["message"]


def test_an_import_task_is_handed_back_when_its_worker_is_lost():
    assert run_import_job.acks_late and run_import_job.reject_on_worker_lost


def test_beat_runs_the_sweep_every_minute(settings):
    from marketing_ops.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["imports-fail-stale"]
    assert entry["task"] == "marketing_ops.tasks.fail_stale_imports" in app.tasks
    assert entry["schedule"] == 60
