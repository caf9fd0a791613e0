"""The start page's "my work": each app's to-do lists for the reader, collected from
``<app>.home.work(user, today)`` like briefings (``marketing_ops.apps.app_modules``), and the
headline figures a manager opens with, from ``<app>.home.figures(user, today)``.

A list's count is also the badge of one navigation entry (``WorkList.nav``). The start page
always counts afresh and keeps the badges of the user in the cache for ``BADGE_SECONDS``; the
other pages read the badges from the cache (no query), and when there is nothing cached the
navigation asks ``work_badges`` for them once the page has loaded (docs/architecture.md#my-work).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from marketing_ops.apps import app_modules

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: How many rows a list shows on the start page; its link leads to all of them.
ROWS_SHOWN = 5
#: How long the navigation's badges are kept before they are counted again.
BADGE_SECONDS = 60
#: The badge of the "My work" entry (the start page): every list's count.
TOTAL = "home"


@dataclass(frozen=True)
class WorkRow:
    """One thing to do: what it is, a detail (why it came back, when it is due) and where."""

    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class WorkList:
    """A titled block of the start page: how many things wait, the first ``ROWS_SHOWN`` of
    them, the page that lists them all, and the navigation entry (its url name) whose badge
    carries the count."""

    key: str  # the block's ``data-work`` name
    title: str
    count: int
    url: str
    nav: str
    rows: list[WorkRow] = field(default_factory=list)
    order: int = 50


@dataclass(frozen=True)
class Figure:
    """A headline figure for managers: what, its value, what it is set against, and where."""

    label: str
    value: str
    comparison: str
    url: str
    order: int = 50


def _collect(part: str, user: AnyUser, today: dt.date) -> list[Any]:
    """What every app's ``home.<part>(user, today)`` gives the reader, in ``order``."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [
        item
        for module in app_modules("home")
        if hasattr(module, part)
        for item in getattr(module, part)(user, today)
    ]
    return sorted(items, key=lambda item: item.order)


def collect_work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """Every app's lists for ``user``, in ``order`` (the lists of roles the user does not hold
    are never made)."""
    return _collect("work", user, today)


def collect_figures(user: AnyUser, today: dt.date) -> list[Figure]:
    """Every app's headline figures for a manager, in ``order``."""
    return _collect("figures", user, today)


def badges_of(lists: list[WorkList]) -> dict[str, int]:
    """The count of each navigation entry (url name) and the total under ``TOTAL``."""
    counts: dict[str, int] = defaultdict(int)
    for item in lists:
        counts[item.nav] += item.count
        counts[TOTAL] += item.count
    return dict(counts)


def _cache_key(user: AnyUser) -> str:
    return f"work-badges:{user.pk}"


def remember_badges(user: AnyUser, lists: list[WorkList]) -> dict[str, int]:
    """Keep the badges of ``lists`` for the user's other pages, and return them."""
    badges = badges_of(lists)
    cache.set(_cache_key(user), badges, BADGE_SECONDS)
    return badges


def cached_badges(user: AnyUser) -> dict[str, int] | None:
    """The user's badges as last counted (None when not counted in the last minute)."""
    if not getattr(user, "is_authenticated", False):
        return None
    badges: dict[str, int] | None = cache.get(_cache_key(user))
    return badges


def fresh_badges(user: AnyUser, today: dt.date) -> dict[str, int]:
    """Count the user's lists now (the queries of the start page's lists) and keep them."""
    return remember_badges(user, collect_work(user, today))
