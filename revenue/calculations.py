"""Pure arithmetic of plans and progress (docs/rules.md#decomposition-to-counties, #phasing,
#progress-against-time-progress) — numbers in, numbers out, no ORM.

Every allocation works in the smallest unit (fen for money, one household for volume) with the
largest remainder method, so parts always add up to the whole exactly. Rates are fractions with
4 places, gaps percentage points with 2, money 2 places.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from marketing_ops.money import CENT
from marketing_ops.ranking import competition_ranks

K = TypeVar("K", bound=Hashable)

RATE = Decimal("0.0001")
PP = Decimal("0.01")
MONTHS = 12

AHEAD = "ahead"
BEHIND = "behind"
AT_RISK = "at_risk"


class AllocationError(ValueError):
    """Weights or amounts that cannot be allocated; the message says what to fix."""


class FigureAllocationError(AllocationError):
    """One figure of a plan (``revenue`` or a line) that could not be split."""

    def __init__(self, figure: str, problem: AllocationError) -> None:
        super().__init__(f"{figure}: {problem}")
        self.figure = figure


# --------------------------------------------------------------------------- largest remainder


def largest_remainder(total: int, weights: Sequence[tuple[K, Decimal | int]]) -> dict[K, int]:
    """Split the whole number ``total`` over ``weights`` (key, weight) in proportion.

    ``raw_i = total·w_i/Σw``, each key gets ``floor(raw_i)`` and the units left over go one each
    to the largest fractional parts. Ties go to the key that comes first in ``weights`` — callers
    pass counties in ``sort_order, code`` order, which is the tie rule of
    docs/rules.md#decomposition-to-counties. Exact
    arithmetic (fractions), so the parts sum to ``total`` whatever the weights.
    """
    if total < 0:
        raise AllocationError(f"the total must not be negative, got {total}")
    if not weights:
        raise AllocationError("there is nothing to allocate to")
    keys = [key for key, _ in weights]
    if len(set(keys)) != len(keys):
        raise AllocationError("a key appears twice in the weights")
    fractions = []
    for key, weight in weights:
        value = Fraction(Decimal(weight)) if not isinstance(weight, int) else Fraction(weight)
        if value < 0:
            raise AllocationError(f"weight of {key} is negative ({weight})")
        fractions.append(value)
    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0:
        raise AllocationError("all weights are zero")
    raws = [Fraction(total) * w / weight_sum for w in fractions]
    floors = [r.numerator // r.denominator for r in raws]
    leftover = total - sum(floors)
    # Largest fractional part first; equal parts keep the callers' order (stable sort).
    order = sorted(range(len(raws)), key=lambda i: raws[i] - floors[i], reverse=True)
    for index in order[:leftover]:
        floors[index] += 1
    return dict(zip(keys, floors, strict=True))


def to_fen(amount: Decimal) -> int:
    quantized = Decimal(amount).quantize(CENT)
    if quantized != Decimal(amount):
        raise AllocationError(f"{amount} has more than 2 decimal places")
    return int(quantized * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def allocate_money(total: Decimal, weights: Sequence[tuple[K, Decimal | int]]) -> dict[K, Decimal]:
    """Largest remainder to the fen: the amounts sum to ``total`` exactly."""
    return {key: from_fen(fen) for key, fen in largest_remainder(to_fen(total), weights).items()}


def allocate_units(total: int, weights: Sequence[tuple[K, Decimal | int]]) -> dict[K, int]:
    """Largest remainder to the unit (one household)."""
    return largest_remainder(int(total), weights)


def check_manual_money(total: Decimal, amounts: Mapping[K, Decimal]) -> None:
    """Manual amounts must be non-negative and sum exactly to the target; name the difference."""
    for key, amount in amounts.items():
        if amount < 0:
            raise AllocationError(f"amount of {key} is negative ({amount})")
    difference = sum(amounts.values(), Decimal(0)) - total
    if difference:
        word = "more" if difference > 0 else "less"
        raise AllocationError(
            f"the amounts sum to {sum(amounts.values(), Decimal(0)):.2f}, "
            f"{abs(difference):.2f} {word} than the target {total:.2f}"
        )


# --------------------------------------------------------------------------- decomposition

#: The figure of a plan that is money; every other figure is a business line's volume.
REVENUE = "revenue"


def allocate_figure(
    figure: str, total: Decimal | int, weights: Sequence[tuple[K, Decimal | int]]
) -> dict[K, Decimal | int]:
    """Split one figure of a plan by weights: revenue to the fen, a volume to the household.

    A figure without a target gives every key nothing, whatever the weights.
    """
    if not total:
        return {key: (Decimal("0.00") if figure == REVENUE else 0) for key, _ in weights}
    if figure == REVENUE:
        return dict(allocate_money(Decimal(total), weights))
    return dict(allocate_units(int(total), weights))


def allocate_by_weights(
    figures: Sequence[tuple[str, Decimal | int]],
    weights_of: Mapping[str, Sequence[tuple[K, Decimal | int]]],
) -> dict[K, dict[str, Decimal | int]]:
    """Every figure (name, total) split by its own weights: ``{key: {figure: amount}}``.

    Raises ``FigureAllocationError`` naming the figure that could not be split.
    """
    allocation: dict[K, dict[str, Decimal | int]] = {}
    for figure, total in figures:
        try:
            parts = allocate_figure(figure, total, weights_of[figure])
        except AllocationError as exc:
            raise FigureAllocationError(figure, exc) from exc
        for key, value in parts.items():
            allocation.setdefault(key, {})[figure] = value
    return allocation


# --------------------------------------------------------------------------- phasing


EQUAL_WEIGHTS: tuple[int, ...] = (1,) * MONTHS


def check_twelve(values: Sequence[Decimal | int]) -> None:
    if len(values) != MONTHS:
        raise AllocationError(f"a phasing profile has 12 values, got {len(values)}")
    for month, value in enumerate(values, start=1):
        if value < 0:
            raise AllocationError(f"month {month} is negative ({value})")


def phase_money(total: Decimal, weights: Sequence[Decimal | int] = EQUAL_WEIGHTS) -> list[Decimal]:
    """Spread an annual amount over 12 months (Jan..Dec) by weights; months sum to ``total``."""
    check_twelve(weights)
    allocation = allocate_money(total, list(enumerate(weights, start=1)))
    return [allocation[m] for m in range(1, MONTHS + 1)]


def phase_units(total: int, weights: Sequence[Decimal | int] = EQUAL_WEIGHTS) -> list[int]:
    check_twelve(weights)
    allocation = allocate_units(total, list(enumerate(weights, start=1)))
    return [allocation[m] for m in range(1, MONTHS + 1)]


def phase_keeping(
    figure: str,
    total: Decimal | int,
    weights: Sequence[Decimal | int],
    kept: Mapping[int, Decimal | int],
) -> list[Decimal | int]:
    """Re-phase a figure while the ``kept`` months (month → target) stay as they are: what
    remains of ``total`` is spread over the other months by their weights (largest remainder).

    With nothing kept this is plain phasing. Raises AllocationError when the kept months already
    exceed the total, or when the open months have no weight but something remains to spread.
    """
    check_twelve(weights)
    remaining = total - sum(kept.values(), Decimal(0) if figure == REVENUE else 0)
    if remaining < 0:
        raise AllocationError(
            f"the months kept for their approved reports already exceed the annual target "
            f"by {-remaining}"
        )
    open_months = [(m, weights[m - 1]) for m in range(1, MONTHS + 1) if m not in kept]
    if not open_months:
        if remaining:
            raise AllocationError("every month has an approved report; nothing can be re-phased")
        spread: dict[int, Decimal | int] = {}
    elif remaining and not any(w for _, w in open_months):
        raise AllocationError("the weights of the months still open are all zero")
    elif not any(w for _, w in open_months):
        spread = allocate_figure(figure, 0, [(m, 1) for m, _ in open_months])
    else:
        spread = allocate_figure(figure, remaining, open_months)
    return [kept[m] if m in kept else spread[m] for m in range(1, MONTHS + 1)]


def quarters(months: Sequence[Decimal | int]) -> list[Decimal | int]:
    """Quarterly targets are the sums of their three months."""
    if len(months) != MONTHS:
        raise AllocationError(f"expected 12 months, got {len(months)}")
    return [sum(months[q * 3 : q * 3 + 3]) for q in range(4)]


def quarters_of_phasing(months: Sequence[Decimal | int]) -> list[Decimal | int]:
    """A county target's quarters: none until all 12 months are phased."""
    return quarters(months) if len(months) == MONTHS else []


