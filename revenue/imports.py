"""The monthly figures dataset (docs/file-formats.md): ``county_code, year, month, revenue,
<LINE>...``.

The volume columns are the active business lines, so the dataset's columns are read from the
database each time an upload starts (lines are data, docs/rules.md#organisation-data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES, visible_counties
from marketing_ops.models import BusinessLine
from marketing_ops.periods import Month, business_window
from marketing_ops.xlsx import Kind, Sheet, xlsx_response
from revenue.models import MonthlyReport
from revenue.selectors import reports as report_selectors
from revenue.services.reports import month_has_ended, reports_import

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

FIXED_COLUMNS: tuple[tabular.Column, ...] = (
    tabular.CountyCode("county_code"),
    tabular.Integer("year", min_value=2000, max_value=2100),
    tabular.Integer("month", min_value=1, max_value=12),
    tabular.Money("revenue"),
)


def line_codes() -> list[str]:
    return list(
        BusinessLine.objects.filter(active=True)
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )


def columns_with_lines(codes: list[str]) -> tuple[tabular.Column, ...]:
    # A blank volume cell means no new households that month.
    return FIXED_COLUMNS + tuple(tabular.Integer(code, blank=True, default=0) for code in codes)


class _LineColumns:
    """``columns`` computed from the active lines whenever the class is asked."""

    def __get__(self, instance: Any, owner: type) -> tuple[tabular.Column, ...]:
        return columns_with_lines(line_codes())


#: The locked statuses in a message, in the user's language.
_STATUS_WORDS = {"submitted": _("submitted"), "approved": _("approved")}


@tabular.register
class MonthlyFiguresDataset(tabular.Dataset):
    name = "monthly_figures"
    label = _("Monthly figures (revenue and volumes)")
    description = _(
        "One row per county and month: revenue (yuan) and new households per business line. "
        "Only months that have ended. Reports are saved as drafts; submit them afterwards. "
        "Submitted or approved reports cannot be overwritten."
    )
    roles = WRITING_ROLES
    columns = _LineColumns()
    key_columns = ("county_code", "year", "month")

    def __init__(self) -> None:
        self.codes = line_codes()
        # One read of the lines per upload; the instance keeps them for the whole run (an
        # instance attribute over the class's descriptor, which the stubs cannot follow).
        self.columns = columns_with_lines(self.codes)  # type: ignore[misc]

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        county_id, year, month = values[0], values[1], values[2]
        try:
            business_window().check_month(Month(year, month))
        except ValueError as exc:
            return [("year", str(exc))]
        if not month_has_ended(year, month, timezone.localdate(ctx.now)):
            return [
                (
                    "month",
                    gettext("%(month)s has not ended yet; report only ended months")
                    % {"month": f"{year}-{month:02d}"},
                )
            ]
        status = self._statuses(ctx, year, month).get(county_id)
        if status in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED):
            hint = (
                gettext("city staff may reopen it")
                if status == MonthlyReport.Status.APPROVED
                else gettext("ask city staff to return it")
            )
            message = gettext("the %(month)s report is %(status)s and locked; %(hint)s") % {
                "month": f"{year}-{month:02d}",
                "status": _STATUS_WORDS.get(status, status),
                "hint": hint,
            }
            return [("month", message)]
        return []

    def _statuses(self, ctx: tabular.ImportContext, year: int, month: int) -> dict[int, str]:
        # One query per month named in the file (a file normally holds one month).
        cache = ctx.state.setdefault("statuses", {})
        if (year, month) not in cache:
            cache[(year, month)] = dict(
                MonthlyReport.objects.filter(year=year, month=month).values_list(
                    "county_id", "status"
                )
            )
        return cache[(year, month)]

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = [
            (
                values[0],
                values[1],
                values[2],
                values[3],
                dict(zip(self.codes, (v or 0 for v in values[4:]), strict=True)),
            )
            for values in ctx.state["rows"]
        ]
        try:
            return reports_import(rows=rows, user=ctx.user, now=ctx.now)
        except ValidationError as exc:
            raise tabular.ImportRejected(tabular.RowError(None, "month", " ".join(exc.messages)))


def monthly_figures_template(user: AnyUser, year: int, month: int) -> HttpResponse:
    """The workbook to fill in: the dataset's columns, one row per active county in the user's
    scope, pre-filled with figures already saved for the month (blank where none)."""
    codes = line_codes()
    reports = report_selectors.month_reports_for(user, year, month)
    rows: list[list[Any]] = []
    for county in visible_counties(user):
        report = reports.get(county.pk)
        if report is None:
            rows.append([county.code, year, month, None, *([None] * len(codes))])
            continue
        volumes = {v.line.code: v.volume for v in report.volumes.all()}
        rows.append([county.code, year, month, report.revenue, *(volumes.get(c, 0) for c in codes)])
    columns = columns_with_lines(codes)
    # The codes the importer reads; their names in the user's language as the cells' comments.
    sheet = Sheet(
        "monthly_figures",
        [c.name for c in columns],
        rows,
        kinds=[Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.MONEY, *([Kind.COUNT] * len(codes))],
        notes=[str(c.label) for c in columns],
    )
    return xlsx_response(f"monthly-figures-{year}-{month:02d}.xlsx", [sheet])
