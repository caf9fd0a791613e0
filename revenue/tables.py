"""Tables of the revenue pages; each one also exports to xlsx (``value_*`` give raw numbers)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from marketing_ops import formatting
from marketing_ops.formatting import DATETIME_FORMAT, MISSING, MONTH_NAMES, percent_number
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.tables import (
    DateColumn,
    MoneyColumn,
    NumColumn,
    PersonColumn,
    RateColumn,
    low_priority,
)
from revenue.calculations import FigureProgress
from revenue.models import (
    Decomposition,
    MonthlyReport,
    PhasingProfile,
    Plan,
    ProvinceStanding,
    Rephasing,
)
from revenue.selectors.progress import MonthSeriesRow, ProgressSummary
from revenue.selectors.targets import TargetPhasing

ATTRS = {"class": "table table-sm table-hover align-middle"}

#: The names of the progress and report statuses a status column shows.
STATUS_NAMES = {
    "ahead": _("ahead"),
    "behind": _("behind"),
    "at_risk": _("at risk"),
    "draft": _("draft"),
    "submitted": _("submitted"),
    "approved": _("approved"),
    "returned": _("returned"),
    "not reported": _("not reported"),
}


#: The names of the steps a report's change history records.
ACTION_NAMES = {
    "create": _("create"),
    "edit": _("edit"),
    "import": _("import"),
    "submit": _("submit"),
    "approve": _("approve"),
    "return": _("return"),
    "reopen": _("reopen"),
    "discard": _("discard"),
}


def status_badge(status: str | None) -> str:
    if not status:
        return MISSING
    name = STATUS_NAMES.get(status, status.replace("_", " "))
    return format_html('<span class="status-{}">{}</span>', status, name)


class StatusColumn(tables.Column):
    """A progress or report status by its name, on the page (a coloured badge) and in the
    export (``at risk`` / 有风险, never ``at_risk``)."""

    def render(self, value: Any) -> str:
        return status_badge(value)

    def value(self, value: Any) -> Any:
        return str(STATUS_NAMES.get(value, value)) if value else value


def _row_class(record: dict[str, Any]) -> str:
    return f"row-{record.get('status')}" if record.get("status") in ("behind", "at_risk") else ""


class CountyProgressTable(tables.Table):
    """Counties against time progress, best first."""

    rank = NumColumn(default=MISSING, verbose_name=_("Rank"))
    county = tables.Column(verbose_name=_("County"))
    report_state = tables.Column(verbose_name=_("Report for the month"), default="")
    revenue_target = MoneyColumn(verbose_name=_("Annual target"))
    cumulative_actual = MoneyColumn(verbose_name=_("Approved to date"))
    submitted_pending = MoneyColumn(verbose_name=_("Submitted, not approved"))
    completion_rate = RateColumn(verbose_name=_("Completion"))
    gap_pp = NumColumn(verbose_name=_("Gap (pp)"), default=MISSING)
    status = StatusColumn(default=MISSING, verbose_name=_("Status"))
    projected_year_end = MoneyColumn(verbose_name=_("Projected year end"))
    required_monthly = MoneyColumn(verbose_name=_("Needed per month"))

    class Meta:
        attrs = ATTRS
        orderable = False
        row_attrs = {"class": _row_class, "data-county": lambda record: record["code"]}
        empty_text = _("No active counties.")

    def render_county(self, value: str, record: dict[str, Any]) -> str:
        if record.get("url"):
            return format_html('<a href="{}">{}</a>', record["url"], value)
        return value

    def value_county(self, value: str) -> str:
        return value

    def render_report_state(self, value: str) -> str:
        return format_html('<span class="report-{}">{}</span>', value, REPORT_STATES[value])

    def value_report_state(self, value: str) -> str:
        return str(REPORT_STATES[value])


#: How a county's report for the month is named beside its figures.
REPORT_STATES = {
    "approved": _("approved"),
    "waiting": _("waiting for approval"),
    "returned": _("returned"),
    "missing": _("missing"),
}


class RankingTable(tables.Table):
    """The city ranking a county user may see: rates and ranks, no amounts."""

    rank = NumColumn(default=MISSING, verbose_name=_("Rank"))
    county = tables.Column(verbose_name=_("County"))
    completion_rate = RateColumn(verbose_name=_("Completion"))
    status = StatusColumn(default=MISSING, verbose_name=_("Status"))

    class Meta:
        attrs = ATTRS
        orderable = False
        row_attrs = {"class": lambda record: "table-primary" if record.get("own") else ""}


class LineProgressTable(tables.Table):
    line = tables.Column(verbose_name=_("Business line"))
    volume_target = NumColumn(verbose_name=_("Annual target"))
    cumulative_actual = NumColumn(verbose_name=_("Approved to date"))
    completion_rate = RateColumn(verbose_name=_("Completion"))
    gap_pp = NumColumn(verbose_name=_("Gap (pp)"), default=MISSING)
    status = StatusColumn(default=MISSING, verbose_name=_("Status"))
    required_monthly = NumColumn(verbose_name=_("Needed per month"), default=MISSING)

    class Meta:
        attrs = ATTRS
        orderable = False
        empty_text = _("No business lines.")


class MonthTable(tables.Table):
    """Month by month: phased target, approved actual, cumulative, report status."""

    month = tables.Column(verbose_name=_("Month"))
    target = MoneyColumn(verbose_name=_("Phased target"))
    actual = MoneyColumn(verbose_name=_("Approved actual"))
    cumulative_target = MoneyColumn(verbose_name=_("Cumulative target"))
    cumulative_actual = MoneyColumn(verbose_name=_("Cumulative actual"))
    status = StatusColumn(verbose_name=_("Report"), default=MISSING)

    class Meta:
        attrs = ATTRS
        orderable = False

    def render_status(self, value: Any, record: dict[str, Any]) -> str:
        name = STATUS_NAMES.get(value, value)
        if record.get("url"):
            return format_html('<a href="{}">{}</a>', record["url"], name)
        return str(name)

    def value_status(self, value: Any) -> Any:
        return str(STATUS_NAMES.get(value, value)) if value else value


class ReportTable(tables.Table):
    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    period = tables.Column(accessor="year", verbose_name=_("Month"), order_by=("year", "month"))
    revenue = MoneyColumn(verbose_name=_("Revenue"))
    status = StatusColumn(verbose_name=_("Status"))
    late = tables.BooleanColumn(verbose_name=_("Late"))
    version = NumColumn(verbose_name=_("Version"))
    submitted_at = DateColumn(format=DATETIME_FORMAT, verbose_name=_("Submitted at"))
    submitted_by = PersonColumn(accessor="submitted_by", verbose_name=_("By"))

    class Meta:
        model = MonthlyReport
        fields = ()
        sequence: tuple[str, ...] = (
            "county",
            "period",
            "revenue",
            "status",
            "late",
            "version",
            "submitted_at",
            "submitted_by",
        )
        attrs = ATTRS
        empty_text = _("No reports yet: open a month from the county dashboard to enter figures.")

    def render_period(self, record: MonthlyReport) -> str:
        url = reverse("revenue:report", args=[record.county.code, record.year, record.month])
        shown = formatting.month(Month(record.year, record.month))
        return format_html('<a href="{}">{}</a>', url, shown)

    def value_period(self, record: MonthlyReport) -> str:
        return record.period


class ReviewTable(ReportTable):
    """The review queue: each row opens the report; approve straight from the list."""

    approve = tables.TemplateColumn(
        template_name="revenue/_approve_button.html", verbose_name="", orderable=False
    )

    class Meta(ReportTable.Meta):
        sequence = (*ReportTable.Meta.sequence, "approve")
        empty_text = _("Nothing waiting for review.")

    export_exclude = ("approve",)


class HistoryTable(tables.Table):
    """A report's change history; a phone shows when, which figure and its new value."""

    at = DateColumn(format=DATETIME_FORMAT, verbose_name=_("When"))
    by = low_priority(PersonColumn(accessor="by", verbose_name=_("Who"), default=_("import")))
    action = low_priority(tables.Column(verbose_name=pgettext_lazy("change history", "Action")))
    field = tables.Column(verbose_name=_("Field"))
    old = low_priority(tables.Column(verbose_name=_("Old")))
    new = tables.Column(verbose_name=pgettext_lazy("change history", "New"))
    reason = low_priority(tables.Column(verbose_name=_("Reason")))

    class Meta:
        attrs = ATTRS
        orderable = False
        empty_text = _("No changes yet.")

    def render_action(self, value: str) -> str:
        return str(ACTION_NAMES.get(value, value))

    def render_field(self, value: str) -> str:
        return (
            str(_("Revenue"))
            if value == "revenue"
            else str(_("Status"))
            if value == "status"
            else value
        )

    def _value_name(self, value: Any, record: Any) -> str:
        if getattr(record, "field", None) == "status":
            return str(STATUS_NAMES.get(value, value))
        return str(value)

    def render_old(self, value: Any, record: Any) -> str:
        return self._value_name(value, record)

    def render_new(self, value: Any, record: Any) -> str:
        return self._value_name(value, record)


