"""How figures read: money, rates, percentage points, months, dates and people, in one place.

Tables (``marketing_ops.tables``), template filters (``{% load formatting %}``), chart data and
briefings all call these functions, so 49.87% and 1,234,567.50 read the same everywhere. A
missing value reads as an em dash.

They follow the active language (docs/language-and-formats.md): numbers carry thousands
separators and money two places in both; dates, months and percentage points are written as
the language writes them — ``2026-12-05``, ``2026-12`` and ``+1.20 pp`` in English,
``2026年12月5日``, ``2026年12月`` and ``+1.20个百分点`` in Chinese. Files and the API stay ISO
(they do not format through here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy

from marketing_ops.money import CENT
from marketing_ops.periods import Month

#: What a missing value reads as.
MISSING = "—"

HUNDRED = Decimal(100)


def money(amount: Decimal | int | None) -> str:
    """1234567.5 → ``1,234,567.50``."""
    return MISSING if amount is None else f"{amount:,.2f}"


def percent_number(rate: Decimal | None) -> Decimal | None:
    """A 4-place fraction as the number of percent, to 2 places: 0.4987 → 49.87 (charts)."""
    return None if rate is None else (rate * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def percent(rate: Decimal | None) -> str:
    """A 4-place fraction as a percentage: 0.4987 → ``49.87%``."""
    number = percent_number(rate)
    return MISSING if number is None else f"{number:.2f}%"


#: The months' short names for column heads and fields (Jan … Dec; 1月 … 12月).
MONTH_NAMES = [
    gettext_lazy("Jan"),
    gettext_lazy("Feb"),
    gettext_lazy("Mar"),
    gettext_lazy("Apr"),
    gettext_lazy("May"),
    gettext_lazy("Jun"),
    gettext_lazy("Jul"),
    gettext_lazy("Aug"),
    gettext_lazy("Sep"),
    gettext_lazy("Oct"),
    gettext_lazy("Nov"),
    gettext_lazy("Dec"),
]


@dataclass(frozen=True)
class Forms:
    """How one language writes dates, months and percentage points."""

    date: str  # a Django date format
    datetime: str
    month: str  # with {year} and {month}
    points: str  # with {number}
    week: str  # an ISO week, with {year} and {week}


ISO_FORMS = Forms(
    date="Y-m-d",
    datetime="Y-m-d H:i",
    month="{year}-{month:02d}",
    points="{number} pp",
    week="{year}-W{week:02d}",
)
CHINESE_FORMS = Forms(
    date="Y年n月j日",
    datetime="Y年n月j日 H:i",
    month="{year}年{month}月",
    points="{number}个百分点",
    week="{year}年第{week}周",
)


def forms() -> Forms:
    """The forms of the active language (Chinese for ``zh-hans``, ISO otherwise)."""
    language = translation.get_language() or ""
    return CHINESE_FORMS if language.lower().startswith("zh") else ISO_FORMS


def points(change: Decimal | None, *, signed: bool = True) -> str:
    """Percentage points: −3.333 → ``-3.33 pp``; with ``signed`` a gain reads ``+1.20 pp``
    (``+1.20个百分点`` in Chinese)."""
    if change is None:
        return MISSING
    return forms().points.format(number=f"{change:+.2f}" if signed else f"{change:.2f}")


def points_apart(change: Decimal | None) -> str:
    """How far apart, without a sign, for a sentence that already says which way:
    "behind by ``0.23 pp``" for −0.23."""
    return MISSING if change is None else points(abs(change), signed=False)


def count(value: int | None) -> str:
    """A whole number with thousands separators: 12345 → ``12,345``."""
    return MISSING if value is None else f"{value:,}"


def month(value: Month | dt.date | str | None) -> str:
    """A month as the business writes it: ``2026-10`` (``2026年10月``); a ``YYYY-MM`` text too."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        value = Month.parse(value)
    return forms().month.format(year=value.year, month=value.month)


def week(value: dt.date | None) -> str:
    """The ISO week a day falls in: ``2026-W48`` (``2026年第48周``)."""
    if value is None:
        return MISSING
    year, number, _weekday = value.isocalendar()
    return forms().week.format(year=year, week=number)


def period(label: str) -> str:
    """A period written as the API writes it — ``YYYY-MM-DD``, ``YYYY-Www`` or ``YYYY-MM`` — as
    pages write it (``2026年12月4日``, ``2026年第48周``, ``2026年11月``); anything else as it is."""
    try:
        if "-W" in label:
            year, number = label.split("-W")
            return week(dt.date.fromisocalendar(int(year), int(number), 1))
        if len(label) == 7:
            return month(Month.parse(label))
        return date(dt.date.fromisoformat(label))
    except ValueError:
        return label


#: The date format of every page, table and briefing, in the language's form: these two
#: stand for ``forms().date`` / ``forms().datetime``; any other Django format is used as it is.
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"


def date(value: dt.date | dt.datetime | None, fmt: str | None = None) -> str:
    """A date as ``2026-03-24`` (``2026年3月24日``), a datetime as ``2026-03-24 09:30``
    (``2026年3月24日 09:30``) in local time."""
    if not isinstance(value, dt.date):  # None, or a template's missing variable ("")
        return MISSING
    language = forms()
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if fmt is None or fmt == DATETIME_FORMAT:
            return dateformat.format(value, language.datetime)
        return dateformat.format(value, language.date if fmt == DATE_FORMAT else fmt)
    return dateformat.format(value, language.date if fmt is None or fmt == DATE_FORMAT else fmt)


def person(user: Any) -> str:
    """A user as pages show them: the display name on their profile, else their full name,
    else their user name (``{{ user|person }}``)."""
    if user is None:
        return MISSING
    try:
        profile = user.profile
    except Exception:  # no profile (RelatedObjectDoesNotExist), or not a user with one
        profile = None
    name = getattr(profile, "display_name", "") if profile is not None else ""
    if name:
        return str(name)
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or (user.get_username() if hasattr(user, "get_username") else str(user))


def person_choice(user: Any) -> str:
    """A user in a picker: the name pages show and, when it differs, the user name people sign in
    with, ``张伟 (c01_staff)``."""
    name = person(user)
    login = user.get_username() if hasattr(user, "get_username") else ""
    return f"{name} ({login})" if login and login != name else name
