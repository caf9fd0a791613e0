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

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from arrears import calculations as calc
from arrears.selectors import indicators
from arrears.selectors.indicators import Ageing, Recovery, RecoveryChange, TransferMonth
from arrears.selectors.worklist import promises_broken
from arrears.tables import promise_sheet
from marketing_ops import formatting
from marketing_ops.access import briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.formatting import MISSING, money, percent, points
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import Kind, Sheet

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
    return county.name if county else _("City")


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
    values = {
        "month": formatting.month(collecting.month),
        "rate": percent(city.recovery_rate),
        "pace_month": formatting.month(collecting.pace_month),
        "pace": percent(city.pace_rate),
        "pace_on": formatting.period(collecting.pace_on),
    }
    if city.ahead_pp is not None:
        return _(
            "In collection: %(month)s bills %(rate)s so far (in progress); %(pace_month)s had "
            "reached %(pace)s on the same day of its collection (%(pace_on)s), %(points)s "
            "against that pace."
        ) % {**values, "points": points(city.ahead_pp)}
    return (
        _(
            "In collection: %(month)s bills %(rate)s so far (in progress); %(pace_month)s had "
            "reached %(pace)s on the same day of its collection (%(pace_on)s)."
        )
        % values
    )


def _recovery_lines(recovery: Recovery, scope: str) -> list[str]:
    city = recovery.city
    verdict = {
        True: _("meets the target"),
        False: _("below the target"),
        None: _("no bills"),
    }[city.meets_target]
    lines = [
        _(
            "%(scope)s: recovery of %(month)s bills %(rate)s against the %(target)s target — "
            "%(verdict)s (collected %(collected)s of %(billed)s)."
        )
        % {
            "scope": scope,
            "month": formatting.month(recovery.month),
            "rate": percent(city.recovery_rate),
            "target": percent(recovery.target),
            "verdict": verdict,
            "collected": money(city.collected),
            "billed": money(city.billed),
        }
    ]
    below = [row for row in recovery.counties if row.meets_target is False]
    if len(recovery.counties) > 1:
        if below:
            names = pgettext("list separator", ", ").join(
                f"{row.county} {row.county_name} ({percent(row.recovery_rate)})" for row in below
            )
            lines.append(_("Below target: %(names)s.") % {"names": names})
        else:
            lines.append(_("Every county with bills meets the target."))
    return lines


def _recovery_sheet(recovery: Recovery, change: RecoveryChange | None, scope: str) -> Sheet:
    changes = {row.county: row.change_pp for row in (change.counties if change else [])}
    headers = [
        _("County"),
        _("Name"),
        _("Billed"),
        _("Collected"),
        _("Recovery"),
        _("Target"),
        _("Meets target"),
    ]
    if change is not None:
        of_month = change.counties[0].recovery_month if change.counties else ""
        headers.append(
            _("Change since last week, %(month)s bills (pp)")
            % {"month": formatting.month(of_month)}
            if of_month
            else _("Change since last week (pp)")
        )
    rows = []
    total = replace(recovery.city, county="", county_name=_("%(scope)s total") % {"scope": scope})
    for row in [*recovery.counties, total]:
        cells = [
            row.county,
            row.county_name,
            row.billed,
            row.collected,
            row.recovery_rate,
            recovery.target,
            {True: _("Yes"), False: _("No"), None: MISSING}[row.meets_target],
        ]
        if change is not None:
            cells.append(changes.get(row.county) if row.county else change.city.change_pp)
        rows.append(cells)
    kinds = [Kind.TEXT, Kind.TEXT, Kind.MONEY, Kind.MONEY, Kind.RATE, Kind.RATE, Kind.TEXT]
    kinds.append(Kind.POINTS)
    title = _("Recovery %(month)s") % {"month": formatting.month(recovery.month)}
    return Sheet(title, headers, rows, kinds=kinds)


