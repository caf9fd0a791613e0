"""Revenue's section of the monthly briefing (docs/rules.md#briefings): completion against time
progress and
ranking, counties at risk, volumes, late or missing reports.

A county's briefing holds only that county: its own figures and rank, never another county's
name or amount.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketing_ops.access import briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.formatting import DATE_FORMAT, date, money, percent, points
from marketing_ops.formatting import month as month_text
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import Kind, Sheet
from revenue.selectors import progress
from revenue.selectors import reports as report_selectors
from revenue.tables import STATUS_NAMES

COUNTY_HEADERS = [
    gettext_lazy("Rank"),
    gettext_lazy("County"),
    gettext_lazy("Annual target"),
    gettext_lazy("Approved to date"),
    gettext_lazy("Completion"),
    gettext_lazy("Gap (pp)"),
    gettext_lazy("Status"),
    gettext_lazy("Projected year end"),
    gettext_lazy("Needed per month"),
]
LINE_HEADERS = [
    gettext_lazy("Business line"),
    gettext_lazy("Annual target"),
    gettext_lazy("Approved to date"),
    gettext_lazy("Completion"),
    gettext_lazy("Gap (pp)"),
]
COUNTY_KINDS = [
    Kind.NUMBER,
    Kind.TEXT,
    Kind.MONEY,
    Kind.MONEY,
    Kind.RATE,
    Kind.POINTS,
    Kind.TEXT,
    Kind.MONEY,
    Kind.MONEY,
]
LINE_KINDS = [Kind.TEXT, Kind.COUNT, Kind.COUNT, Kind.RATE, Kind.POINTS]


def _status(status: str | None) -> str:
    if not status:
        return _("no target")
    return str(STATUS_NAMES.get(status, status.replace("_", " ")))


def _county_row(row: progress.CountyProgress) -> list[Any]:
    figure = row.revenue
    return [
        row.rank,
        f"{row.county.code} {row.county.name}" if row.county else _("City"),
        figure.target,
        figure.cumulative_actual,
        figure.completion_rate,
        figure.gap_pp,
        _status(figure.status),
        figure.projected_year_end,
        figure.required_monthly,
    ]


def _headline(name: str, row: progress.CountyProgress, summary: progress.ProgressSummary) -> str:
    figure = row.revenue
    if figure.completion_rate is None:
        return _("%(name)s: no revenue target for %(year)s.") % {"name": name, "year": summary.year}
    return _(
        "%(name)s: %(rate)s of the annual revenue target "
        "(%(actual)s of %(target)s yuan) against time "
        "progress %(progress)s — %(gap)s, %(status)s."
    ) % {
        "name": name,
        "rate": percent(figure.completion_rate),
        "actual": money(figure.cumulative_actual),
        "target": money(figure.target),
        "progress": percent(summary.time_progress),
        "gap": points(figure.gap_pp, signed=False),
        "status": _status(figure.status),
    }


def _outlook(row: progress.CountyProgress) -> str | None:
    figure = row.revenue
    if figure.completion_rate is None:
        return None
    needed = (
        _("%(amount)s yuan per month still needed") % {"amount": money(figure.required_monthly)}
        if figure.required_monthly is not None
        else _("the year is complete")
    )
    return _("Projected year end %(amount)s yuan; %(needed)s.") % {
        "amount": money(figure.projected_year_end),
        "needed": needed,
    }


def sections(period: BriefingPeriod, county: County | None) -> list[Section]:
    """Progress through the briefing's month once its reporting deadline has passed, else
    through the latest month whose deadline has (a county is not ranked down for a report
    still within its deadline); the reports of the briefing's month by state."""
    if period.kind != "monthly":
        return []
    month = min(period.month, report_selectors.closed_month(), key=lambda m: (m.year, m.month))
    summary = progress.progress_summary(briefing_reader(county), month.year, month.month)
    if summary.plan is None:
        return [
            Section(
                title=_("Revenue"),
                lines=[_("There is no revenue plan for %(year)s yet.") % {"year": month.year}],
                order=10,
            )
        ]
    reported = period.month
    if county is None:
        return [_city_section(summary), _reports_section(reported.year, reported.month, None)]
    return [
        _county_section(summary, county),
        _reports_section(reported.year, reported.month, county),
    ]


def _volume_sheet(summary: progress.ProgressSummary, title: str) -> Sheet:
    return Sheet(
        title,
        LINE_HEADERS,
        [
            [
                f"{item.line.name} ({item.line.unit})",
                item.figures.target,
                item.figures.cumulative_actual,
                item.figures.completion_rate,
                item.figures.gap_pp,
            ]
            for item in summary.lines
        ],
        kinds=LINE_KINDS,
    )


