"""Column types: each parses one cell of an upload into a value, or names what is wrong."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.money import CENT, check_amount, parse_amount
from marketing_ops.periods import DateWindow, Month, business_window
from marketing_ops.tabular.labels import column_label

if TYPE_CHECKING:
    from marketing_ops.tabular.dataset import ImportContext

_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,2})?\Z")
#: Memoised parses per column (dates and months repeat across a file); bounded.
_MEMO_LIMIT = 20_000


class Column:
    """A column of a dataset. ``parse`` turns a non-blank cell into a value or raises ValueError
    whose text is shown to the user as the message."""

    #: ``parse("")`` raises ValueError (true for every type but text).
    parse_rejects_blank = True

    def __init__(
        self,
        name: str,
        *,
        required: bool = True,
        blank: bool = False,
        default: Any = None,
        label: str | Promise | None = None,
    ):
        self.name = name
        self.required = required  # the column must be in the header
        self.blank = blank or not required  # an empty cell is allowed (then ``default``)
        self.default = default
        #: What the column is called in the user's language (``labels.COLUMN_LABELS``).
        self.label = label if label is not None else column_label(name)

    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        return self.parse

    def parse(self, raw: Any) -> Any:
        return raw if isinstance(raw, str) else str(raw)

    def describe(self) -> str:
        return "text"


class Text(Column):
    parse_rejects_blank = False

    def __init__(self, name: str, *, max_length: int = 255, **kwargs: Any):
        super().__init__(name, **kwargs)
        self.max_length = max_length

    def parse(self, raw: Any) -> str:
        if raw.__class__ is str and len(raw) <= self.max_length and "\x00" not in raw:
            return raw
        value = raw if isinstance(raw, str) else _plain(raw)
        if len(value) > self.max_length:
            raise ValueError(_("longer than %(limit)s characters") % {"limit": self.max_length})
        if "\x00" in value:
            # PostgreSQL cannot store a NUL character; a CSV may still carry one.
            raise ValueError("contains a NUL character; remove it and upload again")
        return value


class Integer(Column):
    """A whole number from ``min_value`` (0) to ``max_value`` (by default the largest an
    ``integer`` column holds)."""

    def __init__(self, name: str, *, min_value: int = 0, max_value: int = INTEGER_MAX, **kw: Any):
        super().__init__(name, **kw)
        self.min_value, self.max_value = min_value, max_value

    def parse(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError(_("expected a whole number, got %(value)r") % {"value": raw})
        if isinstance(raw, float):
            if not raw.is_integer():
                raise ValueError(_("expected a whole number, got %(value)r") % {"value": raw})
            value = int(raw)
        elif isinstance(raw, int):
            value = raw
        else:
            text = str(raw).strip()
            # ASCII digits only, and few enough that int() is cheap whatever the cell holds.
            digits = text[1:] if text[:1] in "+-" else text
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 20):
                raise ValueError(
                    _("expected a whole number, got %(value)s") % {"value": _shown(raw)}
                )
            value = int(text)
        if value < self.min_value:
            if self.min_value == 0:
                raise ValueError(_("must not be negative, got %(value)s") % {"value": value})
            raise ValueError(
                _("must be at least %(limit)s, got %(value)s")
                % {"limit": self.min_value, "value": value}
            )
        if value > self.max_value:
            raise ValueError(
                _("must be at most %(limit)s, got %(value)s")
                % {"limit": self.max_value, "value": value}
            )
        return value

    def describe(self) -> str:
        return _("whole number")


class Money(Column):
    """A plain decimal with at most 2 places (yuan), e.g. ``1234.50``; never a float."""

    def __init__(self, name: str, *, allow_negative: bool = False, **kwargs: Any):
        super().__init__(name, **kwargs)
        self.allow_negative = allow_negative

    def parse(self, raw: Any) -> Decimal:
        # Fast path for the common plain text "1234.50": the pattern already proves the places.
        if raw.__class__ is str and _PLAIN_AMOUNT.match(raw):
            if raw[0] == "-" and not self.allow_negative:
                raise ValueError(_("must not be negative, got %(value)s") % {"value": raw})
            value = Decimal(raw)
            return value if raw[-3:-2] == "." else value.quantize(CENT)
        return self._parse_other(raw)

    def _parse_other(self, raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise ValueError(_("expected an amount like 1234.50, got %(value)r") % {"value": raw})
        if isinstance(raw, str):
            # Text is written as a person writes an amount (money.parse_amount): plain or with
            # thousands separators, never an exponent, inf or nan.
            return parse_amount(raw, allow_negative=self.allow_negative)
        # A spreadsheet's number cell holds the number itself, however Excel displays it.
        text = repr(raw) if isinstance(raw, float) else str(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("expected an amount like 1234.50, got %(value)r") % {"value": text})
        if not value.is_finite():
            raise ValueError(_("expected an amount like 1234.50, got %(value)r") % {"value": text})
        # A finite Decimal's exponent is an int (only NaN and Infinity have a letter there).
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(_("at most 2 decimal places, got %(value)s") % {"value": text})
        return check_amount(value, allow_negative=self.allow_negative, shown=text)

    def describe(self) -> str:
        return _("amount (yuan, 2 places)")


class Date(Column):
    """A date ``YYYY-MM-DD`` within the business window (``periods.business_window``);
    ``first_year`` or ``years_ahead`` widen it for a field that needs it."""

    def __init__(
        self,
        name: str,
        *,
        first_year: int | None = None,
        years_ahead: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(name, **kwargs)
        self.first_year, self.years_ahead = first_year, years_ahead

    def window(self) -> DateWindow:
        return business_window(first_year=self.first_year, years_ahead=self.years_ahead)

    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        window, value = self.window(), self.value  # once per upload, not per cell
        return _memoised(lambda raw: value(window.check(_date(raw))))

    def parse(self, raw: Any) -> Any:
        return self.value(self.window().check(_date(raw)))

    def value(self, day: dt.date) -> Any:
        """What the dataset receives for a valid date (a subclass may hand on ISO text)."""
        return day

    def describe(self) -> str:
        return _("date YYYY-MM-DD")


class MonthColumn(Column):
    """A month ``YYYY-MM`` within the business window (``periods.business_window``)."""

    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        window, value = business_window(), self.value  # once per upload, not per cell
        return _memoised(lambda raw: value(window.check_month(_month(raw))))

    def parse(self, raw: Any) -> Any:
        return self.value(business_window().check_month(_month(raw)))

    def value(self, month: Month) -> Any:
        """What the dataset receives for a valid month (a subclass may hand on ISO text)."""
        return month

    def describe(self) -> str:
        return _("month YYYY-MM")


class Choice(Column):
    """One of fixed values, matched case-insensitively; ``choices`` maps input → stored value."""

    def __init__(self, name: str, choices: dict[str, Any] | Iterable[str], **kwargs: Any):
        super().__init__(name, **kwargs)
        pairs = choices.items() if isinstance(choices, dict) else ((c, c) for c in choices)
        self.choices = {str(k).lower(): v for k, v in pairs}
        self.shown = ", ".join(str(k) for k in (choices if isinstance(choices, dict) else choices))

    def parse(self, raw: Any) -> Any:
        key = (raw if isinstance(raw, str) else _plain(raw)).lower()
        try:
            return self.choices[key]
        except KeyError:
            raise ValueError(
                _("expected one of %(choices)s, got %(value)r")
                % {"choices": self.shown, "value": raw}
            )

    def describe(self) -> str:
        return _("one of %(choices)s") % {"choices": self.shown}


class YesNo(Choice):
    def __init__(self, name: str, **kwargs: Any):
        super().__init__(name, {"Y": True, "N": False}, **kwargs)
        self.choices.update({"yes": True, "no": False, "true": True, "false": False})


class CountyCode(Column):
    """A county code that exists; a county user may only name their own county."""

    def parser(self, ctx: ImportContext) -> Callable[[Any], int]:
        counties = ctx.counties
        own = ctx.county_id
        own_code = next((c for c, pk in counties.items() if pk == own), None)

        def parse(raw: Any) -> int:
            code = raw if isinstance(raw, str) else _plain(raw)
            county_id = counties.get(code) or counties.get(code.upper())
            if county_id is None:
                raise ValueError(_("unknown county code %(code)r") % {"code": code})
            if own is not None and county_id != own:
                raise ValueError(
                    _("county %(code)s is outside your county (%(own)s)")
                    % {"code": code, "own": own_code}
                )
            return county_id

        if not ctx.city_wide and own is None:
            return _reject(_("your account is not bound to a county; ask an administrator"))
        return parse

    def describe(self) -> str:
        return _("county code")


class BusinessLineCode(Column):
    def parser(self, ctx: ImportContext) -> Callable[[Any], int]:
        lines = ctx.lines

        def parse(raw: Any) -> int:
            code = raw if isinstance(raw, str) else _plain(raw)
            line_id = lines.get(code) or lines.get(code.upper())
            if line_id is None:
                raise ValueError(_("unknown business line %(code)r") % {"code": code})
            return line_id

        return parse

    def describe(self) -> str:
        return _("business line code")


def _memoised(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Cache a column's parses of text cells; errors are not cached (they are rare)."""
    memo: dict[str, Any] = {}

    def cached(raw: Any) -> Any:
        if raw.__class__ is not str:
            return parse(raw)
        try:
            return memo[raw]
        except KeyError:
            value = parse(raw)
            if len(memo) < _MEMO_LIMIT:
                memo[raw] = value
            return value

    return cached


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = raw if isinstance(raw, str) else str(raw)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(_("expected a date as YYYY-MM-DD, got %(value)s") % {"value": _shown(text)})


def _month(raw: Any) -> Month:
    # A spreadsheet turns "2026-03" typed into a cell into the date 2026-03-01.
    if isinstance(raw, dt.date) and raw.day == 1:
        return Month(raw.year, raw.month)
    try:
        return Month.parse(raw if isinstance(raw, str) else str(raw))
    except ValueError:
        raise ValueError(_("expected a month as YYYY-MM, got %(value)s") % {"value": _shown(raw)})


def _shown(raw: Any) -> str:
    """A cell as an error message quotes it: at most 40 characters."""
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _reject(message: str) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:
        raise ValueError(message)

    return parse


def _plain(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    return str(raw)
