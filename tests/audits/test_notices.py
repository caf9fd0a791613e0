"""The weekly audit notice (docs/rules.md#weekly-audit-notice): each reason for criticism at
its boundary, the commendation rule, drafting that is idempotent and refreshes a draft but
never a published notice, publishing once, the beat entry, the command and the task.

"Today" is Tuesday 2026-11-17; the week just ended is 2026-W46 (Monday 9 to Sunday 15
November), which ends at midnight on Monday the 16th (Shanghai)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from audits import tasks
from audits.models import RefundRecord, VerificationItem, WeeklyNotice
from audits.selectors import notices as reads
from audits.services import audits as writes
from audits.services import findings as finding_writes
from audits.services import notices as notice_writes

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = "2026-W46"


def at(day: dt.date, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def criticism(notice: WeeklyNotice) -> dict[str, list[str]]:
    view = reads.notice_view(notice)
    return {row.code: row.reasons for row in view.criticism}


def commended(notice: WeeklyNotice) -> list[str]:
    return [row.code for row in reads.notice_view(notice).commendation]


@pytest.fixture
def sign_on(time_machine, answer_all, auditor1_a, today):
    """Answer and sign an audit (level 1) on ``day``, then come back to today."""

    def sign(audit, day: dt.date, result: str = "passed", user=None):
        time_machine.move_to(at(day, 17), tick=False)
        answer_all(audit, user or auditor1_a)
        if result == "failed":
            finding_writes.finding_open(
                audit=audit,
                user=user or auditor1_a,
                category="refund",
                description="Refund repeated",
                severity="high",
                due_on=dt.date(2026, 11, 30),
            )
        writes.audit_sign(audit=audit, user=user or auditor1_a, result=result)
        time_machine.move_to(at(today), tick=False)
        audit.refresh_from_db()
        return audit

    return sign


@pytest.fixture
def make_item(time_machine, today):
    """A verification item of a county created at ``created`` (an aware datetime)."""
    serial = iter(range(1, 1000))

    def make(county, created: dt.datetime, status: str = "open", worked_at=None):
        n = next(serial)
        time_machine.move_to(created, tick=False)
        refund = RefundRecord.objects.create(
            order_no=f"R-{n}",
            county=county,
            business_date=created.date(),
            account_no=f"A-{n}",
            refund_type="other",
            amount=Decimal("1500.00"),
        )
        item = VerificationItem.objects.create(
            rule="R6",
            refund=refund,
            county=county,
            business_date=created.date(),
            account_no=refund.account_no,
            order_no=refund.order_no,
            amount=refund.amount,
            explanation="Refund 1500.00 above the review threshold 1000.00.",
            status=status,
            worked_at=worked_at,
        )
        time_machine.move_to(at(today), tick=False)
        return item

    return make


# --------------------------------------------------------------------------- criticism


def test_an_audit_due_in_the_week_and_not_finished_is_criticised_as_overdue(
    county_a, county_b, make_audit, today
):
    make_audit(county_a, "daily", "2026-11-12")  # due Friday the 13th
    make_audit(county_a, "daily", "2026-11-13")  # due Saturday the 14th
    make_audit(county_a, "weekly", "2026-W45")  # due Tuesday the 10th
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["2 daily audits overdue", "1 weekly audit overdue"]}


def test_audits_due_outside_the_week_do_not_count(county_a, make_audit, today):
    make_audit(county_a, "daily", "2026-11-06")  # due Saturday the 7th, week 45
    make_audit(county_a, "daily", "2026-11-16")  # due the 17th, week 47
    make_audit(county_a, "weekly", "2026-W46")  # due Tuesday the 17th, week 47
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {}


def test_an_audit_finished_after_the_week_ended_still_counts_as_overdue(
    county_a, make_audit, sign_on
):
    audit = make_audit(county_a, "daily", "2026-11-13")  # due the 14th
    sign_on(audit, dt.date(2026, 11, 16))
    assert audit.status == "passed" and audit.late
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["1 daily audit overdue"]}
    assert commended(notice) == []


def test_an_audit_finished_late_but_within_the_week_is_neither_criticised_nor_commended(
    county_a, make_audit, sign_on
):
    audit = make_audit(county_a, "daily", "2026-11-10")  # due the 11th
    sign_on(audit, dt.date(2026, 11, 12))
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {}
    assert commended(notice) == []


def test_a_failed_audit_of_the_week_is_criticised(county_a, make_audit, sign_on):
    audit = make_audit(county_a, "daily", "2026-11-10")
    sign_on(audit, dt.date(2026, 11, 11), result="failed")
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["1 daily audit failed"]}


def test_a_finding_past_due_at_the_end_of_the_week_is_criticised(
    county_a, daily_a, city_user, auditor2, staff_a, time_machine, today
):
    def finding(due_on: dt.date):
        return finding_writes.finding_open(
            audit=daily_a,
            user=city_user,
            category="other",
            description=f"due {due_on}",
            severity="low",
            due_on=due_on,
        )

    finding(dt.date(2026, 11, 15))  # due on the week's last day: past due when it ended
    finding(dt.date(2026, 11, 16))  # due the day after: not yet
    verified_in_time = finding(dt.date(2026, 11, 1))
    verified_late = finding(dt.date(2026, 11, 2))
    time_machine.move_to(at(dt.date(2026, 11, 15), 20), tick=False)
    finding_writes.finding_rectify(finding=verified_in_time, user=staff_a, note="done")
    finding_writes.finding_verify(finding=verified_in_time, user=auditor2, note="seen")
    time_machine.move_to(at(dt.date(2026, 11, 16), 8), tick=False)
    finding_writes.finding_rectify(finding=verified_late, user=staff_a, note="done")
    finding_writes.finding_verify(finding=verified_late, user=auditor2, note="seen")
    time_machine.move_to(at(today), tick=False)
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["2 findings past due"]}


def test_a_verification_item_open_exactly_3_days_is_not_criticised_but_one_second_more_is(
    county_a, county_b, make_item
):
    ended = at(dt.date(2026, 11, 16), 0)
    make_item(county_a, ended - dt.timedelta(days=3))
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {}
    make_item(county_b, ended - dt.timedelta(days=3, seconds=1))
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C02": ["1 verification item open more than 3 days"]}


def test_items_worked_before_the_week_ended_do_not_count_and_items_worked_after_do(
    county_a, make_item
):
    ended = at(dt.date(2026, 11, 16), 0)
    old = ended - dt.timedelta(days=5)
    make_item(county_a, old)
    make_item(county_a, old)
    make_item(county_a, old, status="ok", worked_at=ended - dt.timedelta(hours=1))
    make_item(county_a, old, status="ok", worked_at=ended + dt.timedelta(hours=1))
    make_item(county_a, old, status="explained")
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["3 verification items open more than 3 days"]}


def test_a_county_criticised_for_several_reasons_lists_them_all_with_counts(
    county_a, make_audit, make_item, daily_a, city_user
):
    make_audit(county_a, "daily", "2026-11-12")
    make_audit(county_a, "daily", "2026-11-13")
    finding_writes.finding_open(
        audit=daily_a,
        user=city_user,
        category="other",
        description="x",
        severity="low",
        due_on=dt.date(2026, 11, 14),
    )
    for _n in range(5):
        make_item(county_a, at(dt.date(2026, 11, 10)))
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {
        "C01": [
            "2 daily audits overdue",
            "1 finding past due",
            "5 verification items open more than 3 days",
        ]
    }
    (row,) = notice.criticism
    assert row["reasons"][0] == {"kind": "audits_overdue", "cadence": "daily", "count": 2}


# --------------------------------------------------------------------------- commendation


def test_counties_whose_audits_of_the_week_all_passed_on_time_are_commended(
    county_a, county_b, make_audit, sign_on, auditor1_a
):
    for day in ("2026-11-10", "2026-11-11"):
        audit = make_audit(county_a, "daily", day)
        sign_on(audit, dt.date.fromisoformat(day) + dt.timedelta(days=1))
    # Beta had no audit due in the week: nothing to commend it for.
    notice = notice_writes.notice_draft(week=WEEK)
    assert commended(notice) == ["C01"]
    assert criticism(notice) == {}
    assert notice.commendation == [{"county": "C01", "name": "Alpha District"}]


def test_a_finding_past_due_or_one_overdue_audit_loses_the_commendation(
    county_a, make_audit, sign_on, city_user, make_item
):
    passed = make_audit(county_a, "daily", "2026-11-10")
    sign_on(passed, dt.date(2026, 11, 11))
    assert commended(notice_writes.notice_draft(week=WEEK)) == ["C01"]
    # On October's monthly audit (due in week 45): a finding changes no audit of the week.
    finding_writes.finding_open(
        audit=make_audit(county_a, "monthly", "2026-10"),
        user=city_user,
        category="other",
        description="x",
        severity="low",
        due_on=dt.date(2026, 11, 12),
    )
    notice = notice_writes.notice_draft(week=WEEK)
    assert commended(notice) == []
    assert criticism(notice) == {"C01": ["1 finding past due"]}


def test_a_county_with_items_open_too_long_is_criticised_not_commended(
    county_a, make_audit, sign_on, make_item
):
    sign_on(make_audit(county_a, "daily", "2026-11-10"), dt.date(2026, 11, 11))
    make_item(county_a, at(dt.date(2026, 11, 9)))
    notice = notice_writes.notice_draft(week=WEEK)
    assert commended(notice) == []
    assert criticism(notice) == {"C01": ["1 verification item open more than 3 days"]}


def test_inactive_counties_are_left_out(county_a, county_b, make_audit):
    make_audit(county_b, "daily", "2026-11-12")
    county_b.active = False
    county_b.save()
    assert criticism(notice_writes.notice_draft(week=WEEK)) == {}


# --------------------------------------------------------------------------- drafting


def test_drafting_twice_keeps_one_notice_with_the_same_content(county_a, make_audit):
    make_audit(county_a, "daily", "2026-11-12")
    first = notice_writes.notice_draft(week=WEEK)
    second = notice_writes.notice_draft(week=WEEK)
    assert WeeklyNotice.objects.count() == 1
    assert second.pk == first.pk
    assert (second.criticism, second.commendation) == (first.criticism, first.commendation)
    assert (second.week_start, second.week_end) == (dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    assert second.status == "draft"


def test_drafting_again_refreshes_a_draft_and_keeps_its_remarks(county_a, make_audit, city_user):
    notice_writes.notice_draft(week=WEEK)
    notice_writes.notice_remarks(user=city_user, week=WEEK, remarks="Keep it up")
    make_audit(county_a, "daily", "2026-11-12")
    notice = notice_writes.notice_draft(week=WEEK)
    assert criticism(notice) == {"C01": ["1 daily audit overdue"]}
    assert notice.remarks == "Keep it up"


def test_a_published_notice_is_frozen_as_it_was_published(county_a, make_audit, city_user):
    make_audit(county_a, "daily", "2026-11-12")
    notice_writes.notice_draft(week=WEEK)
    published = notice_writes.notice_publish(user=city_user, week=WEEK, remarks="Fix it")
    make_audit(county_a, "daily", "2026-11-13")
    again = notice_writes.notice_draft(week=WEEK)
    again.refresh_from_db()
    assert again.status == "published"
    assert criticism(again) == {"C01": ["1 daily audit overdue"]}
    assert (again.published_at, again.published_by, again.remarks) == (
        published.published_at,
        city_user,
        "Fix it",
    )


def test_publishing_twice_or_editing_a_published_notice_is_a_conflict(county_a, city_user):
    notice_writes.notice_draft(week=WEEK)
    notice_writes.notice_publish(user=city_user, week=WEEK, remarks="")
    with pytest.raises(notice_writes.NoticeConflict):
        notice_writes.notice_publish(user=city_user, week=WEEK, remarks="again")
    with pytest.raises(notice_writes.NoticeConflict):
        notice_writes.notice_remarks(user=city_user, week=WEEK, remarks="changed")
    assert WeeklyNotice.objects.get().remarks == ""


def test_only_city_staff_publish(county_a, auditor2, leader, staff_a, today):
    notice_writes.notice_draft(week=WEEK)
    for user in (auditor2, leader, staff_a):
        with pytest.raises(PermissionDenied):
            notice_writes.notice_publish(user=user, week=WEEK, remarks="")
    assert WeeklyNotice.objects.get().status == "draft"


@pytest.mark.parametrize("week", ["2026-W47", "2026-W48", "2026-46", "2026-W60", ""])
def test_a_week_not_ended_or_not_a_week_is_refused_naming_the_week(week, county_a, today):
    with pytest.raises(ValidationError) as error:
        notice_writes.notice_draft(week=week)
    assert "week" in error.value.message_dict
    assert not WeeklyNotice.objects.exists()


def test_drafting_runs_a_fixed_number_of_queries(
    county_a, county_b, make_audit, make_item, django_assert_max_num_queries
):
    notice_writes.notice_draft(week=WEEK)
    for day in ("2026-11-10", "2026-11-11", "2026-11-12"):
        make_audit(county_a, "daily", day)
        make_audit(county_b, "daily", day)
    make_item(county_a, at(dt.date(2026, 11, 9)))
    with django_assert_max_num_queries(9):
        notice_writes.notice_draft(week=WEEK)


# --------------------------------------------------------------------------- beat, task, command


def test_celery_beat_drafts_the_notice_on_monday_after_the_audits_are_created():
    entry = settings.CELERY_BEAT_SCHEDULE["audits-notice-weekly"]
    assert entry["task"] == "audits.tasks.notice_draft"
    assert entry["schedule"] == crontab(hour=6, minute=30, day_of_week="mon")
    created = settings.CELERY_BEAT_SCHEDULE["audits-weekly"]["schedule"]
    assert (created.hour, created.minute) == ({6}, {0})


def test_the_task_drafts_the_week_just_ended(county_a, make_audit, time_machine):
    time_machine.move_to(at(dt.date(2026, 11, 16), 6, 30), tick=False)
    make_audit(county_a, "daily", "2026-11-12")
    assert tasks.notice_draft.delay().get() == WEEK
    assert tasks.notice_draft.delay().get() == WEEK
    assert criticism(WeeklyNotice.objects.get(week=WEEK)) == {"C01": ["1 daily audit overdue"]}


def test_the_command_drafts_a_week_and_prints_the_reasons(county_a, make_audit, today):
    make_audit(county_a, "daily", "2026-11-12")
    out = io.StringIO()
    call_command("audits_notice", "--week", WEEK, stdout=out)
    assert "Notice 2026-W46 (Draft): criticised 1, commended 0." in out.getvalue()
    assert "C01 Alpha District: 1 daily audit overdue" in out.getvalue()
    call_command("audits_notice", stdout=io.StringIO())  # default: the week just ended
    assert WeeklyNotice.objects.count() == 1
    with pytest.raises(CommandError, match="has not ended"):
        call_command("audits_notice", "--week", "2026-W47", stdout=io.StringIO())
