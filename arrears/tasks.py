"""Celery tasks of the arrears app: take ids or dates, call one service, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import connection


def _refresh_bill_statistics() -> None:
    """After a bulk import: fresh planner statistics, and a visibility map that lets the
    indicator queries read the new month from the indexes alone. Autovacuum would get there,
    but a month is under its 20 % threshold on a year of bills. PostgreSQL only, and only
    outside a transaction (VACUUM cannot run inside one)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) arrears_bill")


@shared_task(name="arrears.tasks.take_snapshots")
def take_snapshots(as_of: str) -> int:
    """After an import: refresh the bills' statistics and retake the county snapshots as of
    ``as_of`` (ISO date); an upsert, so safe to repeat."""
    from arrears.services.snapshots import snapshots_take

    _refresh_bill_statistics()
    return len(snapshots_take(as_of=dt.date.fromisoformat(as_of)))
