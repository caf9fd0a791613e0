"""Collection work reads (docs/rules.md#collection): overdue accounts, promises whose date passed,
top debtors.

An account is overdue when it owes on bills already due. A bill for month M is due at the end
of month M+1, so on any day of month X the bills due are those of months up to X-2; the filter
is a plain ``billing_month < first day of X-1`` on the partial index of owing bills.

The worklist is one aggregate over those bills grouped by account (sorted and sliced in the
database) plus one query for the accounts of the page: the query count does not depend on the
number of accounts, bills or counties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber

from arrears import calculations as calc
from arrears.models import Account, Bill, CollectionAction
from marketing_ops import formatting
from marketing_ops.money import to_cents

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: Sort keys the worklist accepts → database ordering of the per-account aggregate.
#: "Age" is the days overdue of the oldest owing bill: more days = an older billing month.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "outstanding": ("outstanding",),
    "-outstanding": ("-outstanding",),
    "days_overdue": ("-oldest_month",),
    "-days_overdue": ("oldest_month",),
}
DEFAULT_ORDERING = "-outstanding"
#: Accounts fetched per query when the whole list is exported.
EXPORT_CHUNK = 2000


def overdue_bills(user: AnyUser, as_of: dt.date) -> QuerySet[Bill]:
    """Bills in the user's scope that are due and still owe something on ``as_of``."""
    return Bill.objects.visible_to(user).filter(
        billing_month__lt=calc.month_in_collection(as_of).first_day,
        amount_billed__gt=F("amount_paid"),
    )


def per_account(bills: QuerySet[Bill]) -> QuerySet:
    """One row per account: ``account, outstanding, oldest_month, overdue_bills``."""
    return (
        bills.order_by()
        .values("account")
        .annotate(
            outstanding=Sum(F("amount_billed") - F("amount_paid")),
            oldest_month=Min("billing_month"),
            # Counted on a column of the owing index, so the aggregate never reads the table.
            overdue_bills=Count("billing_month"),
        )
    )


def _last_action(field: str) -> Subquery:
    latest = CollectionAction.objects.filter(account=OuterRef("pk")).order_by("-happened_on", "-id")
    return Subquery(latest.values(field)[:1])


def accounts_with_last_action(ids: Sequence[int]) -> dict[int, Account]:
    """The accounts of ``ids`` with county, line and their latest action; one query."""
    accounts = (
        Account.objects.filter(pk__in=ids)
        .select_related("county", "business_line")
        .annotate(
            last_action_kind=_last_action("kind"),
            last_action_on=_last_action("happened_on"),
        )
    )
    return {account.pk: account for account in accounts}


@dataclass(frozen=True)
class OverdueAccount:
    """A worklist row: the account and what it owes on due bills as of a date."""

    account: Account
    outstanding: Decimal
    oldest_month: dt.date
    overdue_bills: int
    as_of: dt.date

    @property
    def oldest_due(self) -> dt.date:
        return calc.due_date(self.oldest_month)

    @property
    def days_overdue(self) -> int:
        return calc.days_past_due(self.oldest_month, self.as_of)

    @property
    def last_action(self) -> str:
        kind = getattr(self.account, "last_action_kind", None)
        if not kind:
            return ""
        label = CollectionAction.Kind(kind).label
        on = self.account.last_action_on  # type: ignore[attr-defined]  # annotated by the query above
        return f"{label} ({formatting.date(on)})"


def _rows(aggregates: Sequence[dict[str, Any]], as_of: dt.date) -> list[OverdueAccount]:
    accounts = accounts_with_last_action([row["account"] for row in aggregates])
    return [
        OverdueAccount(
            account=accounts[row["account"]],
            outstanding=to_cents(row["outstanding"]),
            oldest_month=row["oldest_month"],
            overdue_bills=row["overdue_bills"],
            as_of=as_of,
        )
        for row in aggregates
        if row["account"] in accounts
    ]


