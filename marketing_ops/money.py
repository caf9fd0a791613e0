"""Money as the product keeps it: yuan as ``Decimal`` with two places (docs/rules.md, "Money").

One cent, one field definition and one rounding rule, used by models, serializers, forms,
imports, calculations and exports alike.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from django.utils.translation import gettext as _

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

#: The first amount too large for ``MONEY`` (12 digits before the point).
MONEY_LIMIT = Decimal(10) ** (MONEY_DIGITS - 2)

#: How an amount is written: plain (``1234.50``) or with thousands separators (``1,234.50``),
#: ASCII digits, an optional sign; never an exponent (``1E5``, Excel's ``1.23457E+11`` is a
#: rounded display, not the amount), ``inf`` or ``nan``.
_AMOUNT_TEXT = re.compile(r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]*)?", re.ASCII)


def to_cents(value: Decimal | int | str | None) -> Decimal:
    """``value`` as yuan with exactly two places, rounded half up (None counts as zero)."""
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


def has_fraction_of_a_cent(value: Decimal) -> bool:
    """True when ``value`` has more than two decimal places that are not zero."""
    return value != value.quantize(CENT)


def parse_amount(text: str, *, allow_negative: bool = False) -> Decimal:
    """The amount written in ``text`` as yuan with two places, or ValueError saying what is
    wrong. The one reading of money typed by a user, used by uploads, forms and the API."""
    cleaned = text.strip()
    if not cleaned or not any(c.isdigit() for c in cleaned) or not _AMOUNT_TEXT.fullmatch(cleaned):
        raise ValueError(
            _("expected an amount like 1234.50 or 1,234.50, got %(value)r") % {"value": text}
        )
    value = Decimal(cleaned.replace(",", ""))
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("at most 2 decimal places, got %(value)s") % {"value": cleaned})
    return check_amount(value, allow_negative=allow_negative, shown=cleaned)


def check_amount(value: Decimal, *, allow_negative: bool = False, shown: str = "") -> Decimal:
    """``value`` with two places if it is an amount ``MONEY`` can hold, else ValueError."""
    shown = shown or str(value)
    if not value.is_finite():
        raise ValueError(_("expected an amount like 1234.50, got %(value)r") % {"value": shown})
    if value < 0 and not allow_negative:
        raise ValueError(_("must not be negative, got %(value)s") % {"value": shown})
    if abs(value) >= MONEY_LIMIT:
        raise ValueError(
            _("amount too large: %(value)s (at most 999,999,999,999.99)") % {"value": shown}
        )
    return abs(value).quantize(CENT) if not value else value.quantize(CENT)  # no "-0.00"
