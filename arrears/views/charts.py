"""Chart.js data for the dashboard, built from the indicator selectors' results.

Amounts and rates stay Decimal and travel as JSON strings (``json_script`` uses Django's
encoder); Chart.js reads numeric strings as numbers. Rates are shown in percent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from arrears.calculations import BUCKETS
from arrears.selectors.indicators import Ageing, Recovery, TransferMonth, TrendPoint
from marketing_ops import formatting
from marketing_ops.formatting import percent_number


def recovery(data: Recovery) -> dict[str, Any]:
    """Bars of each county's recovery rate against the target line."""
    counties = data.counties
    return {
        "labels": [row.county_name for row in counties],
        "rates": [percent_number(row.recovery_rate) for row in counties],
        "meets": [row.meets_target for row in counties],
        "target": percent_number(data.target),
    }


def trend(snapshots: list[TrendPoint], target: Decimal) -> dict[str, Any]:
    """Lines of the recovery rate per county and in total over the weekly snapshots."""
    names: dict[str, str] = {}
    rates: dict[tuple[str, str], Decimal | None] = {}
    for snapshot in snapshots:
        for row in snapshot.counties:
            names.setdefault(row.county, row.county_name)
            rates[row.county, snapshot.as_of] = row.recovery_rate
    dates = [snapshot.as_of for snapshot in snapshots]
    series: list[dict[str, Any]] = [
        {"label": name, "data": [percent_number(rates.get((code, day))) for day in dates]}
        for code, name in names.items()
    ]
    if len(names) > 1:
        series.insert(
            0,
            {
                "label": gettext("Total"),
                "total": True,
                "data": [percent_number(s.recovery_rate) for s in snapshots],
            },
        )
    return {
        "labels": [formatting.period(day) for day in dates],
        "series": series,
        "target": percent_number(target),
    }


def ageing(data: Ageing) -> dict[str, Any]:
    """Stacked bars of the outstanding per county by age bucket."""
    counties = data.counties
    return {
        "labels": [row.county_name for row in counties],
        "series": [
            {"label": str(bucket.label), "data": [row.buckets[bucket.key] for row in counties]}
            for bucket in BUCKETS
        ],
    }


def transfers(rows: list[TransferMonth]) -> dict[str, Any]:
    """Bars of each month's transfers against the month's limit."""
    return {
        "labels": [formatting.month(row.month) for row in rows],
        "amounts": [row.amount for row in rows],
        "limits": [row.limit for row in rows],
        "over": [row.over_limit for row in rows],
    }
