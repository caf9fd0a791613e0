"""Pure rules of the materials app (no ORM, no settings, no clock)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable


def random_check_seed(county_code: str, month: str) -> str:
    """The seed of a county's monthly random check (docs/materials.md): the same county and month
    give
    the same seed, and so the same sample of the same serials."""
    return hashlib.sha256(f"random-check:{county_code}:{month}".encode()).hexdigest()


def sample_serials(serials: Iterable[str], seed: str, size: int) -> list[str]:
    """``size`` serials (all of them when fewer) drawn reproducibly by ``seed``: the serials are
    sorted first, so the order they were read in does not matter; the sample comes back
    sorted."""
    ordered = sorted(set(serials))
    if size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))
