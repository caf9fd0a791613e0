"""Demo audits (``manage.py seed_demo``): three months of audits in every state — passed on
time, passed late, overdue, failed with findings, a sign-off voided by a later edit, one
reopened — worked through the services by the demo users. Safe to run again: audits that
were ever signed, answered or given a finding are left as they are."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from arrears.models import Account, Bill
from arrears.services import bill_totals
from audits.calculations import required_levels
from audits.models import (
    Audit,
    AuditCheck,
    CashFlowReconciliation,
    FalseUserCase,
    Finding,
    FindingEvent,
    Holiday,
    OnSiteVerification,
    SignOff,
    VerificationItem,
    WeeklyNotice,
)
from audits.selectors import false_users as false_user_reads
from audits.services import audits as writes
from audits.services import cashflow, records
from audits.services import false_users as false_user_writes
from audits.services import findings as finding_writes
from audits.services import items as item_writes
from audits.services import notices as notice_writes
from audits.services import onsite as onsite_writes
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import ZERO
from marketing_ops.periods import Month, previous_month


def _pick(audit: Audit) -> int:
    """A stable number 0–99 per audit, so a rerun makes the same choices."""
    key = f"{audit.county.code}|{audit.cadence}|{audit.period}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % 100


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _backdate(audit: Audit, day: dt.date) -> None:
    """Put a demo sign-off where it would have happened (the services stamp "now")."""
    SignOff.objects.filter(audit=audit).update(signed_at=_at(day, 17))
    Audit.objects.filter(pk=audit.pk).update(finished_at=_at(day, 17), late=day > audit.due_on)


#: The counties whose last weeks went badly: overdue, failed and late audits, findings left
#: past due. The others worked their audits on time and verified their findings before they
#: were due, so the weekly notice criticises a few counties and commends the rest.
TROUBLED = frozenset({"C03", "C05", "C08"})
#: How far back the weeks go in which only the troubled counties miss a due date.
CLEAN_DAYS = 28


def _follow_up(finding: Finding, users: dict[str, Any], staff: Any, today: dt.date) -> None:
    """Rectify and verify a demo finding before it falls due, stamped when it happened (the
    services stamp "now"); a troubled county's older findings are rectified but some wait for
    verification past their due date, and its recent ones stay open."""
    audit = finding.audit
    troubled = audit.county.code in TROUBLED
    rectified_on = audit.due_on + dt.timedelta(days=3)
    verified_on = audit.due_on + dt.timedelta(days=6)
    if troubled and audit.due_on >= today - dt.timedelta(days=30):
        return
    if not troubled and verified_on >= today:
        return
    finding = finding_writes.finding_rectify(
        finding=finding, user=staff, note="已冲正重复退费，凭证已附"
    )
    stamps = {"rectified_at": _at(rectified_on, 15)}
    FindingEvent.objects.filter(finding=finding, action=FindingEvent.Action.RECTIFIED).update(
        at=stamps["rectified_at"]
    )
    if not troubled or _pick(audit) % 2:
        finding_writes.finding_verify(finding=finding, user=users["auditor2"], note="凭证已核验")
        stamps["verified_at"] = _at(verified_on, 11)
        FindingEvent.objects.filter(finding=finding, action=FindingEvent.Action.VERIFIED).update(
            at=stamps["verified_at"]
        )
    Finding.objects.filter(pk=finding.pk).update(**stamps)


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    if "auditor2" not in users or "city" not in users:
        return {}
    for day, name in ((dt.date(today.year, 1, 1), "元旦"),):
        Holiday.objects.get_or_create(date=day, defaults={"name": name})
    created = 0
    for offset in (60, 30, 0):
        created += writes.audits_create(today=today - dt.timedelta(days=offset))
    touched = Exists(SignOff.objects.filter(audit=OuterRef("pk"))) | Exists(
        AuditCheck.objects.filter(audit=OuterRef("pk")).exclude(answer="")
    )
    fresh = list(
        Audit.objects.exclude(touched)
        .select_related("county")
        .order_by("period_end", "county__sort_order", "cadence")
    )
    counts = dict.fromkeys(("passed", "late", "failed", "overdue", "voided", "waiting"), 0)
    auditors = {1: None, 2: users["auditor2"], 3: users.get("auditor3")}
    yesterday_c01 = None
    for audit in fresh:
        level1 = users.get(f"{audit.county.code.lower()}_auditor")
        staff = users.get(f"{audit.county.code.lower()}_staff")
        if level1 is None or staff is None:
            continue
        pick = _pick(audit)
        auditors[1] = level1
        if audit.due_on >= today:
            # Still running: yesterday's C01 audit waits for c01_auditor (pending on purpose);
            # C01's last monthly audit is signed at level 1 and waits for auditor2, auditor3.
            if audit.county.code == "C01" and audit.cadence == "daily":
                yesterday_c01 = audit
            if audit.county.code == "C01" and audit.cadence == "monthly":
                AuditCheck.objects.filter(audit=audit).update(
                    answer="ok", answered_by=staff, answered_at=_at(audit.period_end, 16)
                )
                writes.audit_sign(audit=audit, user=level1, result="passed")
                counts["waiting"] += 1
            continue
        recent = audit.due_on >= today - dt.timedelta(days=14)
        if audit.county.code not in TROUBLED and audit.due_on >= today - dt.timedelta(
            days=CLEAN_DAYS
        ):
            pick = 30 + pick % 60  # a clean county's last weeks: signed on time
        if recent and pick < 12:
            counts["overdue"] += 1  # left unanswered: overdue, red in the calendar
            continue
        AuditCheck.objects.filter(audit=audit).update(
            answer="ok", answered_by=staff, answered_at=_at(audit.period_end, 16)
        )
        if pick < 6:
            check = AuditCheck.objects.filter(audit=audit).order_by("position").first()
            if check is not None:
                writes.check_answer(
                    audit=audit,
                    check_id=check.pk,
                    user=level1,
                    answer="problem",
                    note="同一账户同一金额退费两次",
                )
            finding = finding_writes.finding_open(
                audit=audit,
                user=level1,
                category=Finding.Category.REFUND,
                description="30天内重复退费；冲正其中一笔并说明原因。",
                severity=Finding.Severity.HIGH if pick < 3 else Finding.Severity.MEDIUM,
                amount=None if pick % 2 else Decimal("120.00"),
                due_on=audit.due_on + dt.timedelta(days=10),
                owner=staff.username,
            )
            writes.audit_sign(audit=audit, user=level1, result="failed", note="见稽核发现")
            _backdate(audit, audit.due_on)
            Finding.objects.filter(pk=finding.pk).update(opened_at=_at(audit.due_on, 16))
            FindingEvent.objects.filter(finding=finding).update(at=_at(audit.due_on, 16))
            _follow_up(finding, users, staff, today)
            counts["failed"] += 1
            continue
        levels = required_levels(audit.cadence)
        if audit.cadence != "daily" and recent and pick < 30:
            # Level 1 signed, then the county changed an answer: the sign-off is voided and
            # waits to be signed again.
            writes.audit_sign(audit=audit, user=level1, result="passed")
            check = AuditCheck.objects.filter(audit=audit).order_by("position").first()
            if check is not None:
                writes.check_answer(
                    audit=audit, check_id=check.pk, user=staff, answer="n_a", note="本周不涉及"
                )
            counts["voided"] += 1
            continue
        for level in levels:
            signer = auditors[level]
            if signer is None:
                break
            writes.audit_sign(audit=audit, user=signer, result="passed")
        late = pick >= 90
        _backdate(audit, audit.due_on + dt.timedelta(days=2) if late else audit.due_on)
        counts["late" if late else "passed"] += 1
    stdout.write(
        f"  audits: {created} created; {counts['passed']} passed on time, {counts['late']} "
        f"late, {counts['failed']} failed with findings, {counts['overdue']} overdue, "
        f"{counts['voided']} with a voided sign-off, {counts['waiting']} waiting for level 2"
        + (f"; {yesterday_c01} waits for c01_auditor" if yesterday_c01 else "")
    )
    seed_records(stdout, today)
    seed_cashflow(stdout, today, users)
    seed_false_users(stdout, today, users)
    seed_onsite(stdout, today, users)
    seed_notices(stdout, today, users["city"])
    return {}


#: The refunds and dismantles of the demo's last business days.
RECORD_DAYS = 5
RECORD_SEED = 20261116


def _records(
    rng: random.Random, today: dt.date, accounts: list[tuple[str, int, Decimal | None, int]]
) -> tuple[list[records.RefundRow], list[records.DismantleRow]]:
    """A county's day: ~30 refunds and ~15 dismantles per county, drawn so that the rules hit a
    few percent (a repeated refund, a deposit refund with no dismantle or above the deposit, an
    unreturned terminal, a refund above the threshold)."""
    refunds: list[records.RefundRow] = []
    dismantles: list[records.DismantleRow] = []
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < RECORD_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    by_county: dict[int, list[tuple[str, int, Decimal | None, int]]] = {}
    for account in accounts:
        by_county.setdefault(account[1], []).append(account)
    # Each account is dismantled once: the dismantles of a county walk a shuffled list.
    unused = {county_id: rng.sample(owned, len(owned)) for county_id, owned in by_county.items()}
    for day in sorted(days):
        for county_id, owned in by_county.items():
            code = f"{county_id:02d}-{day:%Y%m%d}"
            per_day = min(15, len(owned) // (RECORD_DAYS * 2))
            for n in range(per_day):
                account_no, _county, deposit, line_id = unused[county_id].pop()
                returned = rng.random() >= 0.04
                dismantles.append(
                    (day, county_id, account_no, f"DM-{code}-{n:03d}", line_id, "", returned, "")
                )
                if deposit is not None and rng.random() < 0.9:
                    # Most dismantles with a deposit have its refund within a few days.
                    refund_day = min(day + dt.timedelta(days=rng.randrange(0, 3)), max(days))
                    amount = deposit if rng.random() >= 0.03 else deposit + Decimal("20.00")
                    refunds.append(
                        (
                            refund_day,
                            county_id,
                            account_no,
                            f"RF-{code}-D{n:03d}",
                            "deposit",
                            amount,
                            "",
                        )
                    )
            for n in range(20):
                account_no = rng.choice(owned)[0]
                kind = rng.choice(("prepaid", "overcharge", "other"))
                amount = Decimal(rng.randrange(10, 400)) + Decimal("0.50")
                if rng.random() < 0.01:
                    amount = Decimal(rng.randrange(1001, 3000))
                refunds.append((day, county_id, account_no, f"RF-{code}-{n:03d}", kind, amount, ""))
                if rng.random() < 0.01:
                    refunds.append(
                        (day, county_id, account_no, f"RF-{code}-{n:03d}B", kind, amount, "")
                    )
            if rng.random() < 0.3:
                # A deposit refund with no dismantle near it.
                account_no = rng.choice(owned)[0]
                refunds.append(
                    (day, county_id, account_no, f"RF-{code}-X", "deposit", Decimal("100.00"), "")
                )
    return refunds, dismantles


def seed_records(stdout: Any, today: dt.date) -> None:
    """The last business days' refunds and dismantles, through the same writes as the datasets
    (so the rules run); order numbers are fixed, so a rerun updates and creates no item."""
    accounts = list(
        Account.objects.exclude(account_no__contains=FALSE_USER_MARK)
        .order_by("county__sort_order", "account_no")
        .values_list("account_no", "county_id", "deposit", "business_line_id")
    )
    if not accounts:
        return
    refunds, dismantles = _records(random.Random(RECORD_SEED), today, accounts)
    records.dismantles_write(rows=dismantles)
    records.refunds_write(rows=refunds)
    # As if each day had been imported that evening: the daily briefing counts the items
    # created on its day (one update per business day; the same values on a rerun).
    zone = timezone.get_current_timezone()
    for day in sorted({row[0] for row in refunds} | {row[0] for row in dismantles}):
        evening = dt.datetime.combine(day, dt.time(20), tzinfo=zone)
        VerificationItem.objects.filter(business_date=day).update(created_at=evening)
    _work_items(sorted({row[0] for row in refunds} | {row[0] for row in dismantles}))
    items = VerificationItem.objects.count()
    stdout.write(
        f"  verification: {len(refunds)} refunds, {len(dismantles)} dismantles, {items} items"
    )


def _work_items(days: list[dt.date]) -> None:
    """The counties in good order worked their items the morning after, all but the last two
    days' (waiting for their level-1 auditor); the troubled counties left theirs open, and
    C01's all wait for ``c01_auditor`` (the walk through the demo). Only open items are
    worked, so a rerun changes nothing."""
    if len(days) <= 2:
        return
    auditors = {
        u.username: u
        for u in get_user_model().objects.filter(is_active=True, username__endswith="_auditor")
    }
    zone = timezone.get_current_timezone()
    for item in (
        VerificationItem.objects.filter(
            status=VerificationItem.Status.OPEN, business_date__lt=days[-2]
        )
        .exclude(county__code__in=TROUBLED | {"C01"})
        .select_related("county")
        .order_by("pk")
    ):
        auditor = auditors.get(f"{item.county.code.lower()}_auditor")
        if auditor is None:
            continue
        records_note = "已与凭证及客户签字单据核对"
        item_writes.item_resolve(item=item, user=auditor, result="ok", note=records_note)
        morning = dt.datetime.combine(item.business_date + dt.timedelta(days=1), dt.time(10))
        VerificationItem.objects.filter(pk=item.pk).update(worked_at=morning.replace(tzinfo=zone))


#: The demo county whose cash flow last month is short and not explained well enough: level 2
#: signed it failed, so it tops the city ranking.
CASHFLOW_SHORT = "C05"


def seed_cashflow(stdout: Any, today: dt.date, users: dict[str, Any]) -> None:
    """Last month's cash-flow reconciliation of every demo county, entered by its staff through
    the service: most without a difference or with a small one explained, signed 1 → 2 → 3;
    one county short by 3.2 % with a vague explanation, failed at level 2. Counties already
    entered for that month are left as they are."""
    month = previous_month(today)
    done = set(
        CashFlowReconciliation.objects.filter(month=month.first_day).values_list(
            "county__code", flat=True
        )
    )
    counties = County.objects.filter(active=True).order_by("sort_order", "code")
    entered = 0
    for county in counties:
        prefix = county.code.lower()
        staff, level1 = users.get(f"{prefix}_staff"), users.get(f"{prefix}_auditor")
        if county.code in done or staff is None or level1 is None:
            continue
        pick = int(hashlib.sha256(f"{county.code}|{month}".encode()).hexdigest()[:8], 16)
        receivable = Decimal(2_000_000 + pick % 1_500_000).quantize(Decimal("0.01"))
        received, explanation = receivable, ""
        if county.code == CASHFLOW_SHORT:
            received = (receivable * Decimal("0.968")).quantize(Decimal("0.01"))
            explanation = "部分客户缴费较晚。"
        elif pick % 3 == 0:
            received = receivable - Decimal(pick % 900 + 100)
            explanation = "月末最后一天的银行转账次月1日到账；回单已附。"
        rec = cashflow.cashflow_save(
            user=staff,
            county=county,
            month=month,
            receivable=receivable,
            received=received,
            explanation=explanation,
            version=0,
        )
        cashflow.cashflow_sign(reconciliation=rec, user=level1, result="passed")
        if county.code == CASHFLOW_SHORT:
            cashflow.cashflow_sign(
                reconciliation=rec,
                user=users["auditor2"],
                result="failed",
                note="应收差额3.2%；“缴费较晚”未写明客户和日期。",
            )
        elif users.get("auditor3") is not None:
            cashflow.cashflow_sign(reconciliation=rec, user=users["auditor2"], result="passed")
            cashflow.cashflow_sign(reconciliation=rec, user=users["auditor3"], result="passed")
        entered += 1
    stdout.write(f"  cash flow {month}: {entered} counties entered")


# --------------------------------------------------------------------------- false users

#: Demo accounts of the false-user cases: "<county>-FU<n>", kept out of the refund and
#: dismantle draws so that those stay the same whether or not they exist yet.
FALSE_USER_MARK = "-FU"
#: Per county: how many accounts billed 0 every month (the rule finds them).
FALSE_USER_ZEROS = {"C01": 3, "C02": 2, "C03": 2}
#: The false-user accounts' customers, in the order the accounts are made.
FALSE_USER_NAMES = ("赵国庆", "钱淑芬", "孙德胜", "周桂香", "吴长林", "郑玉兰", "冯振山", "李春生")


def _false_user_accounts(today: dt.date) -> None:
    """Accounts billed 0.00 in each of the twelve months up to the latest billed month, and one
    per county billed a little but never paying (reported by hand)."""
    latest = false_user_reads.latest_billed_month()
    line = BusinessLine.objects.filter(code="FIXED_PHONE").first()
    counties = {c.code: c for c in County.objects.filter(code__in=[*FALSE_USER_ZEROS, "C04"])}
    if latest is None or line is None or not counties:
        return
    wanted: list[tuple[County, str, Decimal]] = []
    for code, count in FALSE_USER_ZEROS.items():
        if code in counties:
            wanted += [(counties[code], f"{code}{FALSE_USER_MARK}{n}", ZERO) for n in range(count)]
    if "C04" in counties:
        wanted.append((counties["C04"], f"C04{FALSE_USER_MARK}M", Decimal("3.00")))
    Account.objects.bulk_create(
        [
            Account(
                account_no=account_no,
                county=county,
                business_line=line,
                customer_name=FALSE_USER_NAMES[n % len(FALSE_USER_NAMES)],
                opened_on=dt.date(today.year - 2, 1, 1),
            )
            for n, (county, account_no, _fee) in enumerate(wanted)
        ],
        ignore_conflicts=True,
    )
    ids = dict(
        Account.objects.filter(account_no__in=[w[1] for w in wanted]).values_list(
            "account_no", "pk"
        )
    )
    months = [Month.of(latest).shift(-k).first_day for k in range(11, -1, -1)]
    Bill.objects.bulk_create(
        [
            Bill(
                account_id=ids[account_no],
                county_id=county.pk,
                billing_month=month,
                amount_billed=fee,
                amount_paid=ZERO,
            )
            for county, account_no, fee in wanted
            for month in months
        ],
        ignore_conflicts=True,
    )
    for county in counties.values():
        bill_totals.refresh(months, county.pk)


def _case(account_no: str) -> FalseUserCase | None:
    return (
        FalseUserCase.objects.filter(account__account_no=account_no)
        .select_related("account")
        .first()
    )


def seed_false_users(stdout: Any, today: dt.date, users: dict[str, Any]) -> None:
    """Suspects found by the rule and one reported by hand, worked into every state: C01's
    first removed (its account dismantled), C02's first confirmed, C03's first cleared. A case
    already past "suspected" is left as it is, so a rerun changes nothing."""
    _false_user_accounts(today)
    found = false_user_writes.false_users_find()
    auditor, city = users.get("auditor2"), users.get("city")
    if auditor is None or city is None:
        return
    manual = f"C04{FALSE_USER_MARK}M"
    reporter = users.get("c04_staff")
    if (
        reporter is not None
        and _case(manual) is None
        and Account.objects.filter(account_no=manual).exists()
    ):
        false_user_writes.false_user_report(
            user=reporter,
            account_no=manual,
            reason="一年来每月只出账几元，从未缴费；地址无人居住。",
        )
    steps = {
        f"C01{FALSE_USER_MARK}0": ("confirm", "remove"),
        f"C02{FALSE_USER_MARK}0": ("confirm",),
        f"C03{FALSE_USER_MARK}0": ("clear",),
    }
    for account_no, actions in steps.items():
        case = _case(account_no)
        if case is None or case.status != FalseUserCase.Status.SUSPECTED:
            continue
        for action in actions:
            if action == "confirm":
                case = false_user_writes.false_user_confirm(
                    case=case, user=auditor, note="已上门核实：无人居住。"
                )
            elif action == "remove":
                case = false_user_writes.false_user_remove(case=case, user=city)
            else:
                case = false_user_writes.false_user_clear(
                    case=case, user=auditor, reason="度假房，夏季才有人住。"
                )
    counts = dict(
        FalseUserCase.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    stdout.write(f"  false users: {found} found by the rule now; by status {counts}")


# --------------------------------------------------------------------------- on-site verifications


def seed_onsite(stdout: Any, today: dt.date, users: dict[str, Any]) -> None:
    """An on-site verification of C01 this month with three follow-ups (one past due, one
    done, one open), and one of C02 last month with everything done. Keyed on county, date
    and scope, so a rerun adds nothing."""
    auditor, city = users.get("auditor2"), users.get("city")
    counties = {c.code: c for c in County.objects.filter(code__in=("C01", "C02"))}
    if auditor is None or city is None or len(counties) < 2:
        return
    visit_day = today.replace(day=1) if today.day >= 3 else today - dt.timedelta(days=5)
    last_month = Month.of(today).previous().first_day + dt.timedelta(days=14)
    visits = (
        (
            counties["C01"],
            visit_day,
            "上月押金退费与拆机；营业厅收银台",
            (
                ("补齐两笔押金退费的客户签字", "c01_staff", 1, False),
                ("三笔拆机终端退回仓库", "c01_staff", 1, True),
                ("组织收银台退费凭证培训", "c01_head", 30, False),
            ),
        ),
        (
            counties["C02"],
            last_month,
            "欠费催缴记录",
            (("承诺缴费记录归档", "c02_staff", 7, True),),
        ),
    )
    added = 0
    for county, day, scope, follow_ups in visits:
        if OnSiteVerification.objects.filter(county=county, date=day, scope=scope).exists():
            continue
        visit = onsite_writes.onsite_create(
            user=auditor,
            county=county,
            date=day,
            scope=scope,
            participants=f"市支撑中心稽核员，{county.name}一级稽核员、营销人员",
            result="两笔押金退费无客户签字；三台终端尚未退回。",
        )
        added += 1
        for description, owner, due_days, done in follow_ups:
            if owner not in users:
                continue
            follow_up = onsite_writes.follow_up_add(
                verification=visit,
                user=auditor,
                description=description,
                owner=owner,
                due_on=day + dt.timedelta(days=due_days),
            )
            if done:
                onsite_writes.follow_up_done(follow_up=follow_up, user=users[owner])
    stdout.write(f"  on-site verifications: {added} added")


def seed_notices(stdout: Any, today: dt.date, city: Any) -> None:
    """The weekly audit notices: the week before last published by ``city`` on the Monday
    after it, with remarks; the week just ended drafted (as Monday's beat job does), waiting
    for city staff to add remarks and publish. A rerun leaves the published one as it is and
    refreshes the draft."""
    last = notice_writes.week_just_ended(today)
    before = notice_writes.week_just_ended(today - dt.timedelta(days=7))
    published = notice_writes.notice_draft(week=before)
    if not published.published:
        published = notice_writes.notice_publish(
            user=city,
            week=before,
            remarks=("以上点名的县公司：本周内清理逾期稽核和逾期未整改问题，周五前报市支撑中心。"),
        )
        monday = published.week_end + dt.timedelta(days=1)
        WeeklyNotice.objects.filter(pk=published.pk).update(
            drafted_at=_at(monday, 6), published_at=_at(monday, 10)
        )
    draft = notice_writes.notice_draft(week=last)
    stdout.write(
        f"  notices: {before} published ({len(published.criticism)} criticised, "
        f"{len(published.commendation)} commended); {last} {draft.status}"
    )
