"""Chart.js data for the dashboard, built from the indicator selectors' results.

Amounts and rates stay Decimal and travel as JSON strings (``json_script`` uses Django's
encoder); Chart.js reads numeric strings as numbers. Rates are shown in percent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from arrears.calculations import BUCKET_KEYS

HUNDRED = Decimal(100)
BUCKET_LABELS = {
    "not_due": "Not due",
    "1_30": "1–30 days",
    "31_90": "31–90 days",
    "91_180": "91–180 days",
    "181_365": "181–365 days",
    "over_365": "> 365 days",
}


def percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * HUNDRED).quantize(Decimal("0.01"))


def recovery(data: dict[str, Any]) -> dict[str, Any]:
    """Bars of each county's recovery rate against the target line."""
    counties = data["counties"]
    return {
        "labels": [row["county_name"] for row in counties],
        "rates": [percent(row["recovery_rate"]) for row in counties],
        "meets": [row["meets_target"] for row in counties],
        "target": percent(data["target"]),
    }


def trend(snapshots: list[dict[str, Any]], target: Decimal) -> dict[str, Any]:
    """Lines of the recovery rate per county and in total over the weekly snapshots."""
    names: dict[str, str] = {}
    rates: dict[tuple[str, str], Decimal | None] = {}
    for snapshot in snapshots:
        for row in snapshot["counties"]:
            names.setdefault(row["county"], row["county_name"])
            rates[row["county"], snapshot["as_of"]] = row["recovery_rate"]
    dates = [snapshot["as_of"] for snapshot in snapshots]
    series = [
        {"label": name, "data": [percent(rates.get((code, day))) for day in dates]}
        for code, name in names.items()
    ]
    if len(names) > 1:
        series.insert(
            0, {"label": "Total", "data": [percent(s["recovery_rate"]) for s in snapshots]}
        )
    return {
        "labels": dates,
        "series": series,
        "target": percent(target),
    }


def ageing(data: dict[str, Any]) -> dict[str, Any]:
    """Stacked bars of the outstanding per county by age bucket."""
    counties = data["counties"]
    return {
        "labels": [row["county_name"] for row in counties],
        "series": [
            {"label": BUCKET_LABELS[key], "data": [row[key] for row in counties]}
            for key in BUCKET_KEYS
        ],
    }


def transfers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of each month's transfers against the month's limit."""
    return {
        "labels": [row["month"] for row in rows],
        "amounts": [row["amount"] for row in rows],
        "limits": [row["limit"] for row in rows],
        "over": [row["over_limit"] for row in rows],
    }
