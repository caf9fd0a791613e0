"""Demo arrears for ``manage.py seed_demo`` (docs/rules.md#arrears): about 20,000 accounts over
C01..C08 with
the last 12 months of bills — most pay on time, some late or in part, a tail never pays and goes
long-term (those accounts are stopped or dismantled) — plus collection work, transfers against
a provincial limit with county sub-limits, this year's recovery target and weekly snapshots.

Deterministic (``random.Random``) and idempotent: rows are keyed on their natural keys and
inserted with ``ignore_conflicts``, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from arrears.bulk import partitions
from arrears.models import (
    Account,
    ArrearsSnapshot,
    Bill,
    CollectionAction,
    RecoveryTarget,
    Transfer,
)
from arrears.services import bill_months, bill_totals
from arrears.services.snapshots import snapshots_take
from arrears.services.transfers import limit_set
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEED = 4_2026
ACCOUNTS_PER_COUNTY = (3600, 3200, 2400, 2400, 2200, 2200, 2000, 2000)  # 20,000
#: Share of accounts that never pay, per county in order: C05 and C07 lag behind the target.
BAD_SHARE = (0.012, 0.010, 0.015, 0.014, 0.030, 0.016, 0.035, 0.013)
LINES = (("BROADBAND", 55), ("FIXED_PHONE", 35), ("DEDICATED_LINE", 7), ("PUBLIC_PHONE", 3))
FEES = (29, 39, 59, 89, 129, 199)
DEMO_NOTE = "长期欠费按月转坏账核销"

STREETS = ("建设路", "人民路", "车站路", "新华街", "滨河路", "南山路")
#: Customer names are drawn from these by the account's number (not from ``rng``).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
#: Two characters each.
GIVEN_NAMES = (
    "建国秀英志强桂兰海燕立新丽华建华玉梅文杰春梅国强晓燕红霞德明淑珍"
    "永刚雪梅振华小军凤英宏伟金凤俊杰翠兰明辉佳怡子涵浩然思远雨桐"
)


def customer_name(n: int) -> str:
    """A Chinese name for the demo's ``n``-th account of a county: surname × given name walk
    different cycles, so neighbouring accounts do not share a name."""
    given = (n // len(SURNAMES) + n) % (len(GIVEN_NAMES) // 2)
    return SURNAMES[n % len(SURNAMES)] + GIVEN_NAMES[2 * given : 2 * given + 2]


def _accounts(rng: random.Random, counties: list[County], lines: dict[str, int], today: dt.date):
    """Accounts with a payment behaviour: P on time, L late, H in part, N never (long-term)."""
    accounts: list[Account] = []
    behaviour: dict[str, tuple[str, int, Month | None]] = {}
    line_codes = [code for code, _ in LINES if code in lines]
    weights = [weight for code, weight in LINES if code in lines]
    first_month = Month.of(today).shift(-12)
    # DEMO_ARREARS_ACCOUNTS scales the city (tests seed a small one; the demo has 20,000).
    scale = settings.DEMO_ARREARS_ACCOUNTS / sum(ACCOUNTS_PER_COUNTY)
    sizes = [max(int(count * scale), 10) for count in ACCOUNTS_PER_COUNTY]
    for county, count, bad in zip(counties, sizes, BAD_SHARE, strict=False):
        for n in range(count):
            account_no = f"{county.code}{n + 1:06d}"
            draw = rng.random()
            kind = (
                "N"
                if draw < bad
                else "H"
                if draw < bad + 0.015
                else "L"
                if draw < bad + 0.055
                else "P"
            )
            stops_from = first_month.shift(rng.randrange(0, 9)) if kind == "N" else None
            status, changed = Account.Status.ACTIVE, None
            if kind == "N":
                # Unpaid for months: stopped both ways, the oldest dismantled.
                status = (
                    Account.Status.DISMANTLED
                    if stops_from and stops_from < first_month.shift(3)
                    else Account.Status.DOUBLE_STOP
                )
                changed = stops_from.shift(3).first_day if stops_from else None
            elif kind == "H" and rng.random() < 0.4:
                status, changed = Account.Status.SINGLE_STOP, Month.of(today).shift(-1).first_day
            line = rng.choices(line_codes, weights)[0]
            accounts.append(
                Account(
                    account_no=account_no,
                    county=county,
                    business_line_id=lines[line],
                    customer_name=customer_name(n),
                    opened_on=dt.date(2012 + rng.randrange(0, 12), rng.randrange(1, 13), 1),
                    status=status,
                    status_changed_on=changed if changed and changed <= today else None,
                    deposit=Decimal(100) if line == "BROADBAND" else None,
                    # Contact details without drawing from ``rng``: the figures stay the same.
                    contact_phone=f"138 {county.sort_order % 100:02d}00 {n % 10000:04d}",
                    address=(
                        f"{settings.CITY_NAME}{county.name}"
                        f"{STREETS[n % len(STREETS)]}{n % 97 + 1}号"
                    ),
                )
            )
            behaviour[account_no] = (kind, rng.choice(FEES), stops_from)
    return accounts, behaviour


def _bill(
    rng: random.Random, kind: str, fee: int, stops_from: Month | None, month: Month, today: dt.date
) -> tuple[Decimal, Decimal, dt.date | None]:
    billed = (Decimal(fee) + Decimal(rng.randrange(0, 3000)) / 100).quantize(CENT)
    if kind == "N" and stops_from is not None and month >= stops_from:
        return billed, Decimal("0.00"), None
    # Every month is paid the same way through its collection month; the month still in
    # collection has only the payments whose day has come, so its pace is comparable.
    pay_day = month.next().first_day + dt.timedelta(days=rng.randrange(0, 28))
    if pay_day > today:
        return billed, Decimal("0.00"), None
    if kind == "H":
        return billed, (billed / 2).quantize(CENT), pay_day
    if kind == "L":
        late = pay_day + dt.timedelta(days=rng.randrange(10, 40))
        if late > today:
            return billed, Decimal("0.00"), None
        return billed, billed, late
    if rng.random() < 0.01:  # a few overpay
        return billed, billed + 10, pay_day
    return billed, billed, pay_day


def _bills(
    rng: random.Random, ids: dict[str, tuple[int, int]], behaviour, today: dt.date
) -> list[tuple]:
    months = [Month.of(today).shift(-k) for k in range(12, 0, -1)]
    rows = []
    for account_no in sorted(ids):
        account_id, county_id = ids[account_no]
        kind, fee, stops_from = behaviour[account_no]
        for month in months:
            billed, paid, paid_on = _bill(rng, kind, fee, stops_from, month, today)
            rows.append(
                (
                    account_id,
                    county_id,
                    month.first_day.isoformat(),
                    str(billed),
                    str(paid),
                    paid_on.isoformat() if paid_on else None,
                )
            )
    return rows


def _insert_bills(rows: list[tuple]) -> None:
    """Plain ``executemany`` (no model instances): 240,000 rows in seconds, even on SQLite.
    ``ON CONFLICT DO NOTHING`` keeps a second run from doubling anything."""
    sql = (
        "INSERT INTO arrears_bill (account_id, county_id, billing_month, amount_billed, "
        "amount_paid, paid_on) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (account_id, billing_month) DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])


def _partition_months() -> None:
    """On PostgreSQL, move the bills just written (into the default partition) to a partition per
    month, as a month's import would leave them, so the demo reads bills as production does."""
    if connection.vendor != "postgresql":
        return
    default = partitions.DEFAULT_PARTITION
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT billing_month, COUNT(*) FROM {default} GROUP BY 1 ORDER BY 1")
        months = cursor.fetchall()
    for day, count in months:
        bill_months.write_month(
            month=Month.of(day),
            select_sql=(
                f"SELECT account_id, county_id, amount_billed, amount_paid, paid_on "
                f"FROM {default} WHERE billing_month = %s"
            ),
            params=[day],
            rows=count,
        )


