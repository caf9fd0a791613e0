"""Celery tasks of the arrears app: take ids or dates, call one service, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from arrears.services.snapshots import snapshots_after_import


@shared_task(name="arrears.tasks.take_snapshots")
def take_snapshots(as_of: str) -> int:
    """After an import: refresh the bills' statistics and retake the county snapshots as of
    ``as_of`` (ISO date); an upsert, so safe to repeat."""
    return len(snapshots_after_import(as_of=dt.date.fromisoformat(as_of)))
