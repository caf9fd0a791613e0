"""The audits part of the start page (marketing_ops.work): the audits waiting for the reader
(to answer, or to sign at their level) and the open verification items of their scope."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from audits.models import VerificationItem
from audits.selectors import audits as audit_selectors
from audits.selectors import items as item_selectors
from marketing_ops import formatting
from marketing_ops.access import Role, has_role, is_city_wide
from marketing_ops.work import ROWS_SHOWN, WorkList, WorkRow

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _audits(user: AnyUser) -> WorkList:
    audits = audit_selectors.my_audits(user)
    return WorkList(
        key="audits",
        title=_("Audits waiting for you"),
        count=audits.count(),
        url=reverse("audits:mine"),
        nav="audits:calendar",
        rows=[
            WorkRow(
                label=str(audit),
                detail=_("due %(date)s") % {"date": formatting.date(audit.due_on)},
                url=reverse("audits:detail", args=[audit.pk]),
            )
            for audit in audits[:ROWS_SHOWN]
        ],
        order=30,
    )


def _item_url(user: AnyUser, item: VerificationItem) -> str:
    if item_selectors.can_work(user, item):
        return reverse("audits:item", args=[item.pk])
    query = {"status": VerificationItem.Status.OPEN, "date": item.business_date.isoformat()}
    return f"{reverse('audits:items')}?{urlencode(query)}"


def _items(user: AnyUser) -> WorkList:
    items = (
        item_selectors.item_queryset(user)
        .filter(status=VerificationItem.Status.OPEN)
        .order_by("business_date", "county__sort_order", "rule", "id")
    )
    return WorkList(
        key="items",
        title=_("Verification items open"),
        count=items.count(),
        url=f"{reverse('audits:items')}?{urlencode({'status': VerificationItem.Status.OPEN})}",
        nav="audits:items",
        rows=[
            WorkRow(
                label=f"{item.county.code} {item.get_rule_display()} · {item.order_no}",
                detail=item.explanation,
                url=_item_url(user, item),
            )
            for item in items[:ROWS_SHOWN]
        ],
        order=35,
    )


def work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """Auditors and county staff: the audits waiting for them (``my_audits``: to answer, or to
    sign at their level); county staff and the auditors who work items (level 1 of the county,
    level 2): the open verification items."""
    lists = []
    county_staff = has_role(user, Role.COUNTY_STAFF) and not is_city_wide(user)
    if has_role(user, Role.AUDITOR) or county_staff:
        lists.append(_audits(user))
    if item_selectors.may_work_items(user) or county_staff:
        lists.append(_items(user))
    return lists
