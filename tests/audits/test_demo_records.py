"""The demo's refunds and dismantles: the rules hit a realistic few percent, and a second run
creates no new record or item; the demo's weekly notices criticise a few counties and commend
the others."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audits.models import DismantleRecord, Finding, RefundRecord, VerificationItem, WeeklyNotice

pytestmark = pytest.mark.django_db


def test_the_demo_records_hit_every_rule_for_a_few_percent_and_rerun_cleanly():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    records = RefundRecord.objects.count() + DismantleRecord.objects.count()
    items = VerificationItem.objects.count()
    assert records > 500
    assert 0.01 * records <= items <= 0.10 * records
    rules = set(VerificationItem.objects.values_list("rule", flat=True))
    assert rules >= {"R1", "R2", "R4", "R6"}
    # As if each day had been imported that evening, so the daily briefings count them.
    zone = timezone.get_current_timezone()
    assert all(
        timezone.localtime(created, zone).date() == day
        for created, day in VerificationItem.objects.values_list("created_at", "business_date")
    )
    # Most findings were rectified and verified in time; a few counties let theirs run past due.
    assert set(Finding.objects.values_list("status", flat=True)) == {
        "open",
        "rectified",
        "verified",
    }
    verified = Finding.objects.filter(status="verified")
    assert verified.count() > Finding.objects.count() / 2
    assert all(finding.verified_at.date() <= finding.due_on for finding in verified)
    # The counties in good order worked their older items; C01's wait for its auditor.
    statuses = set(VerificationItem.objects.values_list("status", flat=True))
    assert {"ok", "open"} <= statuses
    assert not VerificationItem.objects.filter(county__code="C01", status="ok").exists()
    notices = list(WeeklyNotice.objects.order_by("week"))
    assert [notice.published for notice in notices] == [True, False]
    for notice in notices:
        criticised = {row["county"] for row in notice.criticism}
        commended = {row["county"] for row in notice.commendation}
        assert 1 <= len(criticised) <= 4 and len(commended) >= 3, notice.week
        assert not criticised & commended
    call_command("seed_demo", stdout=io.StringIO())
    assert [n.criticism for n in WeeklyNotice.objects.order_by("week")] == [
        n.criticism for n in notices
    ]
    assert RefundRecord.objects.count() + DismantleRecord.objects.count() == records
    assert VerificationItem.objects.count() == items
