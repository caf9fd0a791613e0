"""The rules of audits as pure functions: periods, due dates, required levels, the business
days and periods to create, fingerprints (docs/rules.md#audits)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

from arrears.calculations import due_date
from marketing_ops.periods import Month, iso_week_label, week_bounds

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"

#: An audit is due at the end of its period plus these days.
DUE_AFTER_DAYS = {DAILY: 1, WEEKLY: 2, MONTHLY: 5}
#: The sign-off levels each cadence needs, signed in this order.
REQUIRED_LEVELS: dict[str, tuple[int, ...]] = {DAILY: (1,), WEEKLY: (1, 2), MONTHLY: (1, 2, 3)}
#: A cash-flow reconciliation is signed off as a monthly audit: 1 → 2 → 3.
CASHFLOW_LEVELS: tuple[int, ...] = (1, 2, 3)
#: Relative differences (the cash-flow ranking) are kept to 4 places: 0.0125 = 1.25 %.
RATE = Decimal("0.0001")
#: Each run also creates every audit missing for the periods that ended in these last days.
CATCH_UP_DAYS = 35

_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Period:
    cadence: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def due_on(self) -> dt.date:
        return due_on(self.cadence, self.end)


def due_on(cadence: str, period_end: dt.date) -> dt.date:
    """An audit is due at the end of its period plus 1, 2 or 5 days."""
    return period_end + dt.timedelta(days=DUE_AFTER_DAYS[cadence])


def required_levels(cadence: str) -> tuple[int, ...]:
    return REQUIRED_LEVELS[cadence]


def daily_period(day: dt.date) -> Period:
    return Period(DAILY, day.isoformat(), day, day)


def weekly_period(day: dt.date) -> Period:
    """The ISO week (Monday–Sunday) containing ``day``."""
    monday, sunday = week_bounds(day)
    return Period(WEEKLY, iso_week_label(day), monday, sunday)


def monthly_period(day: dt.date) -> Period:
    month = Month.of(day)
    return Period(MONTHLY, str(month), month.first_day, month.last_day)


def parse_period(cadence: str, label: str) -> Period:
    """The period an audit's ``period`` names; ValueError with a message a user can act on."""
    if cadence == DAILY and _DAY_RE.match(label):
        return daily_period(dt.date.fromisoformat(label))
    if cadence == WEEKLY and (match := _WEEK_RE.match(label)):
        try:
            monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise ValueError(gettext("no such ISO week: %(label)s") % {"label": repr(label)})
        return weekly_period(monday)
    if cadence == MONTHLY:
        return monthly_period(Month.parse(label).first_day)
    raise ValueError(
        gettext("a %(cadence)s period is written %(format)s, got %(label)s")
        % {"cadence": cadence, "format": _FORMATS.get(cadence, "?"), "label": repr(label)}
    )


_FORMATS = {DAILY: "YYYY-MM-DD", WEEKLY: "YYYY-Www", MONTHLY: "YYYY-MM"}


def is_business_day(day: dt.date, holidays: Iterable[dt.date]) -> bool:
    """Monday to Friday, less the holiday calendar."""
    return day.weekday() < 5 and day not in set(holidays)


def periods_due(today: dt.date, holidays: Iterable[dt.date]) -> list[Period]:
    """Every period whose audit should exist on ``today``: each business day, ISO week and month
    that ended before ``today`` within the last CATCH_UP_DAYS days. This holds the previous
    business day, the week just ended (on a Monday) and the month just ended (on the 1st), and
    fills the holes a beat that was down left behind."""
    closed = set(holidays)
    first = today - dt.timedelta(days=CATCH_UP_DAYS)
    periods: dict[tuple[str, str], Period] = {}
    day = first
    while day < today:
        if is_business_day(day, closed):
            found = daily_period(day)
            periods[(DAILY, found.label)] = found
        for period in (weekly_period(day), monthly_period(day)):
            if first <= period.end < today:
                periods[(period.cadence, period.label)] = period
        day += dt.timedelta(days=1)
    return sorted(periods.values(), key=lambda p: (p.end, p.cadence))


