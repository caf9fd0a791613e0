"""Celery tasks of the appraisal: take ISO months, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from appraisal.services.computation import scorecards_compute
from appraisal.services.months import MonthClosed
from marketing_ops.periods import Month


@shared_task(name="appraisal.tasks.appraisal_compute")
def appraisal_compute(month: str | None = None) -> int:
    """The beat's job (the 2nd at 06:00): the scorecards of ``month`` (default the month
    before). A closed month or one without a scheme is left alone. Returns the scores changed."""
    now = timezone.now()
    target = Month.parse(month) if month else Month.of(timezone.localdate(now)).previous()
    try:
        return len(scorecards_compute(month=target, now=now).changed)
    except (MonthClosed, ValidationError):
        return 0
