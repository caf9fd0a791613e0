"""Reads of the core, always scoped to the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from marketing_ops.models import Briefing, BusinessLine, ImportJob

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def business_lines() -> QuerySet[BusinessLine]:
    return BusinessLine.objects.filter(active=True)


def import_jobs_for(user: AnyUser) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user).select_related("created_by__profile", "county")


def briefings_for(user: AnyUser) -> QuerySet[Briefing]:
    return Briefing.objects.visible_to(user).select_related("county").defer("html", "text", "xlsx")


def health() -> dict[str, str]:
    """Database and broker status for /healthz ("ok", "eager" or the error)."""
    from django.conf import settings

    status = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as exc:  # any failure is reported, not raised
        status["database"] = f"error: {exc.__class__.__name__}"
    if not settings.REDIS_URL:
        status["broker"] = "eager"
    else:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
            status["broker"] = "ok"
        except Exception as exc:  # any failure is reported, not raised
            status["broker"] = f"error: {exc.__class__.__name__}"
    return status