# --------------------------------------------------------------------------- progress


def time_progress(month: int) -> Decimal:
    """Month basis: ``m / 12`` as a rate with 4 places."""
    if not 1 <= month <= MONTHS:
        raise ValueError(f"month must be 1..12, got {month}")
    return (Decimal(month) / MONTHS).quantize(RATE, ROUND_HALF_UP)


def time_progress_days(as_of: dt.date) -> Decimal:
    """Day basis: day of the year of ``as_of`` over the days in its year."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return (Decimal(as_of.timetuple().tm_yday) / days).quantize(RATE, ROUND_HALF_UP)


def rate(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """A fraction with 4 places, or None when there is nothing to compare against."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, ROUND_HALF_UP)


def gap_pp(completion: Decimal | None, progress: Decimal) -> Decimal | None:
    """Percentage points ahead (+) or behind (−) time progress."""
    if completion is None:
        return None
    return ((completion - progress) * 100).quantize(PP, ROUND_HALF_UP)


def status_of(gap: Decimal | None, at_risk_pp: Decimal | int = 5) -> str | None:
    """``ahead`` from 0 up, ``behind`` within the threshold, ``at_risk`` at or beyond it."""
    if gap is None:
        return None
    if gap >= 0:
        return AHEAD
    if gap > -Decimal(at_risk_pp):
        return BEHIND
    return AT_RISK


