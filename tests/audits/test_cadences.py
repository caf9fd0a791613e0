"""Audits are created by cadence for every active county: idempotent, catching up the last 35
days, never for a weekend or holiday, and two concurrent runs leave one audit per key."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from audits import tasks
from audits.models import Audit, AuditCheck, Holiday
from audits.services.audits import audits_create, checklist_update
from marketing_ops.models import County

MONDAY = dt.date(2026, 11, 16)


def keys(county=None):
    audits = Audit.objects.all() if county is None else Audit.objects.filter(county=county)
    return set(audits.values_list("cadence", "period"))


def test_a_run_creates_the_previous_business_day_week_and_month_with_their_checklists(
    county_a, county_b
):
    created = audits_create(today=dt.date(2026, 11, 2))  # Monday the 2nd
    assert created == Audit.objects.count()
    found = keys(county_a)
    assert ("daily", "2026-10-30") in found  # Friday
    assert ("weekly", "2026-W44") in found  # 26 Oct – 1 Nov
    assert ("monthly", "2026-10") in found
    assert found == keys(county_b)
    daily = Audit.objects.get(county=county_a, cadence="daily", period="2026-10-30")
    assert [c.text for c in daily.checks.all()] == [
        "退费明细已核对",
        "拆机明细已核对",
        "当日核查事项已处理",
    ]
    assert daily.due_on == dt.date(2026, 10, 31) and daily.status == "pending"


def test_a_second_run_creates_nothing(county_a):
    first = audits_create(today=MONDAY)
    assert first > 0
    checks = AuditCheck.objects.count()
    assert audits_create(today=MONDAY) == 0
    assert AuditCheck.objects.count() == checks


def test_no_daily_audit_on_a_weekend_or_a_holiday(county_a):
    Holiday.objects.create(date=dt.date(2026, 11, 11), name="City day")
    audits_create(today=MONDAY)
    daily = {p for c, p in keys(county_a) if c == "daily"}
    assert "2026-11-13" in daily
    assert not daily & {"2026-11-14", "2026-11-15", "2026-11-11", "2026-11-08"}


def test_a_beat_that_was_down_leaves_no_hole(county_a):
    audits_create(today=dt.date(2026, 11, 2))
    # Nothing ran for a fortnight; the next run fills every missing day and week.
    created = audits_create(today=MONDAY)
    daily = sorted(p for c, p in keys(county_a) if c == "daily")
    weeks = sorted(p for c, p in keys(county_a) if c == "weekly")
    assert created == 10 + 2  # 2–13 Nov business days, weeks 45 and 46
    assert {"2026-11-02", "2026-11-06", "2026-11-09", "2026-11-13"} <= set(daily)
    assert weeks[-2:] == ["2026-W45", "2026-W46"]


def test_inactive_counties_get_no_audits(county_a, county_b):
    County.objects.filter(pk=county_b.pk).update(active=False)
    audits_create(today=MONDAY)
    assert not Audit.objects.filter(county=county_b).exists()


def test_new_audits_copy_the_checklist_as_city_staff_left_it(county_a, city_user):
    checklist_update(user=city_user, cadence="daily", items=["Refunds checked", "Cash counted"])
    audits_create(today=MONDAY)
    audit = Audit.objects.filter(cadence="daily").first()
    assert [c.text for c in audit.checks.all()] == ["Refunds checked", "Cash counted"]


def test_the_command_and_the_task_call_the_same_service(county_a, capsys):
    call_command("audits_create", "--date", "2026-11-16")
    out = capsys.readouterr().out
    assert "audits created as of 2026-11-16" in out and not out.startswith("0 ")
    assert tasks.audits_create.delay("2026-11-16").get() == 0
    assert tasks.audits_create.delay("2026-11-17").get() == 1  # Monday the 16th


def test_the_api_creates_for_city_staff_only(api_for, city_user, staff_a, auditor2, county_a):
    assert api_for(staff_a).post("/api/v1/audits/create/", {}, format="json").status_code == 403
    assert api_for(auditor2).post("/api/v1/audits/create/", {}, format="json").status_code == 403
    response = api_for(city_user).post(
        "/api/v1/audits/create/", {"date": "2026-11-16"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["created"] == Audit.objects.count() > 0
    again = api_for(city_user).post("/api/v1/audits/create/", {"date": "2026-11-16"}, format="json")
    assert again.json() == {"created": 0}
    refused = api_for(city_user).post("/api/v1/audits/create/", {"date": "16.11"}, format="json")
    assert refused.status_code == 400


def test_the_beat_runs_the_task_daily_on_mondays_and_on_the_first(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "audits.tasks.audits_create"
    ]
    assert len(entries) == 3
    assert {tuple(sorted(e["schedule"].hour)) for e in entries} == {(6,)}
    assert any(e["schedule"].day_of_week == {1} for e in entries)  # Monday
    assert any(e["schedule"].day_of_month == {1} for e in entries)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_leave_one_audit_per_key():
    County.objects.create(code="C01", name="Alpha", kind="district", sort_order=1)
    County.objects.create(code="C02", name="Beta", kind="county", sort_order=2)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(audits_create(today=MONDAY))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    total = Audit.objects.count()
    assert sorted(results) == [0, total]
    per_key = Audit.objects.values_list("county", "cadence", "period")
    assert len(set(per_key)) == total
    assert AuditCheck.objects.count() == sum(a.checks.count() for a in Audit.objects.all())
    assert all(a.checks.count() in (2, 3) for a in Audit.objects.all())
    assert connection.vendor == "postgresql"