class PlanTable(tables.Table):
    year = tables.Column(
        linkify=("revenue:plan", {"year": tables.A("year")}), verbose_name=_("Year")
    )
    revenue_target = MoneyColumn(verbose_name=_("Revenue target"))
    status = tables.Column(verbose_name=_("Status"))
    published_at = DateColumn(verbose_name=_("Published at"))

    class Meta:
        model = Plan
        fields = ("year", "revenue_target", "status", "published_at")
        attrs = ATTRS
        orderable = False
        empty_text = _("No plan yet. Create the year's plan from the provincial targets.")


class TargetTable(tables.Table):
    """County targets with 4 quarters."""

    county = tables.Column(verbose_name=_("County"))
    revenue_target = MoneyColumn(verbose_name=_("Annual revenue"))
    q1 = MoneyColumn(verbose_name=_("Q1"))
    q2 = MoneyColumn(verbose_name=_("Q2"))
    q3 = MoneyColumn(verbose_name=_("Q3"))
    q4 = MoneyColumn(verbose_name=_("Q4"))
    volumes = tables.Column(verbose_name=_("Volume targets"))
    profile = tables.Column(verbose_name=_("Phasing"), default=_("equal"))

    class Meta:
        attrs = ATTRS
        orderable = False
        empty_text = _("Not decomposed yet.")


