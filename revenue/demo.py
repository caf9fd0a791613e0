"""Demo revenue data (``seed_demo``): plans, reports, standings, then activities."""

from typing import Any

from revenue.activities import demo as activities_demo


def seed(stdout: Any, today: Any) -> dict:
    activities_demo.seed(stdout, today)
    return {}
