"""The counties and business lines revenue figures are kept for."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from marketing_ops.models import BusinessLine, County


def active_counties() -> list[County]:
    return list(County.objects.filter(active=True).order_by("sort_order", "code"))


def active_lines() -> list[BusinessLine]:
    return list(BusinessLine.objects.filter(active=True).order_by("sort_order", "code"))


def counties_in_scope(user: Any) -> QuerySet[County]:
    return County.objects.visible_to(user).filter(active=True).order_by("sort_order", "code")