def signoff_status(levels: Sequence[int], live_results: Mapping[int, str], started: bool) -> str:
    """The status of anything signed off in ``levels``: ``failed`` when a standing sign-off is
    ``failed``, ``passed`` when every level signed ``passed``, else ``in_progress`` once
    ``started``, ``pending`` before."""
    if "failed" in live_results.values():
        return "failed"
    if all(live_results.get(level) == "passed" for level in levels):
        return "passed"
    if started:
        return "in_progress"
    return "pending"


def audit_status(
    *,
    cadence: str,
    answered: int,
    live_results: Mapping[int, str],
) -> str:
    """``pending`` (nothing answered, nothing signed) → ``in_progress`` → ``passed`` (every
    required level signed passed) | ``failed`` (a level signed failed)."""
    return signoff_status(
        required_levels(cadence), live_results, started=bool(answered or live_results)
    )


def cashflow_status(live_results: Mapping[int, str]) -> str:
    """A reconciliation is ``pending`` until a level signs, ``in_progress`` while levels sign,
    then ``passed`` (1, 2 and 3 signed passed) or ``failed`` (a level signed failed)."""
    return signoff_status(CASHFLOW_LEVELS, live_results, started=bool(live_results))


def next_level_of(levels: Sequence[int], live_results: Mapping[int, str]) -> int | None:
    """The lowest of ``levels`` not yet signed ``passed`` (None when all have): the one level
    that may sign next — the order rule of every sign-off."""
    for level in levels:
        if live_results.get(level) != "passed":
            return level
    return None


def next_level(cadence: str, live_results: Mapping[int, str]) -> int | None:
    """The lowest required level not yet signed ``passed`` (None when all have)."""
    return next_level_of(required_levels(cadence), live_results)


def digest(payload: object) -> str:
    """sha256 of ``payload`` written as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(
    checks: Sequence[tuple[int, str, str, str]], findings: Sequence[Sequence[str]]
) -> str:
    """sha256 of the check answers ``(position, text, answer, note)`` and the findings' fields:
    what a sign-off signed. Any change of either gives another fingerprint."""
    return digest(
        {
            "checks": sorted([list(check) for check in checks]),
            "findings": sorted([list(finding) for finding in findings]),
        }
    )


def cashflow_fingerprint(receivable: Decimal, received: Decimal, explanation: str) -> str:
    """sha256 of a reconciliation's figures and explanation: what its sign-offs signed."""
    return digest(
        {
            "receivable": money_text(receivable),
            "received": money_text(received),
            "explanation": explanation,
        }
    )


def cashflow_difference(receivable: Decimal, received: Decimal) -> Decimal:
    """``received − receivable``: negative when less cash came in than was billed."""
    return received - receivable


def relative_difference(receivable: Decimal, received: Decimal) -> Decimal | None:
    """|difference| ÷ receivable as a 4-place fraction (0.0125 = 1.25 %), what the city ranking
    sorts by; None for a difference with no receivable to measure it by (ranked first)."""
    gap = abs(cashflow_difference(receivable, received))
    if not receivable:
        return Decimal("0.0000") if not gap else None
    return (gap / receivable).quantize(RATE, ROUND_HALF_UP)


def latest_past_due_billing_month(day: dt.date) -> dt.date:
    """The first day of the latest billing month whose bills are past due on ``day``.

    A bill for month M is due at the end of M+1 (``arrears.calculations.due_date``), so on
    ``day`` the bills of M-2 and earlier (M = ``day``'s month) are past due and those of M-1 not
    yet. Rule R5 reads the bills of this month and earlier."""
    month = Month.of(day).shift(-2)
    assert due_date(month.first_day) < day <= due_date(month.next().first_day)
    return month.first_day


def money_text(amount: Decimal) -> str:
    """An amount as the explanations write it: two decimals, no grouping."""
    return f"{amount:.2f}"