def _promises(reader: Any, today: dt.date, county: County | None) -> tuple[int, Sheet]:
    promises = promises_broken(reader, today)
    listed = promises[:PROMISES_LISTED]
    return promises.count(), promise_sheet(
        listed, _("Promises overdue"), show_county=county is None
    )


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
            _(
                "Change since last week in the recovery of %(month)s bills: %(points)s "
                "(snapshot of %(as_of)s against %(previous)s)."
            )
            % {
                "month": formatting.month(of_month) if of_month else "",
                "points": points(change.city.change_pp),
                "as_of": formatting.period(change.as_of or ""),
                "previous": formatting.period(change.previous_as_of),
            }
        )
    else:
        lines.append(_("Change since last week: no snapshot a week older to compare with yet."))
    # Promises whose date passed by the end of the week and are still unpaid.
    count, promises = _promises(reader, period.end + dt.timedelta(days=1), county)
    if count:
        if count > PROMISES_LISTED:
            lines.append(
                _(
                    "Promises to pay overdue and unpaid: %(count)d; "
                    "the %(listed)d oldest are listed."
                )
                % {"count": count, "listed": PROMISES_LISTED}
            )
        else:
            lines.append(_("Promises to pay overdue and unpaid: %(count)d.") % {"count": count})
    else:
        lines.append(_("Promises to pay overdue and unpaid: none."))
    tables = [_recovery_sheet(recovery, change, scope)]
    if count:
        tables.append(promises)
    return Section(_("Arrears recovery"), lines=lines, tables=tables, order=ORDER)


def _ageing_sheet(ageing: Ageing, scope: str) -> Sheet:
    headers = [_("County"), _("Name"), *(str(bucket.heading) for bucket in calc.BUCKETS)]
    headers += [_("Outstanding"), _("Long-term")]
    total = replace(ageing.city, county="", county_name=_("%(scope)s total") % {"scope": scope})
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
    kinds = [Kind.TEXT, Kind.TEXT, *(Kind.MONEY for _bucket in calc.BUCKETS)]
    kinds += [Kind.MONEY, Kind.MONEY]
    title = _("Ageing %(day)s") % {"day": formatting.period(ageing.as_of)}
    return Sheet(title, headers, rows, kinds=kinds)


def _transfer_sheet(transfers: list[TransferMonth], year: int) -> Sheet:
    headers = [_("Month"), _("Transferred"), _("Accounts"), _("Limit"), _("Over limit")]
    rows = [
        # A Month reads as pages write it (2026年3月) and stays 2026-03 in the attachment.
        [
            Month.parse(row.month),
            row.amount,
            row.accounts,
            row.limit,
            _("Yes") if row.over_limit else "",
        ]
        for row in transfers
    ]
    kinds = [Kind.TEXT, Kind.MONEY, Kind.COUNT, Kind.MONEY, Kind.TEXT]
    return Sheet(_("Transfers %(year)s") % {"year": year}, headers, rows, kinds=kinds)


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
    over = [formatting.month(row.month) for row in transfers if row.over_limit]
    lines = _recovery_lines(recovery, scope)
    lines.append(
        _(
            "Outstanding on %(day)s: %(total)s, of which long-term (over %(days)s days past due) "
            "%(long_term)s; new long-term in %(year)s: %(new)s."
        )
        % {
            "day": formatting.date(period.end),
            "total": money(ageing.city.total),
            "days": ageing.long_term_days,
            "long_term": money(ageing.city.long_term),
            "year": month.year,
            "new": money(new_long_term.city.new_long_term),
        }
    )
    transferred = {
        "month": formatting.month(month),
        "amount": money(this_month.amount),
        "accounts": this_month.accounts,
        "limit": money(this_month.limit) if this_month.limit is not None else "",
    }
    if this_month.limit is not None:
        lines.append(
            ngettext(
                "Transferred to bad debt in %(month)s: %(amount)s (%(accounts)d account) "
                "against a limit of %(limit)s.",
                "Transferred to bad debt in %(month)s: %(amount)s (%(accounts)d accounts) "
                "against a limit of %(limit)s.",
                this_month.accounts,
            )
            % transferred
        )
    else:
        lines.append(
            ngettext(
                "Transferred to bad debt in %(month)s: %(amount)s (%(accounts)d account) "
                "(no limit set).",
                "Transferred to bad debt in %(month)s: %(amount)s (%(accounts)d accounts) "
                "(no limit set).",
                this_month.accounts,
            )
            % transferred
        )
    if over:
        lines.append(
            _("Over the transfer limit in %(year)s: %(months)s.")
            % {"year": month.year, "months": pgettext("list separator", ", ").join(over)}
        )
    else:
        lines.append(_("No month of %(year)s is over its transfer limit.") % {"year": month.year})
    tables = [
        _recovery_sheet(recovery, None, scope),
        _ageing_sheet(ageing, scope),
        _transfer_sheet(transfers, month.year),
    ]
    return Section(_("Arrears"), lines=lines, tables=tables, order=ORDER)
