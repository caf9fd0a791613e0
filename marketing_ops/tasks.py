"""Celery tasks of the core: take ids, call one service, safe to run twice."""

from celery import shared_task

from marketing_ops.briefings import briefing_send_all
from marketing_ops.models import ImportJob
from marketing_ops.tabular import import_jobs_fail_stale, run_job


# Handed back to the broker when the worker running it is lost (acks_late, and
# reject_on_worker_lost for a pool child that dies): a delivery of an import that already
# started or finished does nothing, so a task that kills its child cannot loop — the lease
# decides that job (marketing_ops.tabular.jobs.import_jobs_fail_stale).
@shared_task(name="marketing_ops.tasks.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: int) -> str:
    """Run a queued import; an import already started or finished is left as it is."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    return run_job(job).status


@shared_task(name="marketing_ops.tasks.fail_stale_imports")
def fail_stale_imports() -> int:
    return import_jobs_fail_stale()


@shared_task(name="marketing_ops.tasks.send_briefing")
def send_briefing(kind: str, period: str | None = None, force: bool = False) -> int:
    return len(briefing_send_all(kind=kind, period=period, force=force))
