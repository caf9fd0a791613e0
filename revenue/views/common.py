"""What every revenue page shares: the period of ``?year=&month=`` and the xlsx of its tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from marketing_ops.pages import wants_xlsx
from marketing_ops.periods import Month
from marketing_ops.xlsx import table_sheet, xlsx_response
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


def xlsx_of(
    request: HttpRequest, name: str, tables: Sequence[tuple[Any, str]]
) -> HttpResponse | None:
    """The page's tables as a workbook when ``?export=xlsx`` asks for it, else None."""
    if not wants_xlsx(request):
        return None
    return xlsx_response(name, [table_sheet(table, title) for table, title in tables])


def error_text(error: ValidationError) -> str:
    """A service's refusal as one line, for a message on a page without a form."""
    return " ".join(error.messages)