def _collection(rng: random.Random, today: dt.date, staff: dict[int, Any]) -> int:
    """Calls, stops and promises on some overdue accounts; a few promises already broken."""
    overdue = list(
        Account.objects.filter(status__in=[Account.Status.DOUBLE_STOP, Account.Status.SINGLE_STOP])
        .order_by("account_no")
        .values_list("id", "county_id")[:600]
    )
    if CollectionAction.objects.filter(account_id__in=[a for a, _ in overdue]).exists():
        return 0
    actions = []
    for account_id, county_id in overdue:
        owner = staff.get(county_id)
        start = today - dt.timedelta(days=rng.randrange(10, 60))
        actions.append(
            CollectionAction(
                account_id=account_id,
                kind=CollectionAction.Kind.CALL,
                happened_on=start,
                owner=owner,
                created_by=owner,
                result="已联系到客户，请其缴清欠费",
            )
        )
        if rng.random() < 0.5:
            promised = start + dt.timedelta(days=rng.randrange(5, 50))
            actions.append(
                CollectionAction(
                    account_id=account_id,
                    kind=CollectionAction.Kind.PROMISE,
                    happened_on=start + dt.timedelta(days=1),
                    owner=owner,
                    created_by=owner,
                    result="客户承诺按期缴费",
                    promise_date=promised,
                    promise_amount=Decimal(rng.randrange(50, 400)),
                )
            )
    CollectionAction.objects.bulk_create(actions)
    return len(actions)