@dataclass(frozen=True)
class Progress:
    target: Decimal | int
    cumulative_actual: Decimal | int
    time_progress: Decimal
    completion_rate: Decimal | None
    gap_pp: Decimal | None
    status: str | None
    projected_year_end: Decimal | None
    required_monthly: Decimal | None


def progress(
    *,
    target: Decimal | int,
    cumulative_actual: Decimal | int,
    month: int,
    phased_to_date: Decimal | int | None = None,
    at_risk_pp: Decimal | int = 5,
    progress_rate: Decimal | None = None,
    places: Decimal = CENT,
) -> Progress:
    """Completion against time progress for year-to-date through ``month``
    (docs/rules.md#progress-against-time-progress).

    ``phased_to_date`` is the sum of the phased monthly targets Jan..month; when it is positive
    the year end is projected against the phasing (a seasonal plan), otherwise linearly.
    ``progress_rate`` replaces the month basis (e.g. the day basis). ``places`` is the unit of the
    projections: ``CENT`` for money, ``Decimal(1)`` for volumes in households.
    """
    tp = progress_rate if progress_rate is not None else time_progress(month)
    completion = rate(cumulative_actual, target)
    gap = gap_pp(completion, tp)
    actual = Decimal(cumulative_actual)
    if phased_to_date:
        projected = Decimal(target) * actual / Decimal(phased_to_date)
    else:
        projected = actual * MONTHS / month
    required = None
    if month < MONTHS:
        still_needed = max(Decimal(target) - actual, Decimal(0))
        required = (still_needed / (MONTHS - month)).quantize(places, ROUND_HALF_UP)
    return Progress(
        target=target,
        cumulative_actual=cumulative_actual,
        time_progress=tp,
        completion_rate=completion,
        gap_pp=gap,
        status=status_of(gap, at_risk_pp),
        projected_year_end=projected.quantize(places, ROUND_HALF_UP),
        required_monthly=required,
    )


