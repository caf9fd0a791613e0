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
from django.db.models import Exists, OuterRef
from django.utils import timezone

from arrears.models import Account
from audits.calculations import required_levels
from audits.models import Audit, AuditCheck, Finding, Holiday, SignOff, VerificationItem
from audits.services import audits as writes
from audits.services import findings as finding_writes
from audits.services import records


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


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    if "auditor2" not in users or "city" not in users:
        return {}
    for day, name in ((dt.date(today.year, 1, 1), "New Year's Day"),):
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
                    note="Two refunds of the same account and amount",
                )
            finding = finding_writes.finding_open(
                audit=audit,
                user=level1,
                category=Finding.Category.REFUND,
                description="Refund repeated within 30 days; reverse one and explain.",
                severity=Finding.Severity.HIGH if pick < 3 else Finding.Severity.MEDIUM,
                amount=None if pick % 2 else Decimal("120.00"),
                due_on=audit.due_on + dt.timedelta(days=10),
                owner=staff.username,
            )
            writes.audit_sign(audit=audit, user=level1, result="failed", note="See finding")
            _backdate(audit, audit.due_on)
            if audit.due_on < today - dt.timedelta(days=30):
                # The older failures were followed up, so every finding state shows.
                finding_writes.finding_rectify(
                    finding=finding, user=staff, note="Refund reversed, voucher attached"
                )
                if pick % 2:
                    finding_writes.finding_verify(
                        finding=finding, user=users["auditor2"], note="Voucher seen"
                    )
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
                    audit=audit, check_id=check.pk, user=staff, answer="n_a", note="Not this week"
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
        Account.objects.order_by("county__sort_order", "account_no").values_list(
            "account_no", "county_id", "deposit", "business_line_id"
        )
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
    items = VerificationItem.objects.count()
    stdout.write(
        f"  verification: {len(refunds)} refunds, {len(dismantles)} dismantles, {items} items"
    )
