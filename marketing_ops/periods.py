"""Months, weeks and days as the business counts them (a month is written ``YYYY-MM``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


#: The years a month may fall in; a date outside them has no month (ageing, long-term arrears
#: and a year's transfers are all counted in months).
FIRST_YEAR, LAST_YEAR = 1900, 9999


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(_("month must be 1..12, got %(value)s") % {"value": self.month})
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(_("year out of range: %(value)s") % {"value": self.year})

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``; raises ValueError with a message a user can act on."""
        match = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(_("expected a month as YYYY-MM, got %(value)r") % {"value": text})
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def next(self) -> Month:
        return self.shift(1)

    def previous(self) -> Month:
        return self.shift(-1)


def previous_month(today: dt.date) -> Month:
    return Month.of(today).previous()


def iso_week_label(day: dt.date) -> str:
    """``YYYY-Www`` of the ISO week containing ``day`` (weeks run Monday to Sunday)."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week containing ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def parse_date(text: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` strictly."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(_("expected a date as YYYY-MM-DD, got %(value)r") % {"value": text})


@dataclass(frozen=True)
class DateWindow:
    """The days a business date may fall on; a date outside is a typing or export mistake
    (0001-01-01, 9999-12-31), refused before it reaches ageing, due dates or the database."""

    first: dt.date
    last: dt.date

    def check(self, day: dt.date) -> dt.date:
        if not self.first <= day <= self.last:
            raise ValueError(
                _("expected a date from %(first)s to %(last)s, got %(value)s")
                % {
                    "first": self.first.isoformat(),
                    "last": self.last.isoformat(),
                    "value": day.isoformat(),
                }
            )
        return day

    def check_month(self, month: Month) -> Month:
        first, last = self.first, self.last
        if not (first.year, first.month) <= (month.year, month.month) <= (last.year, last.month):
            raise ValueError(
                _("expected a month from %(first)s to %(last)s, got %(value)s")
                % {"first": Month.of(self.first), "last": Month.of(self.last), "value": month}
            )
        return month


def business_window(*, first_year: int | None = None, years_ahead: int | None = None) -> DateWindow:
    """Business dates (opened_on, paid_on, billing months, report months…): from 1 January of
    ``BUSINESS_DATE_MIN_YEAR`` to the end of the year ``BUSINESS_DATE_YEARS_AHEAD`` after this
    one (settings). A field that needs more says so with ``first_year`` or ``years_ahead``."""
    first = settings.BUSINESS_DATE_MIN_YEAR if first_year is None else first_year
    ahead = settings.BUSINESS_DATE_YEARS_AHEAD if years_ahead is None else years_ahead
    last_year = min(timezone.localdate().year + ahead, LAST_YEAR - 1)
    return DateWindow(dt.date(max(first, FIRST_YEAR), 1, 1), dt.date(last_year, 12, 31))
