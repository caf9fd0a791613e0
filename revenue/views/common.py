"""What every revenue page shares: the period of ``?year=&month=``, a refusal as one line."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from marketing_ops.periods import Month
from revenue.forms import PeriodForm
from revenue.selectors.reports import closed_month


def last_month() -> Month:
    return Month.of(timezone.localdate()).previous()


def period(request: HttpRequest, default: Month | None = None) -> tuple[int, int]:
    """Year and month from ``?year=&month=``; default the latest month whose reporting deadline
    has passed (December for a past year)."""
    default = default or closed_month()
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return default.year, default.month
    year = form.cleaned_data.get("year") or default.year
    month = form.cleaned_data.get("month") or (default.month if year == default.year else 12)
    return year, month


def error_text(error: ValidationError) -> str:
    """A service's refusal as one line, for a message on a page without a form."""
    return " ".join(error.messages)
