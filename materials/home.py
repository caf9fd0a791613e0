"""The materials part of the start page (marketing_ops.work): the closed loop's differences
of this month and the last — for a county, those it has not explained yet; for city staff, the
explanations waiting to be accepted."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, Role, has_role, is_city_wide
from marketing_ops.periods import Month
from marketing_ops.work import ROWS_SHOWN, WorkList, WorkRow
from materials.selectors import loop

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _gap_detail(row: loop.LoopRow) -> str:
    return _("installs %(install_gap)s, returns %(return_gap)s") % {
        "install_gap": f"{row.install_gap:+d}",
        "return_gap": f"{row.return_gap:+d}",
    }


def _gaps(user: AnyUser, today: dt.date, status: str, key: str, title: str) -> WorkList:
    since = Month.of(today).previous()
    rows = loop.loop_gaps(user, since.first_day, today, status)
    first = Month.of(rows[0].date) if rows else Month.of(today)
    return WorkList(
        key=key,
        title=title,
        count=len(rows),
        url=f"{reverse('materials:loop')}?{urlencode({'month': str(first)})}",
        nav="materials:loop",
        rows=[
            WorkRow(
                label=f"{row.county} {formatting.date(row.date)} {row.line_name}",
                detail=row.explanation or _gap_detail(row),
                url=f"{reverse('materials:loop-county', args=[row.county])}?"
                f"{urlencode({'month': str(Month.of(row.date))})}",
            )
            for row in rows[:ROWS_SHOWN]
        ],
        order=40,
    )


def work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """County staff: their county's loop differences to explain; city staff: explanations to
    accept (this month and the last)."""
    lists = []
    if has_role(user, Role.COUNTY_STAFF) and not is_city_wide(user):
        lists.append(
            _gaps(user, today, "open", "loop-gaps", _("Closed-loop differences to explain"))
        )
    if has_role(user, *CITY_ROLES) and is_city_wide(user):
        lists.append(
            _gaps(user, today, "explained", "loop-explanations", _("Loop explanations to accept"))
        )
    return lists
