"""The arrears part of the start page (marketing_ops.work): a county's promises to pay whose
date has passed while the account still owes; the months over their transfer limit for the
city; and, for managers, the recovery of the latest month fallen due against the target."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from arrears import calculations as calc
from arrears.selectors import indicators, worklist
from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, Role, has_role, is_city_wide
from marketing_ops.periods import Month
from marketing_ops.work import ROWS_SHOWN, Figure, WorkList, WorkRow

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _promises(user: AnyUser, today: dt.date) -> WorkList:
    promises = worklist.promises_broken(user, today)
    return WorkList(
        key="promises",
        title=_("Promises to pay past their date"),
        count=promises.count(),
        url=reverse("arrears:promises"),
        nav="arrears:worklist",
        rows=[
            WorkRow(
                label=f"{action.account.account_no} {action.account.customer_name}",
                detail=_("promised %(amount)s by %(date)s, owes %(owed)s")
                % {
                    "amount": formatting.money(action.promise_amount),
                    "date": formatting.date(action.promise_date),
                    "owed": formatting.money(action.outstanding_now),  # type: ignore[attr-defined]
                },
                url=reverse("arrears:account", args=[action.account.account_no]),
            )
            for action in promises[:ROWS_SHOWN]
        ],
        order=20,
    )


def _over_limit(user: AnyUser, today: dt.date) -> WorkList:
    """The months of this year whose transfers exceed the provincial limit (the city's total)
    or a county's sub-limit. Five queries."""
    year = today.year
    rows = [
        WorkRow(
            label=_("City %(month)s") % {"month": formatting.month(Month.parse(month.month))},
            detail=_("transferred %(amount)s, limit %(limit)s")
            % {"amount": formatting.money(month.amount), "limit": formatting.money(month.limit)},
            url=f"{reverse('arrears:transfers')}?year={year}",
        )
        for month in indicators.transfers_summary(user, year)
        if month.over_limit
    ]
    rows += [
        WorkRow(
            label=f"{county.county} {county.county_name} "
            f"{formatting.month(Month.parse(month.month))}",
            detail=_("transferred %(amount)s, limit %(limit)s")
            % {"amount": formatting.money(month.amount), "limit": formatting.money(month.limit)},
            url=f"{reverse('arrears:transfers')}?year={year}",
        )
        for county in indicators.transfers_by_county(user, year)
        for month in county.months
        if month.over_limit
    ]
    return WorkList(
        key="transfers-over-limit",
        title=_("Transfers over their limit this year"),
        count=len(rows),
        url=f"{reverse('arrears:transfers')}?year={year}",
        nav="arrears:dashboard",
        rows=rows[:ROWS_SHOWN],
        order=25,
    )


def work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """County staff: their county's promises past their date; city staff: the months over a
    transfer limit."""
    lists = []
    if has_role(user, Role.COUNTY_STAFF) and not is_city_wide(user):
        lists.append(_promises(user, today))
    if has_role(user, *CITY_ROLES) and is_city_wide(user):
        lists.append(_over_limit(user, today))
    return lists


def figures(user: AnyUser, today: dt.date) -> list[Figure]:
    """Managers: the recovery rate of the latest month fallen due against the target."""
    if not has_role(user, Role.MANAGER):
        return []
    month = calc.latest_due_month(today)
    recovery = indicators.recovery(user, month)
    return [
        Figure(
            label=_("Arrears recovery %(month)s") % {"month": formatting.month(month)},
            value=formatting.percent(recovery.city.recovery_rate),
            comparison=_("target %(target)s") % {"target": formatting.percent(recovery.target)},
            url=reverse("arrears:dashboard"),
            order=20,
        )
    ]
