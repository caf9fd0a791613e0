"""The counties and business lines revenue figures are kept for."""

from __future__ import annotations

from marketing_ops.models import BusinessLine, County


def active_counties() -> list[County]:
    return list(County.objects.filter(active=True).order_by("sort_order", "code"))


def active_lines() -> list[BusinessLine]:
    return list(BusinessLine.objects.filter(active=True).order_by("sort_order", "code"))
