"""The appraisal's arithmetic (docs/rules.md#appraisal-scores): rates, scores, totals, ranks and
the checks of a scheme. Pure: numbers in, numbers out; no ORM, no settings, no dates of today
(the checks' messages are in the active language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

#: Scores and totals: points with 2 places, rounded half-up.
POINTS = Decimal("0.01")
#: Rates and ratios: fractions with 4 places.
RATE = Decimal("0.0001")
HIGHER = "higher"
LOWER = "lower"
HUNDRED = Decimal(100)
#: Weights of a scheme sum to exactly this.
WEIGHTS_SUM = HUNDRED


def half_up(number: Decimal, places: Decimal = POINTS) -> Decimal:
    """Round half-up (0.125 → 0.13), as people round by hand, not half-even."""
    return number.quantize(places, ROUND_HALF_UP)


def rate(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """``numerator ÷ denominator`` with 4 places; None ("no value") when the denominator is 0."""
    if not denominator:
        return None
    return half_up(Decimal(numerator) / Decimal(denominator), RATE)


def clamp(number: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, number))


def raw_ratio(*, value: Decimal, target: Decimal, floor: Decimal, direction: str) -> Decimal:
    """Where ``value`` lies from the floor (0) to the target (1): ``(v − floor) ÷ (target −
    floor)`` when higher is better; mirrored, ``(floor − v) ÷ (floor − target)``, when lower is
    better. A valid scheme never has target = floor."""
    if direction == LOWER:
        return (floor - value) / (floor - target)
    return (value - floor) / (target - floor)


def ratio(
    *, value: Decimal, target: Decimal, floor: Decimal, cap: Decimal, direction: str
) -> Decimal:
    """The ratio clamped to ``[0, cap]``: below the floor scores 0, beyond the target at most
    ``cap`` times the weight."""
    return clamp(
        raw_ratio(value=value, target=target, floor=floor, direction=direction), Decimal(0), cap
    )


def score(
    *,
    value: Decimal | None,
    weight: Decimal,
    target: Decimal,
    floor: Decimal,
    cap: Decimal,
    direction: str,
) -> Decimal | None:
    """``weight × clamp(ratio, 0, cap)`` rounded half-up to 0.01; None for no value."""
    if value is None:
        return None
    clamped = ratio(value=value, target=target, floor=floor, cap=cap, direction=direction)
    return half_up(weight * clamped)


@dataclass(frozen=True)
class Scored:
    """One indicator of a scorecard, as the total needs it."""

    weight: Decimal
    score: Decimal | None
    #: Adjustments city staff added to this score.
    adjustment: Decimal = Decimal(0)


def total(scored: Sequence[Scored], *, adjusted: bool = False) -> Decimal | None:
    """``Σ scores × 100 ÷ Σ weights of the indicators with a value``, rounded half-up; the
    indicators without a value are left out and the rest rescaled to 100. None when no
    indicator has a value. ``adjusted`` adds each score's adjustments first."""
    counted = [s for s in scored if s.score is not None]
    weights = sum((s.weight for s in counted), Decimal(0))
    if not counted or not weights:
        return None
    points = sum(
        (s.score + (s.adjustment if adjusted else 0) for s in counted if s.score is not None),
        Decimal(0),
    )
    return half_up(points * HUNDRED / weights)


def adjusted_total(scored: Sequence[Scored], total_adjustment: Decimal) -> Decimal | None:
    """The total with the adjustments: scores' adjustments rescaled with their scores, then the
    adjustments of the total added as they are."""
    base = total(scored, adjusted=True)
    return None if base is None else half_up(base + total_adjustment)


@dataclass(frozen=True)
class SchemeLine:
    code: str
    weight: Decimal
    target: Decimal
    floor: Decimal
    cap: Decimal = Decimal(1)


def scheme_errors(lines: Sequence[SchemeLine], directions: Mapping[str, str]) -> list[str]:
    """What is wrong with a scheme, each message naming its indicator: an unknown or repeated
    indicator, a weight not above 0, a target on the wrong side of the floor for the direction,
    a cap below 1, and weights that do not sum to exactly 100."""
    errors: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if line.code in seen:
            errors.append(_("%(code)s: listed twice") % {"code": line.code})
        seen.add(line.code)
        direction = directions.get(line.code)
        if direction is None:
            errors.append(_("%(code)s: unknown indicator") % {"code": line.code})
            continue
        if line.weight <= 0:
            errors.append(
                _("%(code)s: weight must be above 0, got %(weight)s")
                % {"code": line.code, "weight": _n(line.weight)}
            )
        figures = {"code": line.code, "target": _n(line.target), "floor": _n(line.floor)}
        if direction == HIGHER and not line.target > line.floor:
            errors.append(
                _(
                    "%(code)s: higher is better, so the target (%(target)s) must be "
                    "above the floor (%(floor)s)"
                )
                % figures
            )
        if direction == LOWER and not line.target < line.floor:
            errors.append(
                _(
                    "%(code)s: lower is better, so the target (%(target)s) must be "
                    "below the floor (%(floor)s)"
                )
                % figures
            )
        if line.cap < 1:
            errors.append(
                _("%(code)s: cap must be at least 1, got %(cap)s")
                % {"code": line.code, "cap": _n(line.cap)}
            )
    weights = sum((line.weight for line in lines), Decimal(0))
    if weights != WEIGHTS_SUM:
        errors.append(_("weights sum to %(sum)s, not 100") % {"sum": _n(weights)})
    return errors


def formula(
    *,
    value: Decimal,
    weight: Decimal,
    target: Decimal,
    floor: Decimal,
    cap: Decimal,
    direction: str,
    clamp_word: str = "clamp",
) -> str:
    """The score's formula with its numbers filled in, for the scorecard:
    ``20 × clamp((0.9500 − 0.9000) ÷ (0.9800 − 0.9000), 0, 1) = 20 × 0.6250 = 12.50``; the
    reader's word for *clamp* is passed in (限幅 in Chinese)."""
    if direction == LOWER:
        inner = f"({_n(floor)} − {_n(value)}) ÷ ({_n(floor)} − {_n(target)})"
    else:
        inner = f"({_n(value)} − {_n(floor)}) ÷ ({_n(target)} − {_n(floor)})"
    clamped = ratio(value=value, target=target, floor=floor, cap=cap, direction=direction)
    result = score(
        value=value, weight=weight, target=target, floor=floor, cap=cap, direction=direction
    )
    return (
        f"{_n(weight)} × {clamp_word}({inner}, 0, {_n(cap)}) = {_n(weight)} × "
        f"{half_up(clamped, RATE)} = {result}"
    )


def _n(number: Decimal) -> str:
    """A figure as a reader writes it: no trailing zeros beyond what it needs (0.9800 → 0.98)."""
    return f"{number.normalize():f}"
