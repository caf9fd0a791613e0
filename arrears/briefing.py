"""Arrears in the emailed briefings (docs/rules.md#briefings).

Weekly: recovery by county against the target for the latest billing month fallen due (as the
dashboard leads with it), the month still in collection against the pace of the month before,
the change since last week from the snapshots, counties below target, promises to pay that are
overdue.
Monthly: recovery, ageing, long-term arrears and transfers against the limit with the months
over it. A county's briefing is read with the scope of that county's head, so it holds that
county only; the city briefing with the scope of the city's leadership.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from arrears import calculations as calc
from arrears.selectors import indicators
from arrears.selectors.indicators import Ageing, Recovery, RecoveryChange, TransferMonth
from arrears.selectors.worklist import promises_broken
from arrears.tables import promise_sheet
from marketing_ops.access import briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.formatting import MISSING, money, percent, points
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import Sheet

ORDER = 30
#: Broken promises listed by name in a briefing; the count always covers all of them.
PROMISES_LISTED = 20


def sections(period: BriefingPeriod, county: County | None) -> list[Section]:
    if period.kind == "weekly":
        return [weekly_section(period, county)]
    if period.kind == "monthly":
        return [monthly_section(period, county)]
    return []


def _scope_label(county: County | None) -> str:
    return county.name if county else "City"


def _day_after(period: BriefingPeriod) -> dt.date:
    """The day a briefing is read on: the one after its period (the dashboard's "today")."""
    return period.end + dt.timedelta(days=1)


def recovery_month_of(period: BriefingPeriod) -> Month:
    """The latest billing month fallen due by the end of the period (bills fall due at the end
    of the following month), as the dashboard leads with it: September's bills for a week
    ending on 29 November, October's from 1 December."""
    return calc.latest_due_month(_day_after(period))


def _in_progress_line(reader: Any, period: BriefingPeriod) -> str:
    """The month still in collection, in progress, against the pace of the month before."""
    collecting = indicators.in_progress(reader, _day_after(period))
    city = collecting.city
    line = (
        f"In collection: {collecting.month} bills {percent(city.recovery_rate)} so far "
        f"(in progress); {collecting.pace_month} had reached {percent(city.pace_rate)} on the "
        f"same day of its collection ({collecting.pace_on})"
    )
    if city.ahead_pp is not None:
        line += f", {points(city.ahead_pp)} against that pace"
    return line + "."


def _recovery_lines(recovery: Recovery, scope: str) -> list[str]:
    city = recovery.city
    verdict = {True: "meets the target", False: "below the target", None: "no bills"}[
        city.meets_target
    ]
    lines = [
        f"{scope}: recovery of {recovery.month} bills {percent(city.recovery_rate)} "
        f"against the {percent(recovery.target)} target — {verdict} "
        f"(collected {money(city.collected)} of {money(city.billed)})."
    ]
    below = [row for row in recovery.counties if row.meets_target is False]
    if len(recovery.counties) > 1:
        if below:
            names = ", ".join(
                f"{row.county} {row.county_name} ({percent(row.recovery_rate)})" for row in below
            )
            lines.append(f"Below target: {names}.")
        else:
            lines.append("Every county with bills meets the target.")
    return lines


def _recovery_sheet(recovery: Recovery, change: RecoveryChange | None, scope: str) -> Sheet:
    changes = {row.county: row.change_pp for row in (change.counties if change else [])}
    headers = ["County", "Name", "Billed", "Collected", "Recovery", "Target", "Meets target"]
    if change is not None:
        of_month = change.counties[0].recovery_month if change.counties else ""
        headers.append(
            f"Change since last week, {of_month} bills (pp)"
            if of_month
            else "Change since last week (pp)"
        )
    rows = []
    total = replace(recovery.city, county="", county_name=f"{scope} total")
    for row in [*recovery.counties, total]:
        cells = [
            row.county,
            row.county_name,
            row.billed,
            row.collected,
            # As the lines above and the revenue section show rates: 95.35%, not 0.9535.
            percent(row.recovery_rate),
            percent(recovery.target),
            {True: "Yes", False: "No", None: MISSING}[row.meets_target],
        ]
        if change is not None:
            cells.append(changes.get(row.county) if row.county else change.city.change_pp)
        rows.append(cells)
    return Sheet(f"Recovery {recovery.month}", headers, rows)


def _promises(reader: Any, today: dt.date, county: County | None) -> tuple[int, Sheet]:
    promises = promises_broken(reader, today)
    listed = promises[:PROMISES_LISTED]
    return promises.count(), promise_sheet(listed, "Promises overdue", show_county=county is None)


def weekly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    scope = _scope_label(county)
    recovery = indicators.recovery(reader, recovery_month_of(period))
    change = indicators.recovery_change_since_last_week(reader, period.end)
    lines = _recovery_lines(recovery, scope)
    lines.append(_in_progress_line(reader, period))
    if change.previous_as_of:
        # The snapshots follow the month in collection: say which month the change is of.
        of_month = change.counties[0].recovery_month if change.counties else ""
        lines.append(
            f"Change since last week in the recovery of {of_month} bills: "
            f"{points(change.city.change_pp)} "
            f"(snapshot of {change.as_of} against {change.previous_as_of})."
        )
    else:
        lines.append("Change since last week: no snapshot a week older to compare with yet.")
    # Promises whose date passed by the end of the week and are still unpaid.
    count, promises = _promises(reader, period.end + dt.timedelta(days=1), county)
    if count:
        shown = f"; the {PROMISES_LISTED} oldest are listed" if count > PROMISES_LISTED else ""
        lines.append(f"Promises to pay overdue and unpaid: {count}{shown}.")
    else:
        lines.append("Promises to pay overdue and unpaid: none.")
    tables = [_recovery_sheet(recovery, change, scope)]
    if count:
        tables.append(promises)
    return Section("Arrears recovery", lines=lines, tables=tables, order=ORDER)


def _ageing_sheet(ageing: Ageing, scope: str) -> Sheet:
    headers = ["County", "Name", *(str(bucket.heading) for bucket in calc.BUCKETS)]
    headers += ["Outstanding", "Long-term"]
    total = replace(ageing.city, county="", county_name=f"{scope} total")
    rows = [
        [
            row.county,
            row.county_name,
            *(row.buckets[key] for key in calc.BUCKET_KEYS),
            row.total,
            row.long_term,
        ]
        for row in [*ageing.counties, total]
    ]
    return Sheet(f"Ageing {ageing.as_of}", headers, rows)


def _transfer_sheet(transfers: list[TransferMonth], year: int) -> Sheet:
    headers = ["Month", "Transferred", "Accounts", "Limit", "Over limit"]
    rows = [
        [row.month, row.amount, row.accounts, row.limit, "Yes" if row.over_limit else ""]
        for row in transfers
    ]
    return Sheet(f"Transfers {year}", headers, rows)


def monthly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    scope = _scope_label(county)
    month = Month.of(period.end)
    recovery = indicators.recovery(reader, recovery_month_of(period))
    ageing = indicators.ageing(reader, period.end)
    new_long_term = indicators.new_long_term_this_year(reader, period.end)
    transfers = [
        row
        for row in indicators.transfers_summary(reader, month.year)
        if Month.parse(row.month) <= month
    ]
    this_month = transfers[-1]
    over = [row.month for row in transfers if row.over_limit]
    lines = _recovery_lines(recovery, scope)
    lines.append(
        f"Outstanding on {period.end:%Y-%m-%d}: {money(ageing.city.total)}, of which "
        f"long-term (over {ageing.long_term_days} days past due) "
        f"{money(ageing.city.long_term)}; new long-term in {month.year}: "
        f"{money(new_long_term.city.new_long_term)}."
    )
    limit = (
        f"against a limit of {money(this_month.limit)}"
        if this_month.limit is not None
        else "(no limit set)"
    )
    lines.append(
        f"Transferred to bad debt in {month}: {money(this_month.amount)} "
        f"({this_month.accounts} accounts) {limit}."
    )
    if over:
        lines.append(f"Over the transfer limit in {month.year}: {', '.join(over)}.")
    else:
        lines.append(f"No month of {month.year} is over its transfer limit.")
    tables = [
        _recovery_sheet(recovery, None, scope),
        _ageing_sheet(ageing, scope),
        _transfer_sheet(transfers, month.year),
    ]
    return Section("Arrears", lines=lines, tables=tables, order=ORDER)
