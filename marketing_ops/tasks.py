"""Celery tasks of the core: take ids, call one service, safe to run twice."""

from celery import shared_task

from marketing_ops.briefings import briefing_send_all
from marketing_ops.models import ImportJob
from marketing_ops.tabular import import_jobs_fail_stale, run_job


@shared_task(name="marketing_ops.tasks.run_import_job")
def run_import_job(job_id: int) -> str:
    """Run a queued import. A delivery of an import already started or finished does nothing
    (the broker hands a task back when its worker is lost: the lease decides that job)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    return run_job(job).status


@shared_task(name="marketing_ops.tasks.fail_stale_imports")
def fail_stale_imports() -> int:
    return import_jobs_fail_stale()


@shared_task(name="marketing_ops.tasks.send_briefing")
def send_briefing(kind: str, period: str | None = None, force: bool = False) -> int:
    return len(briefing_send_all(kind=kind, period=period, force=force))
