"""Sign-off as docs/rules.md#audits fixes it: levels in order (409 naming the missing one),
level-1 auditors on their county only, every check answered, fingerprints voiding sign-offs
after a change, reopening, status, due dates, overdue and late."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from audits.models import Audit, SignOff
from audits.services import audits as writes
from audits.services import findings as finding_writes
from tests.conftest import make_user


def sign(api, audit, result="passed", note=""):
    return api.post(f"/api/v1/audits/{audit.pk}/sign/", {"result": result, "note": note})


def test_a_level_1_auditor_answers_and_signs_a_daily_audit(api_for, auditor1_a, daily_a):
    api = api_for(auditor1_a)
    detail = api.get(f"/api/v1/audits/{daily_a.pk}/").json()
    assert detail["status"] == "pending" and detail["required_levels"] == [1]
    for check in detail["checks"]:
        response = api.patch(
            f"/api/v1/audits/{daily_a.pk}/checks/{check['id']}/", {"answer": "ok"}, format="json"
        )
        assert response.status_code == 200, response.content
    response = sign(api, daily_a)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "passed" and body["signed_levels"] == [1]
    assert body["signoffs"][0]["user"] == "auditor1_a" and not body["signoffs"][0]["voided"]
    assert len(body["signoffs"][0]["fingerprint"]) == 64


def test_signing_needs_every_check_answered(api_for, auditor1_a, daily_a):
    response = sign(api_for(auditor1_a), daily_a)
    assert response.status_code == 400
    assert "3 not answered" in response.json()["checks"][0]


def test_a_problem_needs_a_note(api_for, staff_a, daily_a):
    check = daily_a.checks.first()
    url = f"/api/v1/audits/{daily_a.pk}/checks/{check.pk}/"
    response = api_for(staff_a).patch(url, {"answer": "problem"}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = api_for(staff_a).patch(url, {"answer": "problem", "note": "R-9 twice"})
    assert response.status_code == 200 and response.json()["answer"] == "problem"


def test_level_2_before_level_1_is_a_conflict_naming_level_1(
    api_for, auditor1_a, auditor2, weekly_a, answer_all
):
    answer_all(weekly_a, auditor1_a)
    response = sign(api_for(auditor2), weekly_a)
    assert response.status_code == 409
    assert "Level 1" in response.json()["detail"]
    assert sign(api_for(auditor1_a), weekly_a).status_code == 200
    response = sign(api_for(auditor2), weekly_a)
    assert response.status_code == 200 and response.json()["status"] == "passed"


def test_a_monthly_audit_is_signed_1_then_2_then_3(
    api_for, auditor1_a, auditor2, auditor3, monthly_a, answer_all
):
    answer_all(monthly_a, auditor1_a)
    assert sign(api_for(auditor1_a), monthly_a).status_code == 200
    assert "Level 2" in sign(api_for(auditor3), monthly_a).json()["detail"]
    assert sign(api_for(auditor2), monthly_a).json()["status"] == "in_progress"
    body = sign(api_for(auditor3), monthly_a).json()
    assert body["status"] == "passed" and body["signed_levels"] == [1, 2, 3]


def test_after_a_failed_level_no_higher_level_signs(
    api_for, auditor1_a, auditor2, weekly_a, answer_all, city_user
):
    answer_all(weekly_a, auditor1_a)
    finding_writes.finding_open(
        audit=weekly_a,
        user=city_user,
        category="refund",
        description="Refund repeated",
        severity="high",
        due_on=dt.date(2026, 11, 30),
    )
    assert sign(api_for(auditor1_a), weekly_a, "failed").json()["status"] == "failed"
    assert sign(api_for(auditor2), weekly_a).status_code == 409


def test_a_failed_sign_off_needs_a_finding(api_for, auditor1_a, daily_a, answer_all):
    answer_all(daily_a, auditor1_a)
    response = sign(api_for(auditor1_a), daily_a, "failed")
    assert response.status_code == 400 and "finding" in response.json()["result"][0]


def test_a_level_1_auditor_cannot_reach_another_countys_audit(api_for, auditor1_a, daily_b):
    assert sign(api_for(auditor1_a), daily_b).status_code == 404
    assert api_for(auditor1_a).get(f"/api/v1/audits/{daily_b.pk}/").status_code == 404


def test_roles_that_may_not_sign_get_403(api_for, staff_a, city_user, head_a, auditor3, daily_a):
    for user in (staff_a, city_user, head_a, auditor3):  # a daily audit needs level 1 only
        assert sign(api_for(user), daily_a).status_code == 403


def test_a_later_change_voids_the_sign_offs_and_they_stay_in_the_history(
    api_for, client_for, auditor1_a, auditor2, staff_a, weekly_a, answer_all
):
    answer_all(weekly_a, auditor1_a)
    sign(api_for(auditor1_a), weekly_a)
    assert sign(api_for(auditor2), weekly_a).json()["status"] == "passed"
    check = weekly_a.checks.first()
    api_for(staff_a).patch(
        f"/api/v1/audits/{weekly_a.pk}/checks/{check.pk}/",
        {"answer": "problem", "note": "two promises not followed"},
        format="json",
    )
    body = api_for(auditor2).get(f"/api/v1/audits/{weekly_a.pk}/").json()
    assert body["status"] == "in_progress" and body["signed_levels"] == []
    assert [(s["level"], s["voided"]) for s in body["signoffs"]] == [(1, True), (2, True)]
    assert "answered problem by staff_a" in body["signoffs"][0]["voided_by_change"]
    page = client_for(auditor2).get(f"/audits/{weekly_a.pk}/").content.decode()
    assert page.count('class="text-muted text-decoration-line-through voided"') == 2
    # Signing again counts afresh.
    assert sign(api_for(auditor1_a), weekly_a).status_code == 200
    assert SignOff.objects.filter(audit=weekly_a).count() == 3


def test_saving_the_same_answer_again_voids_nothing(api_for, auditor1_a, daily_a, answer_all):
    answer_all(daily_a, auditor1_a)
    sign(api_for(auditor1_a), daily_a)
    check = daily_a.checks.first()
    writes.check_answer(audit=daily_a, check_id=check.pk, user=auditor1_a, answer="ok", note="seen")
    daily_a.refresh_from_db()
    assert daily_a.status == "passed"
    assert not SignOff.objects.filter(voided_at__isnull=False).exists()


def test_a_new_finding_voids_the_signed_fingerprint(
    api_for, auditor1_a, auditor2, staff_a, weekly_a, answer_all
):
    answer_all(weekly_a, auditor1_a)
    sign(api_for(auditor1_a), weekly_a)
    response = api_for(auditor2).post(
        f"/api/v1/audits/{weekly_a.pk}/findings/",
        {
            "category": "arrears",
            "description": "No follow-up",
            "severity": "low",
            "due_on": "2026-11-30",
            "owner": "staff_a",
        },
    )
    assert response.status_code == 201, response.content
    weekly_a.refresh_from_db()
    assert weekly_a.status == "in_progress"
    assert SignOff.objects.get(audit=weekly_a).voided


def test_city_staff_reopen_a_finished_audit_with_a_reason(
    api_for, auditor1_a, city_user, staff_a, daily_a, answer_all
):
    answer_all(daily_a, auditor1_a)
    assert (
        api_for(city_user).post(f"/api/v1/audits/{daily_a.pk}/reopen/", {"reason": "x"}).status_code
        == 409
    )
    sign(api_for(auditor1_a), daily_a)
    url = f"/api/v1/audits/{daily_a.pk}/reopen/"
    assert api_for(staff_a).post(url, {"reason": "why"}).status_code == 403
    assert api_for(city_user).post(url, {"reason": ""}).status_code == 400
    body = api_for(city_user).post(url, {"reason": "Refund file was incomplete"}).json()
    assert body["status"] == "in_progress" and body["reopen_reason"] == "Refund file was incomplete"
    assert body["signoffs"][0]["voided"]
    assert "Refund file was incomplete" in body["signoffs"][0]["voided_by_change"]


def test_overdue_and_late(api_for, auditor1_a, make_audit, county_a, answer_all, today):
    old = make_audit(county_a, "daily", "2026-11-12")  # due the 13th
    fresh = make_audit(county_a, "daily", "2026-11-16")  # due today
    listed = {a["period"]: a for a in api_for(auditor1_a).get("/api/v1/audits/").json()["results"]}
    assert listed["2026-11-12"]["overdue"] and not listed["2026-11-16"]["overdue"]
    overdue = api_for(auditor1_a).get("/api/v1/audits/?overdue=true").json()["results"]
    assert [a["period"] for a in overdue] == ["2026-11-12"]
    answer_all(old, auditor1_a)
    answer_all(fresh, auditor1_a)
    sign(api_for(auditor1_a), old)
    sign(api_for(auditor1_a), fresh)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.late and old.status == "passed" and not old.is_overdue(today)
    assert not fresh.late


def test_two_level_1_sign_offs_at_once_cannot_both_stand(db, auditor1_a, daily_a, answer_all):
    answer_all(daily_a, auditor1_a)
    writes.audit_sign(audit=daily_a, user=auditor1_a, result="passed")
    with pytest.raises(writes.AuditConflict, match="already signed"):
        writes.audit_sign(audit=daily_a, user=auditor1_a, result="passed")


def test_the_list_filters_and_shows_required_and_signed_levels(
    api_for, city_user, daily_a, weekly_a, daily_b
):
    api = api_for(city_user)
    rows = api.get("/api/v1/audits/?cadence=weekly").json()["results"]
    assert [(r["county"], r["period"], r["required_levels"], r["signed_levels"]) for r in rows] == [
        ("C01", "2026-W46", [1, 2], [])
    ]
    assert {r["county"] for r in api.get("/api/v1/audits/?county=C02").json()["results"]} == {"C02"}
    assert api.get("/api/v1/audits/?status=passed").json()["count"] == 0
    assert api.get("/api/v1/audits/?period=2026-11-16").json()["count"] == 2


def test_a_user_without_a_role_group_reads_nothing(api_for, daily_a):
    user = make_user("nobody", "county_staff", daily_a.county)
    user.groups.clear()
    Group.objects.get(name="county_staff")
    assert (
        api_for(user)
        .patch(f"/api/v1/audits/{daily_a.pk}/checks/{daily_a.checks.first().pk}/", {"answer": "ok"})
        .status_code
        == 403
    )
    assert Audit.objects.get(pk=daily_a.pk).status == "pending"
