"""Fixtures of the revenue tests: business lines, a decomposed plan, reports in any state."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from marketing_ops.models import BusinessLine, County
from marketing_ops.services import import_submit
from revenue.models import MonthlyReport, ReportVolume
from revenue.services import plans


@pytest.fixture
def lines(db):
    """The default lines (a data migration creates them; a transactional test may have flushed
    them); two kept active to keep the grids short."""
    for order, (code, name) in enumerate(
        [("BROADBAND", "Broadband terminals"), ("DEDICATED_LINE", "Broadband dedicated lines")],
        start=1,
    ):
        BusinessLine.objects.update_or_create(
            code=code, defaults={"name": name, "active": True, "sort_order": order}
        )
    BusinessLine.objects.exclude(code__in=["BROADBAND", "DEDICATED_LINE"]).update(active=False)
    return list(BusinessLine.objects.filter(active=True).order_by("sort_order", "code"))


@pytest.fixture
def plan_2026(county_a, county_b, lines, city_user):
    """2026: 1,200,000.00 split 600,000 / 600,000 by potential, equal months."""
    plan = plans.plan_create(
        year=2026,
        revenue_target="1200000.00",
        volume_targets={"BROADBAND": 1200, "DEDICATED_LINE": 24},
        user=city_user,
    )
    plans.plan_decompose(
        plan=plan, method="potential", weights={"C01": 1, "C02": 1}, user=city_user
    )
    return plan


def make_report(county, year, month, revenue, status="approved", volumes=None, **extra):
    """A report straight in the database (for progress and access tests, not the workflow)."""
    report = MonthlyReport.objects.create(
        county=county, year=year, month=month, revenue=Decimal(revenue), status=status, **extra
    )
    lines = {line.code: line for line in BusinessLine.objects.all()}
    ReportVolume.objects.bulk_create(
        ReportVolume(report=report, line=lines[code], volume=n)
        for code, n in (volumes or {}).items()
    )
    return report


def make_counties(n: int) -> list[County]:
    existing = County.objects.count()
    return County.objects.bulk_create(
        County(code=f"X{i:03d}", name=f"County {i}", sort_order=100 + i)
        for i in range(existing, existing + n)
    )


def submit_file(content: bytes, user, name: str = "figures.csv"):
    return import_submit(
        dataset="monthly_figures",
        fileobj=io.BytesIO(content),
        file_name=name,
        user=user,
        background=False,
    )