@dataclass(frozen=True)
class YearToDate:
    """One figure (revenue or a line's volume) of one county from January through a month."""

    target: Decimal | int
    actual: Decimal | int
    phased: Decimal | int
    pending: Decimal | int = 0


@dataclass
class FigureProgress:
    """Progress of one figure (revenue or a line's volume) for a county or the city."""

    target: Decimal | int
    cumulative_actual: Decimal | int
    completion_rate: Decimal | None
    gap_pp: Decimal | None
    status: str | None
    projected_year_end: Decimal | None
    required_monthly: Decimal | None
    submitted_pending: Decimal | int = 0


def figure_progress(
    figure: str, year_to_date: YearToDate, month: int, at_risk_pp: Decimal | int
) -> FigureProgress:
    """``progress`` of one figure; revenue projects to the fen, a volume to the household."""
    result = progress(
        target=year_to_date.target,
        cumulative_actual=year_to_date.actual,
        month=month,
        phased_to_date=year_to_date.phased,
        at_risk_pp=at_risk_pp,
        places=CENT if figure == REVENUE else Decimal(1),
    )
    return FigureProgress(
        target=year_to_date.target,
        cumulative_actual=year_to_date.actual,
        completion_rate=result.completion_rate,
        gap_pp=result.gap_pp,
        status=result.status,
        projected_year_end=result.projected_year_end,
        required_monthly=result.required_monthly,
        submitted_pending=year_to_date.pending,
    )


def summed(figure: str, parts: Sequence[YearToDate]) -> YearToDate:
    """The city's figure: the sum of its counties' (money stays two-place)."""
    zero: Decimal | int = Decimal("0.00") if figure == REVENUE else 0
    return YearToDate(
        target=sum((p.target for p in parts), zero),
        actual=sum((p.actual for p in parts), zero),
        phased=sum((p.phased for p in parts), zero),
        pending=sum((p.pending for p in parts), zero),
    )


@dataclass(frozen=True)
class ProgressTable(Generic[K]):
    """Every figure of every county, the city's, and the counties' ranks by revenue completion."""

    counties: dict[K, dict[str, FigureProgress]]
    city: dict[str, FigureProgress]
    ranks: dict[K, int | None]


def progress_table(
    year_to_date: Mapping[K, Mapping[str, YearToDate]],
    figures: Sequence[str],
    *,
    month: int,
    at_risk_pp: Decimal | int = 5,
) -> ProgressTable[K]:
    """Completion against time progress of each county and of the city (the sum of them all)."""
    counties = {
        key: {f: figure_progress(f, ytd[f], month, at_risk_pp) for f in figures}
        for key, ytd in year_to_date.items()
    }
    city = {
        f: figure_progress(
            f, summed(f, [ytd[f] for ytd in year_to_date.values()]), month, at_risk_pp
        )
        for f in figures
    }
    ranks = competition_ranks(
        {key: rows[REVENUE].completion_rate for key, rows in counties.items()}
    )
    return ProgressTable(counties=counties, city=city, ranks=ranks)


# --------------------------------------------------------------------------- deadlines


def report_deadline(year: int, month: int, deadline_day: int) -> dt.date:
    """A month's report is due on ``deadline_day`` of the following month (clamped to its end)."""
    next_year, next_month = (year + 1, 1) if month == MONTHS else (year, month + 1)
    last = calendar.monthrange(next_year, next_month)[1]
    return dt.date(next_year, next_month, min(deadline_day, last))


def is_late(year: int, month: int, submitted_on: dt.date, deadline_day: int) -> bool:
    return submitted_on > report_deadline(year, month, deadline_day)


def closed_month(today: dt.date, deadline_day: int) -> tuple[int, int]:
    """The latest month whose report deadline has passed on ``today`` (year, month): dashboards
    and briefings open on it, so no county is ranked down for a report still within its
    deadline (docs/rules.md#progress-against-time-progress)."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if today <= report_deadline(year, month, deadline_day):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return year, month
