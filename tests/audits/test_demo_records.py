"""The demo's refunds and dismantles: the rules hit a realistic few percent, and a second run
creates no new record or item."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audits.models import DismantleRecord, RefundRecord, VerificationItem

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
    call_command("seed_demo", stdout=io.StringIO())
    assert RefundRecord.objects.count() + DismantleRecord.objects.count() == records
    assert VerificationItem.objects.count() == items
