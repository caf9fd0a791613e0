"""The counties and business lines revenue figures are kept for."""

from __future__ import annotations

from marketing_ops.models import BusinessLine, County


def active_counties() -> list[County]:
    return list(County.objects.filter(active=True).order_by("sort_order", "code"))


def active_lines() -> list[BusinessLine]:
    return list(BusinessLine.objects.filter(active=True).order_by("sort_order", "code"))


def line_names() -> dict[str, str]:
    """Every business line's name by its code (inactive ones too: old plans and reports still
    name them). Pages show the name; the code stays in files and the API."""
    return dict(BusinessLine.objects.values_list("code", "name"))
