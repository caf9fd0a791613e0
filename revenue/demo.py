"""Demo revenue data (``seed_demo``): plans, reports, standings, then activities.

Last year is complete (a published plan, every month approved) so that this year's plan can be
decomposed by last year's actuals. This year: a published plan phased by a seasonal profile,
approved reports through last month — some counties ahead, some behind, C08 at risk — except
that last month C01 has no report yet (for the demo county user to enter), C05's is a draft,
C06's waits for review and C08's was returned with a reason; C07's report of the month before
came late. C08's open months are phased again with a reason (the plan's phasing history).
Seeded on 5 December, the dashboards open on October (November's reports are still within
their deadline) and November shows each county's report state.
Everything is written through the services, with the dates it would have happened on. Safe to
run twice: what exists is left alone; figures are drawn from a seeded random generator.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT
from marketing_ops.periods import Month
from revenue import calculations as calc
from revenue.activities import demo as activities_demo
from revenue.models import CountyMonthTarget, MonthlyReport, PhasingProfile, Plan
from revenue.selectors import progress
from revenue.services import plans, reports

#: County size (share of the city) and how it performs this year against its phased target.
PROFILE = {
    "C01": (Decimal("22"), Decimal("1.06")),
    "C02": (Decimal("18"), Decimal("1.03")),
    "C03": (Decimal("12"), Decimal("0.99")),
    "C04": (Decimal("11"), Decimal("0.97")),
    "C05": (Decimal("10"), Decimal("1.01")),
    "C06": (Decimal("10"), Decimal("0.98")),
    "C07": (Decimal("9"), Decimal("0.985")),
    "C08": (Decimal("8"), Decimal("0.72")),
}
LAST_YEAR_REVENUE = Decimal("110000000.00")
LAST_YEAR_VOLUMES = {
    "BROADBAND": 22000,
    "DEDICATED_LINE": 540,
    "PUBLIC_PHONE": 150,
    "FIXED_PHONE": 3300,
}
THIS_YEAR_REVENUE = Decimal("120000000.00")
THIS_YEAR_VOLUMES = {
    "BROADBAND": 24000,
    "DEDICATED_LINE": 600,
    "PUBLIC_PHONE": 120,
    "FIXED_PHONE": 3000,
}
SEASONAL = [7, 7, 8, 8, 8, 9, 9, 9, 8, 9, 9, 9]


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Seeder:
    def __init__(self, stdout: Any, today: dt.date):
        self.stdout = stdout
        self.today = today
        self.rng = random.Random(2026)
        self.counties = list(County.objects.filter(code__in=PROFILE, active=True))
        self.lines = {
            line.code: line for line in BusinessLine.objects.filter(code__in=THIS_YEAR_VOLUMES)
        }
        users = get_user_model().objects.filter(
            username__in=["city", *(f"{c.code.lower()}_staff" for c in self.counties)]
        )
        self.users = {u.username: u for u in users}
        self.city = self.users["city"]
        self.created = {"plans": 0, "reports": 0}

    def staff(self, county: County) -> Any:
        return self.users.get(f"{county.code.lower()}_staff", self.city)

    # ---------------------------------------------------------------- reports

    def report(
        self,
        county: County,
        month: Month,
        revenue: Decimal,
        volumes: dict[str, int],
        end: str,
        *,
        submit_day: int = 3,
        reason: str = "",
    ) -> None:
        """One report taken through the workflow to ``end``, on the days it would happen."""
        if MonthlyReport.objects.filter(county=county, year=month.year, month=month.month).exists():
            return
        following = month.next()
        # Never in the future: early in a month, last month's steps happen "just now".
        latest = timezone.now() - dt.timedelta(minutes=5)
        entered = min(_aware(following.first_day, 9), latest - dt.timedelta(minutes=2))
        submitted = min(
            _aware(dt.date(following.year, following.month, submit_day), 11),
            latest - dt.timedelta(minutes=1),
        )
        reviewed = min(submitted + dt.timedelta(days=1), latest)
        staff = self.staff(county)
        report = reports.report_save(
            county=county,
            year=month.year,
            month=month.month,
            revenue=revenue,
            volumes=volumes,
            version=0,
            user=staff,
            now=entered,
        )
        self.created["reports"] += 1
        if end == "draft":
            return
        report = reports.report_submit(report=report, user=staff, now=submitted)
        if end == "approved":
            reports.report_approve(report=report, user=self.city, now=reviewed)
        elif end == "returned":
            reports.report_return(report=report, user=self.city, reason=reason, now=reviewed)

    def noisy(self, amount: Decimal, factor: Decimal) -> Decimal:
        noise = Decimal(self.rng.randint(-20, 20)) / 1000
        return (amount * (factor + noise)).quantize(CENT)

    def units(self, n: int, factor: Decimal) -> int:
        noise = Decimal(self.rng.randint(-50, 50)) / 1000
        return max(int((Decimal(n) * (factor + noise)).to_integral_value()), 0)

    # ---------------------------------------------------------------- years

    def last_year(self, year: int) -> None:
        weights = [(c.code, PROFILE[c.code][0]) for c in self.counties]
        revenue = calc.allocate_money(LAST_YEAR_REVENUE, weights)
        volumes = {code: calc.allocate_units(n, weights) for code, n in LAST_YEAR_VOLUMES.items()}
        for county in self.counties:
            months = calc.phase_money(revenue[county.code], SEASONAL)
            line_months = {
                code: calc.phase_units(volumes[code][county.code], SEASONAL) for code in self.lines
            }
            for m in range(1, 13):
                month = Month(year, m)
                self.report(
                    county,
                    month,
                    self.noisy(months[m - 1], Decimal(1)),
                    {code: self.units(line_months[code][m - 1], Decimal(1)) for code in self.lines},
                    "approved",
                )
        if Plan.objects.filter(year=year).exists():
            return
        plan = plans.plan_create(
            year=year,
            revenue_target=LAST_YEAR_REVENUE,
            volume_targets={k: v for k, v in LAST_YEAR_VOLUMES.items() if k in self.lines},
            user=self.city,
        )
        plans.plan_decompose(plan=plan, method="potential", weights=dict(weights), user=self.city)
        plans.plan_publish(plan=plan, user=self.city)
        self.created["plans"] += 1

    def this_year(self, year: int) -> Plan:
        plan = Plan.objects.filter(year=year).first()
        if plan is not None:
            return plan
        profile, _ = PhasingProfile.objects.get_or_create(
            name="通信行业季节性",
            defaults={
                "kind": PhasingProfile.Kind.WEIGHTS,
                "values": [str(w) for w in SEASONAL],
                "description": "一季度平淡，下半年发力。",
            },
        )
        plan = plans.plan_create(
            year=year,
            revenue_target=THIS_YEAR_REVENUE,
            volume_targets={k: v for k, v in THIS_YEAR_VOLUMES.items() if k in self.lines},
            user=self.city,
        )
        plans.plan_decompose(plan=plan, method="last_year", user=self.city)
        plans.plan_phase(plan=plan, profile=profile, user=self.city)
        plans.plan_publish(plan=plan, user=self.city)
        self.created["plans"] += 1
        return plan

    def this_year_reports(self, plan: Plan, last: Month) -> None:
        targets = {
            (row.county_target.county_id, row.month): row
            for row in CountyMonthTarget.objects.filter(county_target__plan=plan).select_related(
                "county_target"
            )
        }
        for county in self.counties:
            factor = PROFILE[county.code][1]
            for m in range(1, last.month + 1 if last.year == plan.year else 1):
                target = targets.get((county.pk, m))
                if target is None:
                    continue
                month = Month(plan.year, m)
                end, submit_day, reason = "approved", 3, ""
                if month == last and county.code == "C01":
                    continue  # left for the demo county user to enter and submit
                if month == last and county.code == "C06":
                    end = "submitted"
                elif month == last and county.code == "C08":
                    end, reason = "returned", "宽带新增户数与营业系统导出数不一致。"
                elif month == last and county.code == "C05":
                    end = "draft"
                elif month == last.previous() and county.code == "C07":
                    submit_day = 9  # after the deadline: flagged late, approved all the same
                self.report(
                    county,
                    month,
                    self.noisy(target.revenue_target, factor),
                    {
                        code: self.units(target.volume_targets.get(code, 0), factor)
                        for code in self.lines
                    },
                    end,
                    submit_day=submit_day,
                    reason=reason,
                )

    def rephase_at_risk_county(self, plan: Plan, last: Month) -> None:
        """C08, at risk, moves its broadband campaign to the year end: its months still open
        are phased again with a reason; the months with an approved report keep their targets."""
        c08 = next((c for c in self.counties if c.code == "C08"), None)
        if (
            c08 is None
            or last.year != plan.year
            or last.month < 10
            or plan.rephasings.filter(county=c08).exists()
        ):
            return
        weights = [*SEASONAL[:10], 6, 12]
        plans.plan_phase(
            plan=plan,
            weights=weights,
            county=c08,
            reason="宽带营销活动推迟到12月：年底承担更多目标。",
            user=self.city,
        )

    def standings(self, year: int, last: Month) -> int:
        count = 0
        months = range(1, last.month + 1) if last.year == year else range(0)
        for m in months:
            summary = progress.progress_summary(None, year, m)
            rate = summary.city.revenue.completion_rate or Decimal(0)
            plans.province_standing_save(
                year=year,
                month=m,
                rank=[3, 4, 3, 2, 3, 3, 2, 2, 2, 2, 1, 2][m - 1],
                cities=14,
                completion_rate=(rate - Decimal("0.0031")).max(Decimal(0)),
                note="省公司通报",
                user=self.city,
            )
            count += 1
        return count


def seed(stdout: Any, today: Any) -> dict:
    seeder = _Seeder(stdout, today)
    if len(seeder.counties) == len(PROFILE) and "city" in seeder.users:
        last = Month.of(today).previous()
        seeder.last_year(today.year - 1)
        plan = seeder.this_year(today.year)
        seeder.this_year_reports(plan, last)
        seeder.rephase_at_risk_county(plan, last)
        # The province's bulletin follows the months whose reports are all in.
        closed = Month(*calc.closed_month(today, settings.REPORT_DEADLINE_DAY))
        standings = seeder.standings(today.year, closed)
        stdout.write(
            f"  revenue: {seeder.created['plans']} plans and {seeder.created['reports']} "
            f"reports created, {standings} province standings"
        )
    else:
        stdout.write("  revenue: the demo counties C01..C08 and user 'city' are missing; skipped")
    activities_demo.seed(stdout, today)
    return {}