def _city_section(summary: progress.ProgressSummary) -> Section:
    lines = [_headline(_("The city"), summary.city, summary)]
    outlook = _outlook(summary.city)
    if outlook:
        lines.append(outlook)
    if summary.standing:
        standing = summary.standing
        lines.append(
            _(
                "Province standing: %(rank)s of %(cities)s cities "
                "(%(rate)s as the province computed it)."
            )
            % {
                "rank": standing.rank,
                "cities": standing.cities,
                "rate": percent(standing.completion_rate),
            }
        )
    ranked = sorted(summary.counties, key=lambda r: (r.rank is None, r.rank or 0))
    leaders = [r for r in ranked if r.rank == 1]
    if leaders:
        lines.append(
            _("First: %(counties)s.")
            % {
                "counties": ", ".join(
                    f"{r.county.name} ({percent(r.revenue.completion_rate)})" for r in leaders
                )
            }
        )
    at_risk = summary.at_risk
    if at_risk:
        lines.append(
            _("At risk (5 pp or more behind time progress): %(counties)s.")
            % {
                "counties": ", ".join(
                    f"{r.county.name} ({points(r.revenue.gap_pp, signed=False)})" for r in at_risk
                )
            }
        )
    else:
        lines.append(_("No county is at risk."))
    tables = [
        Sheet(
            _("Revenue %(period)s") % {"period": month_text(Month(summary.year, summary.month))},
            COUNTY_HEADERS,
            [_county_row(r) for r in ranked] + [_county_row(summary.city)],
            kinds=COUNTY_KINDS,
        ),
        _volume_sheet(summary, _("Volumes")),
    ]
    return Section(
        title=_("Revenue: completion against time progress"), lines=lines, tables=tables, order=10
    )


def _county_section(summary: progress.ProgressSummary, county: County) -> Section:
    if not summary.counties:
        return Section(
            title=_("Revenue"),
            lines=[_("%(name)s is not active.") % {"name": county.name}],
            order=10,
        )
    row = summary.counties[0]
    ranked = sum(1 for row in summary.ranking if row.completion_rate is not None)
    lines = [_headline(county.name, row, summary)]
    if row.rank is not None:
        lines.append(
            _("Rank %(rank)s of %(ranked)s counties by completion rate.")
            % {"rank": row.rank, "ranked": ranked}
        )
    outlook = _outlook(row)
    if outlook:
        lines.append(outlook)
    if row.revenue.status == "at_risk":
        lines.append(_("The county is at risk: 5 pp or more behind time progress."))
    tables = [
        Sheet(
            _("Revenue %(period)s") % {"period": month_text(Month(summary.year, summary.month))},
            COUNTY_HEADERS,
            [_county_row(row)],
            kinds=COUNTY_KINDS,
        ),
        _volume_sheet(summary, _("Volumes")),
    ]
    return Section(
        title=_("Revenue: completion against time progress"), lines=lines, tables=tables, order=10
    )


def _names(counties: list[County]) -> str:
    return ", ".join(c.name for c in counties)


def _reports_section(year: int, month: int, county: County | None) -> Section:
    """The month's reports: late, returned (with the reason to correct), waiting for approval
    while the deadline runs, missing once it has passed — each county named as it is."""
    not_in = report_selectors.missing_reports(year, month, county)
    states = report_selectors.report_states(year, month)
    returned = [c for c in not_in if states.get(c.pk) == report_selectors.RETURNED]
    missing = [c for c in not_in if states.get(c.pk) != report_selectors.RETURNED]
    late = report_selectors.late_reports(year, month, county)
    deadline = report_selectors.report_deadline(year, month)
    closed = report_selectors.month_is_closed(year, month)
    period = month_text(Month(year, month))
    lines = []
    if not closed:
        waiting = [
            c
            for c in report_selectors.counties_in_state(year, month, report_selectors.WAITING)
            if county is None or c.pk == county.pk
        ]
        lines.append(
            _("Reports for %(period)s are due by %(deadline)s.")
            % {"period": period, "deadline": date(deadline)}
        )
        if waiting:
            lines.append(_("Waiting for approval: %(counties)s.") % {"counties": _names(waiting)})
    if returned:
        lines.append(
            _("Returned to the county for correction (%(period)s): %(counties)s.")
            % {"period": period, "counties": _names(returned)}
        )
    if missing:
        if closed:
            lines.append(
                _("No report for %(period)s (due %(deadline)s): %(counties)s.")
                % {"period": period, "deadline": date(deadline), "counties": _names(missing)}
            )
        else:
            lines.append(_("Not submitted yet: %(counties)s.") % {"counties": _names(missing)})
    if late:
        lines.append(
            _("Submitted late: %(counties)s.")
            % {
                "counties": ", ".join(
                    f"{r.county.name} ({date(r.submitted_at, DATE_FORMAT)})"
                    if r.submitted_at
                    else r.county.name
                    for r in late
                )
            }
        )
    if closed and not (missing or returned or late):
        lines.append(_("Every report for %(period)s was submitted on time.") % {"period": period})
    label = _("missing") if closed else _("not submitted yet")
    rows = (
        [[c.code, c.name, _("returned")] for c in returned]
        + [[c.code, c.name, label] for c in missing]
        + [[r.county.code, r.county.name, _("late")] for r in late]
    )
    headers = [_("Code"), _("County"), _("Report")]
    tables = [Sheet(_("Reports to follow up"), headers, rows)] if rows else []
    return Section(
        title=_("Monthly reports %(period)s") % {"period": period},
        lines=lines,
        tables=tables,
        order=11,
    )
