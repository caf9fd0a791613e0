"""Ranking counties by a figure: the standard competition ranking every league table of the
product uses (revenue completion, appraisal totals). Pure: numbers in, ranks out."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def competition_ranks(values: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    """Standard competition ranking, highest first (1, 2, 2, 4); no value gets no rank."""
    ordered = sorted((value for value in values.values() if value is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: None if value is None else first[value] for key, value in values.items()}