def _transfers(rng: random.Random, today: dt.date, counties: list[County], city_user: User):
    """Monthly transfers of long-term arrears this year against the province's limit; one month
    over the limit so the flag shows."""
    months = [Month(today.year, m) for m in range(1, today.month + 1)]
    for month in months:
        limit_set(month=month, amount=Decimal("24000"), set_by=city_user)
        for county in counties[:2]:
            limit_set(month=month, county=county, amount=Decimal("5000"), set_by=city_user)
    created = 0
    for month in months[:-1]:
        for county in counties:
            if rng.random() < 0.35:
                continue
            # The third month runs over the provincial limit (a backlog written off at once).
            amount = Decimal(rng.randrange(800, 4200) * (4 if month.month == 3 else 1))
            _, made = Transfer.objects.get_or_create(
                county=county,
                month=month.first_day,
                note=DEMO_NOTE,
                defaults={
                    "amount": amount,
                    "accounts": rng.randrange(3, 40),
                    "approver": city_user,
                    "created_by": city_user,
                },
            )
            created += made
    return created


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    counties = list(County.objects.filter(code__in=[f"C0{n}" for n in range(1, 9)]))
    lines = dict(BusinessLine.objects.values_list("code", "id"))
    # One generator per part, so a part skipped on a second run does not shift the others.
    accounts, behaviour = _accounts(random.Random(SEED), counties, lines, today)
    Account.objects.bulk_create(accounts, batch_size=2000, ignore_conflicts=True)
    ids = {
        no: (pk, county_id)
        for no, pk, county_id in Account.objects.filter(account_no__in=behaviour).values_list(
            "account_no", "id", "county_id"
        )
    }
    last_month = Month.of(today).previous().first_day
    seeded = Bill.objects.filter(
        billing_month=last_month, account_id__in=[pk for pk, _ in ids.values()][:1]
    ).exists()
    bills = 0
    if not seeded:
        rows = _bills(random.Random(SEED + 1), ids, behaviour, today)
        _insert_bills(rows)
        _partition_months()
        bill_totals.refresh()
        bills = len(rows)
    RecoveryTarget.objects.get_or_create(
        year=today.year, defaults={"target": settings.ARREARS_RECOVERY_TARGET}
    )
    users = get_user_model().objects.filter(
        username__in=["city"] + [f"{c.code.lower()}_staff" for c in counties]
    )
    by_name = {u.username: u for u in users}
    staff = {c.pk: by_name.get(f"{c.code.lower()}_staff") for c in counties}
    actions = _collection(random.Random(SEED + 2), today, staff)
    transfers = _transfers(random.Random(SEED + 3), today, counties, by_name["city"])
    # A trend for the dashboard: the snapshot of each of the last 6 weeks.
    if not ArrearsSnapshot.objects.filter(as_of=today).exists():
        for weeks in range(5, -1, -1):
            snapshots_take(as_of=today - dt.timedelta(days=7 * weeks))
    stdout.write(
        f"  arrears: {len(ids):,} accounts, {bills:,} new bills (12 months), "
        f"{actions} collection actions, {transfers} transfers, limits and snapshots"
    )
    return {}
