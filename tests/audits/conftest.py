"""Audits fixtures: "today" is Tuesday 2026-11-17 (Shanghai); helpers that make an audit with
its checklist and answer every check, through the services."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from audits.models import Audit
from audits.services import audits as writes

TODAY = dt.date(2026, 11, 17)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(
        dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )
    return TODAY


@pytest.fixture
def make_audit(db):
    def make(county, cadence: str = "daily", period: str = "2026-11-16") -> Audit:
        return writes.audit_create(county=county, cadence=cadence, period=period)

    return make


@pytest.fixture
def answer_all():
    def answer(audit: Audit, user, answer: str = "ok") -> Audit:
        for check in audit.checks.order_by("position"):
            writes.check_answer(
                audit=audit, check_id=check.pk, user=user, answer=answer, note="seen"
            )
        audit.refresh_from_db()
        return audit

    return answer


@pytest.fixture
def daily_a(county_a, make_audit, today):
    return make_audit(county_a, "daily", "2026-11-16")


@pytest.fixture
def weekly_a(county_a, make_audit, today):
    return make_audit(county_a, "weekly", "2026-W46")


@pytest.fixture
def monthly_a(county_a, make_audit, today):
    return make_audit(county_a, "monthly", "2026-10")


@pytest.fixture
def daily_b(county_b, make_audit, today):
    return make_audit(county_b, "daily", "2026-11-16")
