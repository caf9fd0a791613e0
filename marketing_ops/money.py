"""Money as the product keeps it: yuan as ``Decimal`` with two places (docs/rules.md, "Money").

One cent, one field definition and one rounding rule, used by models, serializers, forms,
imports, calculations and exports alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

#: The smallest unit of money: one fen (0.01 yuan).
CENT = Decimal("0.01")

#: Field settings of every stored amount of money (models, serializers, forms): up to
#: 999,999,999,999.99 yuan.
MONEY_DIGITS = 14


class MoneyFieldSettings(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: MoneyFieldSettings = {"max_digits": MONEY_DIGITS, "decimal_places": 2}

ZERO = Decimal("0.00")


def to_cents(value: Decimal | int | str | None) -> Decimal:
    """``value`` as yuan with exactly two places, rounded half up (None counts as zero)."""
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def has_fraction_of_a_cent(value: Decimal) -> bool:
    """True when ``value`` has more than two decimal places that are not zero."""
    return value != value.quantize(CENT)
