"""Audit pages: who may open them, what each county sees, the calendar's colours, exports,
the page workflows (answer, sign, reopen, open/rectify/verify a finding, evidence), query
counts that do not grow with the rows."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from audits.models import Audit, Finding
from audits.services import audits as writes
from audits.services import findings as finding_writes
from audits.services.audits import audits_create


def sheet_rows(response):
    return list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )


@pytest.fixture
def finding(daily_a, auditor1_a, staff_a):
    return finding_writes.finding_open(
        audit=daily_a,
        user=auditor1_a,
        category="refund",
        description="Refund R-9 repeats R-4",
        severity="high",
        due_on=dt.date(2026, 11, 20),
        owner="staff_a",
    )


@pytest.fixture
def pages(daily_a, finding):
    return {
        "calendar": "/audits/",
        "list": "/audits/list/",
        "mine": "/audits/mine/",
        "checklists": "/audits/checklists/",
        "detail": f"/audits/{daily_a.pk}/",
        "findings": "/audits/findings/",
        "finding": f"/audits/findings/{finding.pk}/",
    }


LIST_PAGES = ["calendar", "list", "mine", "findings"]


def test_anonymous_visitors_are_sent_to_log_in(client, pages):
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who",
    [
        "admin_user",
        "city_user",
        "leader",
        "staff_a",
        "head_a",
        "auditor1_a",
        "auditor2",
        "auditor3",
    ],
)
def test_every_role_reads_the_pages_and_exports_the_lists(request, client_for, pages, who):
    client = client_for(request.getfixturevalue(who))
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
    for name in LIST_PAGES:
        export = client.get(pages[name] + "?export=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), name


def test_another_countys_audit_finding_and_evidence_are_not_found(
    client_for, staff_b, pages, finding, staff_a
):
    evidence = finding_writes.evidence_add(
        finding=finding,
        user=staff_a,
        fileobj=io.BytesIO(b"pdf"),
        file_name="v.pdf",
        effective_date=dt.date(2026, 11, 16),
    )
    client = client_for(staff_b)
    for name in ("detail", "finding"):
        assert client.get(pages[name]).status_code == 404
    assert client.get(f"/audits/evidence/{evidence.pk}/").status_code == 404
    assert client.get("/audits/?county=C01").status_code == 404
    assert client_for(staff_a).get(f"/audits/evidence/{evidence.pk}/").getvalue() == b"pdf"
    rows = sheet_rows(client.get("/audits/findings/?export=xlsx"))
    assert len(rows) == 1  # the header only


def test_posts_of_a_role_that_may_not_are_forbidden(
    client_for, head_a, auditor2, daily_a, finding, city_user
):
    check = daily_a.checks.first()
    client = client_for(head_a)
    assert (
        client.post(f"/audits/{daily_a.pk}/checks/{check.pk}/", {"answer": "ok"}).status_code == 403
    )
    assert client.post(f"/audits/{daily_a.pk}/sign/", {"result": "passed"}).status_code == 403
    assert client.post(f"/audits/{daily_a.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert client.get(f"/audits/{daily_a.pk}/findings/new/").status_code == 403
    assert client.post(f"/audits/findings/{finding.pk}/rectify/", {"note": "x"}).status_code == 403
    assert client.post(f"/audits/findings/{finding.pk}/verify/", {}).status_code == 403
    assert client.post(f"/audits/findings/{finding.pk}/evidence/", {}).status_code == 403
    assert client.post("/audits/checklists/", {"cadence": "daily", "items": "x"}).status_code == 403
    assert (
        client_for(auditor2).post(f"/audits/{daily_a.pk}/sign/", {"result": "passed"}).status_code
        == 403
    )


def test_the_page_workflow_answers_signs_and_reopens(client_for, auditor1_a, city_user, daily_a):
    client = client_for(auditor1_a)
    for check in daily_a.checks.all():
        response = client.post(f"/audits/{daily_a.pk}/checks/{check.pk}/", {"answer": "ok"})
        assert response.status_code == 302
    page = client.get(f"/audits/{daily_a.pk}/").content.decode()
    assert 'id="sign-form"' in page
    client.post(f"/audits/{daily_a.pk}/sign/", {"result": "passed", "note": "fine"})
    daily_a.refresh_from_db()
    assert daily_a.status == "passed"
    page = client_for(city_user).get(f"/audits/{daily_a.pk}/").content.decode()
    assert 'id="reopen"' in page and 'id="sign-form"' not in page
    client_for(city_user).post(f"/audits/{daily_a.pk}/reopen/", {"reason": "Recount"})
    daily_a.refresh_from_db()
    assert daily_a.status == "in_progress"
    page = client_for(city_user).get(f"/audits/{daily_a.pk}/").content.decode()
    assert "Recount" in page and "voided" in page


def test_a_refused_answer_is_shown_and_saves_nothing(client_for, staff_a, daily_a):
    check = daily_a.checks.first()
    response = client_for(staff_a).post(
        f"/audits/{daily_a.pk}/checks/{check.pk}/", {"answer": "problem"}, follow=True
    )
    assert "Describe the problem in a note." in response.content.decode()
    check.refresh_from_db()
    assert check.answer == ""


def test_signing_out_of_order_on_the_page_names_the_missing_level(
    client_for, auditor2, weekly_a, answer_all, auditor1_a
):
    answer_all(weekly_a, auditor1_a)
    response = client_for(auditor2).post(
        f"/audits/{weekly_a.pk}/sign/", {"result": "passed"}, follow=True
    )
    assert "Level 1 has not signed this audit passed yet." in response.content.decode()


def test_a_finding_opened_rectified_and_verified_on_the_pages(
    client_for, auditor1_a, staff_a, auditor2, daily_a
):
    response = client_for(auditor1_a).post(
        f"/audits/{daily_a.pk}/findings/new/",
        {
            "category": "refund",
            "description": "Duplicate refund",
            "severity": "medium",
            "due_on": "2026-11-25",
            "owner": "staff_a",
            "amount": "50",
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.owner == staff_a
    client_for(staff_a).post(
        f"/audits/findings/{finding.pk}/evidence/",
        {"file": SimpleUploadedFile("v.pdf", b"one"), "effective_date": "2026-11-16"},
    )
    client_for(staff_a).post(f"/audits/findings/{finding.pk}/rectify/", {"note": "Reversed"})
    page = client_for(auditor2).get(f"/audits/findings/{finding.pk}/").content.decode()
    assert 'id="verify"' in page and "v.pdf" in page
    client_for(auditor2).post(f"/audits/findings/{finding.pk}/verify/", {"note": "ok"})
    finding.refresh_from_db()
    assert finding.status == "verified"
    history = client_for(staff_a).get(f"/audits/findings/{finding.pk}/").content.decode()
    for word in ("Opened", "Evidence added", "Rectified", "Verified"):
        assert word in history


def test_city_staff_edit_the_checklist(client_for, city_user, auditor1_a):
    response = client_for(city_user).post(
        "/audits/checklists/", {"cadence": "weekly", "items": "Arrears followed up\nNotices read\n"}
    )
    assert response.status_code == 302
    page = client_for(auditor1_a).get("/audits/checklists/").content.decode()
    assert "Notices read" in page and "False-user suspects reviewed" not in page


def test_the_calendar_colours_each_audit_by_status(
    client_for, auditor1_a, county_a, today, answer_all
):
    audits_create(today=today)
    passed = Audit.objects.get(county=county_a, cadence="daily", period="2026-11-16")
    answer_all(passed, auditor1_a)
    writes.audit_sign(audit=passed, user=auditor1_a, result="passed")
    page = client_for(auditor1_a).get("/audits/?month=2026-11").content.decode()
    assert page.count('data-status="passed"') == 1
    assert 'data-day="2026-11-16"' in page
    # The grid runs Monday 26 October to Sunday 29 November: the daily audits of 26 October to
    # 13 November (15) and the weeks W44 and W45 are overdue (red); W46 is due today.
    assert page.count('data-status="overdue"') == 15 + 2
    assert page.count('data-status="pending"') == 1
    rows = sheet_rows(client_for(auditor1_a).get("/audits/?month=2026-11&export=xlsx"))
    assert rows[0][:3] == ("County", "Cadence", "Period")


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_keep_their_query_count_with_more_rows(
    client_for,
    city_user,
    county_a,
    county_b,
    today,
    name,
    django_assert_max_num_queries,
    answer_all,
    auditor1_a,
):
    url = {
        "calendar": "/audits/",
        "list": "/audits/list/",
        "mine": "/audits/mine/",
        "findings": "/audits/findings/",
    }[name]
    client = client_for(auditor1_a)
    audits_create(today=dt.date(2026, 11, 4))
    first = Audit.objects.filter(county=county_a).first()
    answer_all(first, auditor1_a)
    finding_writes.finding_open(
        audit=first,
        user=city_user,
        category="other",
        description="d",
        severity="low",
        due_on=dt.date(2026, 11, 30),
    )
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    audits_create(today=today)
    for audit in Audit.objects.filter(county=county_a)[1:6]:
        answer_all(audit, auditor1_a)
        finding_writes.finding_open(
            audit=audit,
            user=city_user,
            category="other",
            description="d",
            severity="low",
            due_on=dt.date(2026, 11, 30),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_my_audits_holds_what_waits_for_each_level(
    client_for, auditor1_a, auditor2, auditor3, staff_a, weekly_a, monthly_a, daily_b, answer_all
):
    def mine(user):
        return {str(a) for a in client_for(user).get("/audits/mine/").context["table"].data}

    assert mine(auditor1_a) == {"C01 Weekly 2026-W46", "C01 Monthly 2026-10"}
    assert mine(auditor2) == set()
    answer_all(weekly_a, auditor1_a)
    writes.audit_sign(audit=weekly_a, user=auditor1_a, result="passed")
    assert mine(auditor1_a) == {"C01 Monthly 2026-10"}
    assert mine(staff_a) == {"C01 Weekly 2026-W46", "C01 Monthly 2026-10"}
    assert mine(auditor2) == {"C01 Weekly 2026-W46"}
    assert mine(auditor3) == set()  # a weekly audit needs no level 3


def test_the_audit_list_api_keeps_its_query_count(
    api_for, city_user, county_a, county_b, today, django_assert_max_num_queries
):
    api = api_for(city_user)
    audits_create(today=dt.date(2026, 11, 4))
    with django_assert_max_num_queries(12) as few:
        assert api.get("/api/v1/audits/?page_size=500").status_code == 200
    audits_create(today=today)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/audits/?page_size=500").json()["count"] > 60


def test_city_staff_keep_the_holiday_calendar_and_the_next_run_follows_it(
    client, client_for, city_user, staff_a, county_a
):
    url = "/audits/holidays/"
    assert client.get(url).status_code == 302
    assert client_for(staff_a).get(url).status_code == 200
    assert client_for(staff_a).post(url, {"date": "2026-11-11", "name": "x"}).status_code == 403
    city = client_for(city_user)
    assert city.post(url, {"date": "2026-11-11", "name": ""}).status_code == 400
    assert city.post(url, {"date": "2026-11-11", "name": "City day"}).status_code == 302
    assert "City day" in city.get(url).content.decode()
    assert sheet_rows(city.get(url + "?export=xlsx"))[1][1] == "City day"
    audits_create(today=dt.date(2026, 11, 12))
    assert not Audit.objects.filter(cadence="daily", period="2026-11-11").exists()
    city.post(url, {"remove": "2026-11-11"})
    assert audits_create(today=dt.date(2026, 11, 12)) == 1
    assert Audit.objects.filter(cadence="daily", period="2026-11-11").exists()
