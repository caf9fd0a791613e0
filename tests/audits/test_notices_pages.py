"""The weekly audit notice on the pages, in the API and in the weekly briefing: who sees which
notice (county users the published ones; drafts only city-wide users), who drafts, saves
remarks and publishes (city staff), 409 once published, the archive's filter and export, the
query counts, and the briefing's draft marker.

"Today" is Tuesday 2026-11-17; the notice of 2026-W46 criticises Alpha (an overdue daily
audit) and commends Beta (its audit passed on time); 2026-W45 is published."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from rest_framework.test import APIClient

from audits import briefing
from audits.models import WeeklyNotice
from audits.services import audits as writes
from audits.services import notices as notice_writes
from marketing_ops.briefings import briefing_render, period_for
from marketing_ops.models import County
from tests.conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def notices(county_a, county_b, make_audit, answer_all, time_machine, city_user, today):
    """2026-W45 published (nothing due: neither criticised nor commended), 2026-W46 a draft."""
    make_audit(county_a, "daily", "2026-11-12")  # due the 13th, left open
    beta = make_audit(county_b, "daily", "2026-11-12")
    auditor_b = _auditor_b(county_b)
    time_machine.move_to(dt.datetime(2026, 11, 13, 10, tzinfo=SHANGHAI), tick=False)
    answer_all(beta, auditor_b)
    writes.audit_sign(audit=beta, user=auditor_b, result="passed")
    time_machine.move_to(dt.datetime(2026, 11, 17, 9, tzinfo=SHANGHAI), tick=False)
    notice_writes.notice_draft(week="2026-W45")
    notice_writes.notice_publish(user=city_user, week="2026-W45", remarks="All quiet.")
    return notice_writes.notice_draft(week="2026-W46")


def _auditor_b(county: County):
    return make_user("auditor1_b", "auditor", county, 1)


def _texts(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- pages


def test_anonymous_visitors_are_sent_to_log_in(client, notices):
    for url in ("/audits/notices/", "/audits/notices/2026-W46/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    for url in ("/audits/notices/draft/", "/audits/notices/2026-W46/edit/"):
        response = client.post(url, {"action": "publish"})
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert WeeklyNotice.objects.get(week="2026-W46").status == "draft"


def test_the_draft_shows_criticism_with_reasons_and_commendation_to_city_staff(
    client_for, city_user, notices
):
    response = client_for(city_user).get("/audits/notices/2026-W46/")
    page = _texts(response)
    assert response.status_code == 200
    assert 'data-status="draft"' in page
    assert "C01 Alpha District" in page and "1 daily audit overdue" in page
    assert 'data-county="C02"' in page and "C02 Beta County" in page
    assert 'id="publish"' in page and 'id="refresh"' in page and "data-print" in page


@pytest.mark.parametrize("who", ["leader", "auditor2", "auditor3", "admin_user"])
def test_city_wide_readers_see_drafts(request, client_for, notices, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/audits/notices/2026-W46/").status_code == 200
    archive = _texts(client.get("/audits/notices/"))
    assert "2026-W46" in archive and "2026-W45" in archive


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "head_a", "auditor1_a"])
def test_county_users_see_published_notices_whole_and_no_draft(
    request, client_for, notices, city_user, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/audits/notices/2026-W46/").status_code == 404
    archive = _texts(client.get("/audits/notices/"))
    assert "2026-W45" in archive and "2026-W46" not in archive
    assert "Published notices only." in archive
    published = client.get("/audits/notices/2026-W45/")
    assert published.status_code == 200
    assert "All quiet." in _texts(published)
    assert 'id="publish"' not in _texts(published)
    notice_writes.notice_publish(user=city_user, week="2026-W46")
    shown = _texts(client.get("/audits/notices/2026-W46/"))
    # The city's notice to every county: another county's criticism is shown as well.
    assert "C01 Alpha District" in shown and "C02 Beta County" in shown


@pytest.mark.parametrize("who", ["staff_a", "head_a", "auditor1_a", "auditor2", "leader"])
def test_only_city_staff_draft_save_and_publish_on_the_pages(request, client_for, notices, who):
    client = client_for(request.getfixturevalue(who))
    assert client.post("/audits/notices/draft/", {"week": "2026-W46"}).status_code == 403
    for action in ("save", "publish"):
        response = client.post("/audits/notices/2026-W46/edit/", {"action": action, "remarks": "x"})
        assert response.status_code == 403
    notice = WeeklyNotice.objects.get(week="2026-W46")
    assert (notice.status, notice.remarks) == ("draft", "")


def test_city_staff_refresh_save_remarks_and_publish_then_it_is_read_only(
    client_for, city_user, notices, make_audit, county_b
):
    client = client_for(city_user)
    make_audit(county_b, "daily", "2026-11-13")  # due the 14th, open: Beta is criticised now
    response = client.post("/audits/notices/draft/", {"week": "2026-W46"})
    assert response.status_code == 302 and response["Location"].endswith("/notices/2026-W46/")
    assert "C02 Beta County" in _texts(client.get("/audits/notices/2026-W46/"))
    client.post("/audits/notices/2026-W46/edit/", {"action": "save", "remarks": "Draft words"})
    assert WeeklyNotice.objects.get(week="2026-W46").remarks == "Draft words"
    client.post("/audits/notices/2026-W46/edit/", {"action": "publish", "remarks": "Final"})
    notice = WeeklyNotice.objects.get(week="2026-W46")
    assert (notice.status, notice.remarks, notice.published_by) == ("published", "Final", city_user)
    page = _texts(client.get("/audits/notices/2026-W46/"))
    assert 'data-status="published"' in page and 'id="publish"' not in page and "Final" in page
    again = client.post("/audits/notices/2026-W46/edit/", {"action": "publish", "remarks": "B"})
    assert again.status_code == 409
    client.post("/audits/notices/draft/", {"week": "2026-W46"})
    assert WeeklyNotice.objects.get(week="2026-W46").remarks == "Final"


def test_the_draft_button_refuses_a_week_not_ended(client_for, city_user, notices):
    response = client_for(city_user).post(
        "/audits/notices/draft/", {"week": "2026-W47"}, follow=True
    )
    assert "Week 2026-W47 has not ended yet." in _texts(response)
    assert not WeeklyNotice.objects.filter(week="2026-W47").exists()


def test_the_archive_filters_by_status_and_exports_the_reasons(client_for, city_user, notices):
    client = client_for(city_user)
    drafts = _texts(client.get("/audits/notices/?status=draft"))
    assert "2026-W46" in drafts and "2026-W45" not in drafts
    response = client.get("/audits/notices/?export=xlsx")
    assert response["Content-Disposition"].endswith('weekly-notices.xlsx"')
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    by_week = {row[0]: row for row in rows[1:]}
    assert set(by_week) == {"2026-W46", "2026-W45"}
    assert "Alpha District: 1 daily audit overdue" in by_week["2026-W46"]
    assert "Beta County" in by_week["2026-W46"]
    assert by_week["2026-W45"][3] == "Published"


def test_an_empty_archive_says_how_notices_come(client_for, staff_a):
    page = _texts(client_for(staff_a).get("/audits/notices/"))
    assert "drafted on Monday morning" in page


def test_the_nav_links_the_archive(client_for, staff_a):
    assert 'href="/audits/notices/"' in _texts(client_for(staff_a).get("/audits/notices/"))


def test_the_pages_keep_their_query_count_with_more_notices(
    client_for, city_user, notices, django_assert_max_num_queries
):
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        client.get("/audits/notices/")
    with django_assert_max_num_queries(10):
        client.get("/audits/notices/2026-W46/")
    for week in ("2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"):
        notice_writes.notice_draft(week=week)
        notice_writes.notice_publish(user=city_user, week=week, remarks="")
    with django_assert_max_num_queries(12):
        client.get("/audits/notices/")


# --------------------------------------------------------------------------- API


def test_the_api_answers_the_contract(api_for, city_user, notices):
    body = api_for(city_user).get("/api/v1/audits/notices/2026-W46/").json()
    assert body["week"] == "2026-W46"
    assert body["status"] == "draft"
    assert body["criticism"] == [
        {
            "county": "C01",
            "name": "Alpha District",
            "reasons": ["1 daily audit overdue"],
            "details": [
                {
                    "kind": "audits_overdue",
                    "cadence": "daily",
                    "count": 1,
                    "days": None,
                    "text": "1 daily audit overdue",
                }
            ],
        }
    ]
    assert body["commendation"] == ["C02"]
    assert body["published_at"] is None and body["remarks"] == ""


def test_the_api_lists_what_each_user_sees(api_for, city_user, staff_a, notices):
    city = api_for(city_user).get("/api/v1/audits/notices/").json()
    assert [n["week"] for n in city["results"]] == ["2026-W46", "2026-W45"]
    assert city["count"] == 2
    drafts = api_for(city_user).get("/api/v1/audits/notices/?status=draft").json()
    assert [n["week"] for n in drafts["results"]] == ["2026-W46"]
    county = api_for(staff_a).get("/api/v1/audits/notices/").json()
    assert [n["week"] for n in county["results"]] == ["2026-W45"]
    assert api_for(staff_a).get("/api/v1/audits/notices/2026-W46/").status_code == 404
    assert api_for(staff_a).get("/api/v1/audits/notices/2026-W45/").status_code == 200


def test_publishing_through_the_api_then_again_or_editing_is_a_conflict(
    api_for, city_user, notices
):
    api = api_for(city_user)
    saved = api.patch("/api/v1/audits/notices/2026-W46/", {"remarks": "Draft"}, format="json")
    assert saved.status_code == 200 and saved.json()["remarks"] == "Draft"
    published = api.post(
        "/api/v1/audits/notices/2026-W46/publish/", {"remarks": "Published"}, format="json"
    )
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_by"] == "city1"
    assert published.json()["remarks"] == "Published"
    again = api.post("/api/v1/audits/notices/2026-W46/publish/", {}, format="json")
    assert again.status_code == 409 and "published" in again.json()["detail"]
    edit = api.patch("/api/v1/audits/notices/2026-W46/", {"remarks": "Changed"}, format="json")
    assert edit.status_code == 409
    assert WeeklyNotice.objects.get(week="2026-W46").remarks == "Published"


def test_the_draft_endpoint_drafts_the_week_just_ended_for_city_staff(
    api_for, city_user, staff_a, auditor2, county_a, today
):
    response = api_for(city_user).post("/api/v1/audits/notices/draft/", {}, format="json")
    assert response.status_code == 200 and response.json()["week"] == "2026-W46"
    refused = api_for(city_user).post(
        "/api/v1/audits/notices/draft/", {"week": "2026-W47"}, format="json"
    )
    assert refused.status_code == 400 and "week" in refused.json()
    for user in (staff_a, auditor2):
        assert api_for(user).post("/api/v1/audits/notices/draft/", {}).status_code == 403


def test_api_access(api_for, notices, staff_a, auditor2, leader):
    anonymous = APIClient()
    for method, url in (
        ("get", "/api/v1/audits/notices/"),
        ("get", "/api/v1/audits/notices/2026-W46/"),
        ("patch", "/api/v1/audits/notices/2026-W46/"),
        ("post", "/api/v1/audits/notices/2026-W46/publish/"),
        ("post", "/api/v1/audits/notices/draft/"),
    ):
        assert getattr(anonymous, method)(url, {}).status_code == 401, url
    # A county user: the draft is not found; the published notice may not be changed.
    assert api_for(staff_a).post("/api/v1/audits/notices/2026-W46/publish/").status_code == 404
    assert (
        api_for(staff_a).patch("/api/v1/audits/notices/2026-W45/", {"remarks": "x"}).status_code
        == 403
    )
    # City-wide readers who are not city staff: 403.
    for user in (auditor2, leader):
        api = api_for(user)
        assert api.post("/api/v1/audits/notices/2026-W46/publish/", {}).status_code == 403
        assert api.patch("/api/v1/audits/notices/2026-W46/", {"remarks": "x"}).status_code == 403
    assert api_for(staff_a).get("/api/v1/audits/notices/2099-W01/").status_code == 404
    assert WeeklyNotice.objects.get(week="2026-W46").status == "draft"


def test_the_api_list_keeps_its_query_count(
    api_for, city_user, notices, django_assert_max_num_queries
):
    api = api_for(city_user)
    with django_assert_max_num_queries(8):
        api.get("/api/v1/audits/notices/")
    for week in ("2026-W40", "2026-W41", "2026-W42"):
        notice_writes.notice_draft(week=week)
        notice_writes.notice_publish(user=city_user, week=week, remarks="")
    with django_assert_max_num_queries(8):
        api.get("/api/v1/audits/notices/")


def test_the_schema_holds_the_notice_paths(api_for, city_user):
    schema = api_for(city_user).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/audits/notices/",
        "/api/v1/audits/notices/{week}/",
        "/api/v1/audits/notices/{week}/publish/",
        "/api/v1/audits/notices/draft/",
    ):
        assert path in schema["paths"], path


# --------------------------------------------------------------------------- briefing


def test_the_city_weekly_briefing_carries_the_draft_marked_draft(notices):
    period = period_for("weekly", "2026-W46")
    (section,) = briefing.sections(period, None)
    assert "Audit notice 2026-W46 (draft, not published yet):" in section.lines
    assert "Criticism: Alpha District (1 daily audit overdue)." in section.lines
    assert "Commendation: Beta County." in section.lines
    (sheet,) = section.tables
    assert sheet.title == "Audit notice 2026-W46 (draft)"
    assert sheet.rows == [
        ["C01", "Alpha District", "Criticism", "1 daily audit overdue"],
        ["C02", "Beta County", "Commendation", ""],
    ]
    rendered = briefing_render(period, None)
    assert "Audit notice 2026-W46 (draft, not published yet):" in rendered.text
    assert "Audit notice 2026-W46 (draft, not published yet):" in rendered.html
    assert "1 daily audit overdue" in rendered.html
    book = openpyxl.load_workbook(io.BytesIO(rendered.xlsx))
    assert "Audit notice 2026-W46 (draft)" in book.sheetnames


def test_once_published_the_briefing_says_so_and_each_county_gets_its_part(
    notices, city_user, county_a, county_b
):
    period = period_for("weekly", "2026-W46")
    (county_section,) = briefing.sections(period, county_a)
    assert "The audit notice of 2026-W46 is not published yet." in county_section.lines
    notice_writes.notice_publish(user=city_user, week="2026-W46", remarks="Do better")
    (section,) = briefing.sections(period, None)
    assert "Audit notice 2026-W46 (published 2026-11-17):" in section.lines
    assert "Remarks of the city: Do better" in section.lines
    assert section.tables[0].title == "Audit notice 2026-W46 (published)"
    (alpha,) = briefing.sections(period, county_a)
    assert "Criticism of Alpha District: 1 daily audit overdue." in alpha.lines
    assert alpha.tables[0].rows == [["C01", "Alpha District", "Criticism", "1 daily audit overdue"]]
    (beta,) = briefing.sections(period, county_b)
    assert "Commendation: Beta County." in beta.lines
    assert "Alpha" not in "\n".join(beta.lines)


def test_a_week_without_a_notice_says_it_is_not_drafted(county_a, today):
    (section,) = briefing.sections(period_for("weekly", "2026-W46"), None)
    assert "The audit notice of 2026-W46 is not drafted yet." in section.lines
    assert section.tables == []
