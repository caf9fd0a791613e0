"""Celery tasks of the materials app: take ISO months, call one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from marketing_ops.periods import Month
from materials.services.random_checks import random_checks_draw as draw


@shared_task(name="materials.tasks.random_checks_draw")
def random_checks_draw(month: str | None = None) -> int:
    """The beat's job (the 1st at 06:10): every active county's random check of ``month``
    (YYYY-MM, default this month); a county drawn already keeps its check. Returns how many
    were drawn."""
    return draw(month=Month.parse(month) if month else Month.of(timezone.localdate()))
