"""Demo activities (called by revenue/demo.py)."""

from typing import Any


def seed(stdout: Any, today: Any) -> None:
    return None
