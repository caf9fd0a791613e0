"""Demo appraisal (``manage.py seed_demo``): a scheme for each of the three months before this
one, built on the built-in indicators and one manual indicator (service visits, with values),
computed; an adjustment with its reason; the two older months closed. Last month stays open
so that city staff can recompute, adjust and close it. Safe to run again: what exists is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from appraisal.calculations import SchemeLine
from appraisal.models import Adjustment, AppraisalMonth, Indicator, Scheme
from appraisal.services import computation, months, schemes, values
from marketing_ops.models import County
from marketing_ops.periods import Month

D = Decimal
MANUAL = ("SERVICE_VISITS", "客户服务走访", "higher", "次")

#: code, weight, target, floor, cap: sums to 100.
SCHEME = (
    ("REVENUE_COMPLETION", D(20), D("1.0"), D("0.8"), D("1.2")),
    ("VOLUME_COMPLETION", D(10), D("1.0"), D("0.7"), D(1)),
    ("ARREARS_RECOVERY", D(15), D("0.98"), D("0.85"), D(1)),
    ("CHURN_RATE", D(10), D("0.005"), D("0.03"), D(1)),
    ("RENEWAL_RATE", D(10), D("0.8"), D("0.4"), D(1)),
    ("ZERO_COST_SHARE", D(10), D("0.02"), D("0.10"), D(1)),
    ("ZERO_COST_ACTIVATION", D(5), D("0.3"), D(0), D(1)),
    ("STOP_SHARE", D(5), D("0.02"), D("0.10"), D(1)),
    ("AUDIT_PASS_RATE", D(5), D("1.0"), D("0.6"), D(1)),
    ("MATERIAL_LOOP_GAPS", D(5), D(0), D(4), D(1)),
    ("SERVICE_VISITS", D(5), D(40), D(10), D("1.2")),
)


def _visits(county: County, month: Month) -> Decimal:
    """A stable number of visits, 5–54, per county and month."""
    digest = hashlib.sha256(f"{county.code}|{month}".encode()).hexdigest()
    return D(5 + int(digest[:6], 16) % 50)


def seed(stdout: Any, today: dt.date) -> dict[str, Any]:
    city = get_user_model().objects.filter(username="city").first()
    counties = list(County.objects.filter(active=True).order_by("sort_order"))
    if city is None or not counties:
        stdout.write("  appraisal: user 'city' or the counties are missing; skipped")
        return {}
    now = timezone.now()
    values.indicators_ensure_built_in()
    code, name, direction, unit = MANUAL
    if not Indicator.objects.filter(code=code).exists():
        values.indicator_create(code=code, name=name, direction=direction, unit=unit, user=city)
    last = Month.of(today).previous()
    demo_months = [last.shift(-2), last.shift(-1), last]
    computed = closed = 0
    for month in demo_months:
        state = AppraisalMonth.objects.filter(month=month.first_day).first()
        if state is not None and state.closed:
            continue
        if not Scheme.objects.filter(month=month.first_day).exists():
            lines = [SchemeLine(c, w, t, f, cap) for c, w, t, f, cap in SCHEME]
            schemes.scheme_save(month=month, lines=lines, user=city)
        values.manual_values_save(
            month=month,
            rows=[values.ValueRow(c.code, code, _visits(c, month)) for c in counties],
            user=city,
        )
        computation.scorecards_compute(month=month, now=now, user=city)
        computed += 1
    adjusted = demo_months[1]
    if not Adjustment.objects.filter(month=adjusted.first_day).exists():
        state = AppraisalMonth.objects.get(month=adjusted.first_day)
        if not state.closed:
            computation.adjustment_add(
                month=adjusted,
                county=counties[-1],
                amount=D("3.00"),
                reason="县北部遭受暴雨灾害：省公司同意剔除受灾村庄的离网。",
                indicator_code=None,
                user=city,
                now=now,
            )
    for month in demo_months[:-1]:
        state = AppraisalMonth.objects.get(month=month.first_day)
        if not state.closed:
            months.month_close(month=month, user=city, now=now)
            closed += 1
    stdout.write(
        f"  appraisal: {computed} months computed ({', '.join(map(str, demo_months))}), "
        f"{closed} closed; {last} open to recompute, adjust and close"
    )
    return {}
