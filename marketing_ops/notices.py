"""What the start page tells a user before anything else: each app's notices for the reader
(a returned report and why, …), collected from ``<app>.home.notices(user)`` like briefings."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


@dataclass(frozen=True)
class Notice:
    """One line on the start page: what happened, why, and where to act on it."""

    title: str
    detail: str
    url: str
    level: str = "warning"  # a Bootstrap alert colour


def collect_notices(user: AnyUser) -> list[Notice]:
    notices: list[Notice] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.home")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.home":
                raise
            continue
        notices.extend(module.notices(user))
    return notices