class DecompositionTable(tables.Table):
    created_at = DateColumn(format=DATETIME_FORMAT, verbose_name=_("When"))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("By"))
    method = tables.Column(verbose_name=_("Method"))
    revenue_target = MoneyColumn(verbose_name=_("Revenue target"))
    reason = tables.Column(verbose_name=_("Reason"))
    current = tables.BooleanColumn(verbose_name=_("Current"))

    class Meta:
        model = Decomposition
        fields = ("created_at", "created_by", "method", "revenue_target", "reason", "current")
        attrs = ATTRS
        orderable = False
        empty_text = _("Not decomposed yet.")


class RephasingTable(tables.Table):
    created_at = DateColumn(format=DATETIME_FORMAT, verbose_name=_("When"))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("By"))
    county = tables.Column(accessor="county__code", verbose_name=_("County"), default=_("All"))
    shape = tables.Column(accessor="profile_name", verbose_name=_("Profile or weights"))
    kept_months = tables.Column(verbose_name=_("Months kept (approved)"))
    reason = tables.Column(verbose_name=_("Reason"))

    class Meta:
        model = Rephasing
        fields = ("created_at", "created_by", "county", "shape", "kept_months", "reason")
        attrs = ATTRS
        orderable = False
        empty_text = _("Not phased again since the decomposition.")

    def render_shape(self, record: Rephasing) -> str:
        return record.profile_name or " · ".join(str(w) for w in record.weights)

    def value_shape(self, record: Rephasing) -> str:
        return self.render_shape(record)

    def render_kept_months(self, value: dict[str, list[int]]) -> str:
        return "; ".join(f"{code}: {', '.join(map(str, months))}" for code, months in value.items())


class ProfileTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    values = tables.Column(verbose_name=_("January … December"))
    description = tables.Column(verbose_name=_("Description"))

    class Meta:
        model = PhasingProfile
        fields = ("name", "kind", "values", "description")
        attrs = ATTRS
        orderable = False
        empty_text = _("No profiles yet; phasing is equal months until you add one.")

    def render_values(self, value: list[str]) -> str:
        return " · ".join(value)


class StandingTable(tables.Table):
    period = tables.Column(accessor="year", verbose_name=_("Month"))
    rank = NumColumn(verbose_name=_("Rank"))
    cities = NumColumn(verbose_name=_("Cities"))
    completion_rate = RateColumn(verbose_name=_("Completion (province)"))
    note = tables.Column(verbose_name=_("Note"))

    class Meta:
        model = ProvinceStanding
        fields = ()
        sequence = ("period", "rank", "cities", "completion_rate", "note")
        attrs = ATTRS
        orderable = False
        empty_text = _("No standing entered yet.")

    def render_period(self, record: ProvinceStanding) -> str:
        return formatting.month(Month(record.year, record.month))

    def value_period(self, record: ProvinceStanding) -> str:
        return f"{record.year}-{record.month:02d}"


# --------------------------------------------------------------------------- builders


def _figure_row(figure: FigureProgress) -> dict[str, Any]:
    return {
        "revenue_target": figure.target,
        "cumulative_actual": figure.cumulative_actual,
        "submitted_pending": figure.submitted_pending,
        "completion_rate": figure.completion_rate,
        "gap_pp": figure.gap_pp,
        "status": figure.status,
        "projected_year_end": figure.projected_year_end,
        "required_monthly": figure.required_monthly,
    }


def county_progress_table(summary: ProgressSummary) -> CountyProgressTable:
    """Counties by rank (unranked last), then the city total as the last row."""
    query = f"?year={summary.year}&month={summary.month}"
    rows = [
        {
            "rank": row.rank,
            "county": f"{row.county.code} {row.county.name}",
            "code": row.county.code,
            "url": reverse("revenue:county-dashboard", args=[row.county.code]) + query,
            "report_state": row.report_state,
            **_figure_row(row.revenue),
        }
        for row in sorted(summary.counties, key=lambda r: (r.rank is None, r.rank or 0))
    ]
    rows.append(
        {
            "rank": None,
            "county": _("City total"),
            "code": "city",
            **_figure_row(summary.city.revenue),
        }
    )
    # A month still within its reporting deadline shows each county's report beside its figures.
    return CountyProgressTable(rows, exclude=() if not summary.closed else ("report_state",))