class Worklist:
    """The overdue accounts of a (filtered) set of owing bills, sorted in the database.

    ``count()`` is one query, a slice ``[a:b]`` two (the aggregate page and its accounts),
    iteration walks the whole list in chunks for exports.
    """

    def __init__(self, bills: QuerySet[Bill], as_of: dt.date, ordering: str = DEFAULT_ORDERING):
        self.bills = bills
        self.as_of = as_of
        self.ordering = ordering if ordering in ORDERINGS else DEFAULT_ORDERING
        self._count: int | None = None

    def order_by(self, ordering: str) -> Worklist:
        return Worklist(self.bills, self.as_of, ordering)

    def aggregates(self) -> QuerySet:
        # The account id breaks ties so that pages never overlap or skip an account.
        return per_account(self.bills).order_by(*ORDERINGS[self.ordering], "account")

    def count(self) -> int:
        if self._count is None:
            self._count = per_account(self.bills).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[OverdueAccount]:
        if not isinstance(key, slice):
            raise TypeError("a worklist is read a page (slice) at a time")
        return _rows(list(self.aggregates()[key]), self.as_of)

    def __iter__(self) -> Iterator[OverdueAccount]:
        aggregates = list(self.aggregates())
        for start in range(0, len(aggregates), EXPORT_CHUNK):
            yield from _rows(aggregates[start : start + EXPORT_CHUNK], self.as_of)


def worklist(user: AnyUser, as_of: dt.date, ordering: str = DEFAULT_ORDERING) -> Worklist:
    """The user's overdue accounts as of ``as_of``, unfiltered."""
    return Worklist(overdue_bills(user, as_of), as_of, ordering)


def top_overdue(user: AnyUser, as_of: dt.date, per_county: int = 10) -> list[OverdueAccount]:
    """The ``per_county`` accounts owing most on due bills in each county in the user's scope,
    ordered by county and then by amount. Two queries whatever the number of counties: the
    ranking is a window over the per-account aggregate."""
    ranked = (
        overdue_bills(user, as_of)
        .order_by()
        .values("account", "county")
        .annotate(
            outstanding=Sum(F("amount_billed") - F("amount_paid")),
            oldest_month=Min("billing_month"),
            # Counted on a column of the owing index, so the aggregate never reads the table.
            overdue_bills=Count("billing_month"),
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("county")],
                order_by=[F("outstanding").desc(), F("account").asc()],
            )
        )
        .filter(rank__lte=per_county)
    )
    rows = _rows(list(ranked), as_of)
    return sorted(
        rows,
        key=lambda r: (r.account.county.sort_order, r.account.county.code, -r.outstanding),
    )


def accounts_owned_by(user: AnyUser) -> QuerySet:
    """Ids of the accounts ``user`` owns: those whose latest collection action names them as
    the owner (who follows the account up). A subquery, for ``account_id__in``."""
    latest = (
        CollectionAction.objects.filter(account=OuterRef("account"))
        .order_by("-happened_on", "-id")
        .values("id")[:1]
    )
    if not user.is_authenticated:
        return CollectionAction.objects.none().values("account_id")
    return (
        CollectionAction.objects.filter(owner_id=user.pk)
        .filter(id=Subquery(latest))
        .values("account_id")
    )


def promises_broken(user: AnyUser, today: dt.date) -> QuerySet[CollectionAction]:
    """Latest promise of each account whose date has passed while the account still owes.

    A later promise replaces an earlier one; an account that has paid everything is off the
    list. Each row carries ``outstanding_now`` (what the account owes on all its bills).
    """
    latest_promise = (
        CollectionAction.objects.filter(account=OuterRef("account"), kind="promise")
        .order_by("-happened_on", "-id")
        .values("id")[:1]
    )
    owing = Bill.objects.filter(account=OuterRef("account"), amount_billed__gt=F("amount_paid"))
    owed_now = (
        owing.order_by()
        .values("account")
        .annotate(total=Sum(F("amount_billed") - F("amount_paid")))
        .values("total")
    )
    return (
        CollectionAction.objects.visible_to(user)
        .filter(kind="promise", promise_date__lt=today)
        .filter(id=Subquery(latest_promise))
        .filter(Exists(owing))
        .annotate(outstanding_now=Subquery(owed_now))
        .select_related("account__county", "account__business_line", "owner__profile")
        .order_by("promise_date", "id")
    )
