"""Celery tasks of the audits app: take ISO dates, call one service, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from audits.services import false_users, notices
from audits.services.audits import audits_create as create


@shared_task(name="audits.tasks.audits_create")
def audits_create(day: str | None = None) -> int:
    """The beat's job (daily, Monday and the 1st at 06:00): the audits due on ``day`` (ISO
    date, default today), with catch-up; idempotent. Returns how many were created."""
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    return create(today=today)


@shared_task(name="audits.tasks.false_users_find")
def false_users_find() -> int:
    """The beat's monthly job (the 2nd, 06:30): the false-user rule over the bills;
    idempotent. Returns how many suspected cases were created."""
    return false_users.false_users_find()


@shared_task(name="audits.tasks.notice_draft")
def notice_draft(week: str | None = None) -> str:
    """The beat's job on Monday 06:30 (after the audits of 06:00): draft, or refresh, the weekly
    notice of ``week`` (default the week just ended); a published notice stays as it is.
    Returns the week drafted."""
    label = week or notices.week_just_ended(timezone.localdate())
    return notices.notice_draft(week=label).week