def line_progress_table(summary: ProgressSummary) -> LineProgressTable:
    return LineProgressTable(
        [
            {
                "line": f"{item.line.name} ({item.line.unit})",
                "volume_target": item.figures.target,
                "cumulative_actual": item.figures.cumulative_actual,
                "completion_rate": item.figures.completion_rate,
                "gap_pp": item.figures.gap_pp,
                "status": item.figures.status,
                "required_monthly": item.figures.required_monthly,
            }
            for item in summary.lines
        ]
    )


def ranking_table(summary: ProgressSummary, own: County) -> RankingTable:
    return RankingTable(
        [
            {
                "rank": row.rank,
                "county": f"{row.county.code} {row.county.name}",
                "completion_rate": row.completion_rate,
                "status": row.status,
                "own": row.county.pk == own.pk,
            }
            for row in summary.ranking
        ]
    )


def month_table(
    series: list[MonthSeriesRow], county: County | None = None, year: int | None = None
) -> MonthTable:
    rows = []
    for row in series:
        item = {
            "month": f"{row.month:02d}",
            "target": row.target,
            "actual": row.actual,
            "cumulative_target": row.cumulative_target,
            "cumulative_actual": row.cumulative_actual,
            "status": row.status or ("not reported" if county is not None else None),
        }
        if county is not None:
            # Every month opens its report page: an empty draft until figures are entered.
            item["url"] = reverse("revenue:report", args=[county.code, year, row.month])
        rows.append(item)
    # The city has no report of its own: the status column is a county's.
    return MonthTable(rows, exclude=() if county is not None else ("status",))


def target_table(phasing: list[TargetPhasing], line_names: dict[str, str]) -> TargetTable:
    """Each county's targets; its volume targets named by line (``line_names`` by code)."""
    rows = []
    for item in phasing:
        target = item.target
        rows.append(
            {
                "county": f"{target.county.code} {target.county.name}",
                "revenue_target": target.revenue_target,
                **{f"q{i + 1}": value for i, value in enumerate(item.quarters)},
                "volumes": pgettext("list separator", ", ").join(
                    f"{line_names.get(code, code)} {formatting.count(n)}"
                    for code, n in (target.volume_targets or {}).items()
                ),
                "profile": target.phasing_profile.name
                if target.phasing_profile
                else (_("custom weights") if target.phasing_weights else _("equal")),
            }
        )
    return TargetTable(rows)


def month_target_table(phasing: list[TargetPhasing]) -> tables.Table:
    """Counties × 12 months of phased revenue."""
    columns = [("county", tables.Column(verbose_name=_("County")))] + [
        (f"m{i}", MoneyColumn(verbose_name=name)) for i, name in enumerate(MONTH_NAMES, start=1)
    ]
    rows = []
    for item in phasing:
        row: dict[str, Any] = {"county": item.target.county.code}
        for month in item.months:
            row[f"m{month.month}"] = month.revenue_target
        rows.append(row)
    table_class = type(
        "MonthTargetTable",
        (tables.Table,),
        {"Meta": type("Meta", (), {"attrs": ATTRS, "orderable": False})},
    )
    return table_class(rows, extra_columns=columns)


def _f(value: Any) -> float | None:
    # Chart.js takes plain numbers; display only, never used for arithmetic.
    return None if value is None else float(value)


def city_charts(summary: ProgressSummary, series: list[MonthSeriesRow]) -> dict[str, Any]:
    counties = [c for c in summary.counties if c.county is not None]
    return {
        "completion": {
            "labels": [c.county.name for c in counties],
            "rates": [_f(percent_number(c.revenue.completion_rate)) for c in counties],
            "statuses": [c.revenue.status for c in counties],
            "time_progress": _f(percent_number(summary.time_progress)),
        },
        "cumulative": _cumulative(series),
        "lines": {
            "labels": [item.line.name for item in summary.lines],
            "targets": [_f(item.figures.target) for item in summary.lines],
            "actuals": [_f(item.figures.cumulative_actual) for item in summary.lines],
        },
    }


def county_charts(series: list[MonthSeriesRow]) -> dict[str, Any]:
    return {"cumulative": _cumulative(series)}


def _cumulative(series: list[MonthSeriesRow]) -> dict[str, Any]:
    return {
        "labels": [f"{row.month:02d}" for row in series],
        "targets": [_f(row.cumulative_target) for row in series],
        "actuals": [_f(row.cumulative_actual) for row in series],
    }
