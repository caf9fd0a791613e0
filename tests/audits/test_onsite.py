"""On-site verifications (docs/rules.md#on-site-verifications): recording and editing a visit,
follow-ups with owners of the county and due dates, marking them done, past due, and access to
every page and endpoint."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audits.models import FollowUp, OnSiteVerification
from audits.services import onsite as writes


def sheet_rows(response):
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def visit_a(county_a, auditor2, today):
    return writes.onsite_create(
        user=auditor2,
        county=county_a,
        date=dt.date(2026, 11, 10),
        scope="Refund vouchers of October",
        participants="auditor2, staff_a",
        result="Two vouchers without signature",
    )


@pytest.fixture
def visit_b(county_b, city_user, today):
    return writes.onsite_create(
        user=city_user,
        county=county_b,
        date=dt.date(2026, 11, 12),
        scope="Cash desk",
        participants="city",
    )


@pytest.fixture
def follow_ups(visit_a, auditor2, staff_a, head_a):
    late = writes.follow_up_add(
        verification=visit_a,
        user=auditor2,
        description="Collect the missing signatures",
        owner=staff_a.username,
        due_on=dt.date(2026, 11, 14),
    )
    later = writes.follow_up_add(
        verification=visit_a,
        user=auditor2,
        description="Train the cash desk",
        owner=head_a.username,
        due_on=dt.date(2026, 11, 30),
    )
    return late, later


# --------------------------------------------------------------------------- services


def test_a_verification_is_recorded_with_its_follow_ups(visit_a, follow_ups, today):
    late, later = follow_ups
    assert visit_a.created_by.username == "auditor2"
    assert [f.is_past_due(today) for f in visit_a.follow_ups.order_by("due_on")] == [True, False]


def test_a_follow_up_names_what_is_wrong(visit_a, auditor2, staff_b, today):
    with pytest.raises(ValidationError) as error:
        writes.follow_up_add(
            verification=visit_a,
            user=auditor2,
            description=" ",
            owner=staff_b.username,
            due_on=dt.date(2026, 11, 1),
        )
    assert set(error.value.message_dict) == {"description", "owner", "due_on"}


def test_only_auditors_and_city_staff_record(county_a, county_b, staff_a, auditor1_a, today):
    with pytest.raises(PermissionDenied):
        writes.onsite_create(user=staff_a, county=county_a, date=today, scope="x", participants="y")
    with pytest.raises(ValidationError) as error:
        writes.onsite_create(
            user=auditor1_a, county=county_b, date=today, scope="", participants="y"
        )
    assert set(error.value.message_dict) == {"county", "scope"}


def test_marking_done_keeps_who_and_when_once(follow_ups, staff_a, head_a, staff_b):
    late, later = follow_ups
    done = writes.follow_up_done(follow_up=late, user=staff_a)
    assert (done.done, done.done_by) == (True, staff_a) and done.done_at is not None
    with pytest.raises(ValidationError):
        writes.follow_up_done(follow_up=done, user=staff_a)
    # The owner may, even as a manager; the staff of another county may not.
    assert writes.follow_up_done(follow_up=later, user=head_a).done
    with pytest.raises(PermissionDenied):
        writes.follow_up_done(follow_up=FollowUp.objects.get(pk=late.pk), user=staff_b)


def test_editing_keeps_the_county(visit_a, auditor1_a):
    edited = writes.onsite_update(
        verification=visit_a,
        user=auditor1_a,
        date=dt.date(2026, 11, 11),
        scope="Refund vouchers",
        participants="auditor1",
        result="",
    )
    assert (edited.date, edited.county_id, edited.result) == (
        dt.date(2026, 11, 11),
        visit_a.county_id,
        "",
    )


# --------------------------------------------------------------------------- pages


def page_urls(visit):
    return {
        "list": "/audits/onsite/",
        "follow-ups": "/audits/onsite/follow-ups/",
        "detail": f"/audits/onsite/{visit.pk}/",
    }


@pytest.mark.parametrize(
    "who", ["admin_user", "city_user", "leader", "staff_a", "head_a", "auditor1_a", "auditor2"]
)
def test_every_role_reads_the_pages_and_exports(request, client_for, who, visit_a, follow_ups):
    client = client_for(request.getfixturevalue(who))
    for name, url in page_urls(visit_a).items():
        assert client.get(url).status_code == 200, name
    for url in ("/audits/onsite/", "/audits/onsite/follow-ups/"):
        export = client.get(url + "?export=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), url


def test_anonymous_visitors_are_sent_to_the_login_page(client, visit_a):
    urls = [
        *page_urls(visit_a).values(),
        "/audits/onsite/new/",
        f"/audits/onsite/{visit_a.pk}/edit/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_county_users_see_only_their_county(client_for, staff_b, visit_a, visit_b, follow_ups):
    client = client_for(staff_b)
    assert client.get(f"/audits/onsite/{visit_a.pk}/").status_code == 404
    assert client.get(f"/audits/onsite/{visit_a.pk}/edit/").status_code == 404
    assert client.post(f"/audits/onsite/follow-ups/{follow_ups[0].pk}/done/").status_code == 404
    rows = sheet_rows(client.get("/audits/onsite/?export=xlsx"))
    assert [row[1] for row in rows[1:]] == ["C02"]
    assert sheet_rows(client.get("/audits/onsite/follow-ups/?export=xlsx"))[1:] == []


def test_roles_that_may_not_are_forbidden(client_for, staff_a, head_a, visit_a, follow_ups):
    client = client_for(staff_a)
    assert client.get("/audits/onsite/new/").status_code == 403
    assert client.get(f"/audits/onsite/{visit_a.pk}/edit/").status_code == 403
    assert client.post(f"/audits/onsite/{visit_a.pk}/", {"description": "x"}).status_code == 403
    # A manager who does not own it may not mark a follow-up done.
    assert (
        client_for(head_a).post(f"/audits/onsite/follow-ups/{follow_ups[0].pk}/done/").status_code
        == 403
    )


def test_the_page_workflow_records_adds_a_follow_up_and_marks_it_done(
    client_for, auditor2, staff_a, county_a, today
):
    client = client_for(auditor2)
    response = client.post(
        "/audits/onsite/new/",
        {
            "county": county_a.pk,
            "date": "2026-11-16",
            "scope": "Deposits",
            "participants": "auditor2",
            "result": "",
        },
    )
    visit = OnSiteVerification.objects.get()
    assert response["Location"] == f"/audits/onsite/{visit.pk}/"
    response = client.post(
        f"/audits/onsite/{visit.pk}/",
        {"description": "Refile deposit slips", "owner": "staff_a", "due_on": "2026-11-16"},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    page = client_for(staff_a).get(f"/audits/onsite/{visit.pk}/").content.decode()
    assert "past due" in page and "Mark done" in page
    client_for(staff_a).post(f"/audits/onsite/follow-ups/{follow_up.pk}/done/")
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.done_by == staff_a
    client.post(
        f"/audits/onsite/{visit.pk}/edit/",
        {"date": "2026-11-16", "scope": "Deposits", "participants": "auditor2", "result": "Fine"},
    )
    visit.refresh_from_db()
    assert visit.result == "Fine"


def test_a_refused_follow_up_shows_the_errors_on_the_form(client_for, auditor2, visit_a):
    response = client_for(auditor2).post(
        f"/audits/onsite/{visit_a.pk}/",
        {"description": "x", "owner": "auditor2", "due_on": "2026-11-20"},
    )
    assert response.status_code == 200 and FollowUp.objects.count() == 0


def test_the_follow_ups_list_shows_those_past_due(client_for, city_user, follow_ups):
    client = client_for(city_user)
    rows = sheet_rows(client.get("/audits/onsite/follow-ups/?export=xlsx&past_due=true"))
    assert [row[3] for row in rows[1:]] == ["Collect the missing signatures"]


def test_the_pages_query_counts_do_not_grow(
    client_for, city_user, auditor2, county_a, staff_a, today, django_assert_max_num_queries
):
    for n in range(10):
        visit = writes.onsite_create(
            user=auditor2, county=county_a, date=today, scope=f"s{n}", participants="p"
        )
        for m in range(3):
            writes.follow_up_add(
                verification=visit,
                user=auditor2,
                description=f"d{m}",
                owner=staff_a.username,
                due_on=today,
            )
    client = client_for(city_user)
    for url in (*page_urls(visit).values(), f"/audits/onsite/{visit.pk}/edit/"):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url


# --------------------------------------------------------------------------- API


def test_api_records_reads_edits_and_works_follow_ups(api_for, auditor2, staff_a, today):
    api = api_for(auditor2)
    created = api.post(
        "/api/v1/audits/onsite/",
        {"county": "C01", "date": "2026-11-16", "scope": "Deposits", "participants": "auditor2"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    follow_up = api.post(
        f"/api/v1/audits/onsite/{pk}/follow-ups/",
        {"description": "Refile", "owner": "staff_a", "due_on": "2026-11-16"},
    )
    assert follow_up.status_code == 201
    body = api.put(
        f"/api/v1/audits/onsite/{pk}/",
        {"date": "2026-11-16", "scope": "Deposits", "participants": "a2", "result": "ok"},
        format="json",
    ).json()
    assert body["result"] == "ok" and body["follow_ups"][0]["owner"] == "staff_a"
    done = api_for(staff_a).post(f"/api/v1/audits/onsite/follow-ups/{follow_up.json()['id']}/done/")
    assert (done.json()["done"], done.json()["done_by"]) == (True, "staff_a")
    assert api.get("/api/v1/audits/onsite/?month=2026-11").json()["count"] == 1
    assert api.get("/api/v1/audits/onsite/?month=11-2026").status_code == 400
    assert api.get("/api/v1/audits/onsite/follow-ups/?past_due=maybe").status_code == 400


def test_api_access(api_for, staff_b, staff_a, head_a, visit_a, follow_ups):
    f = follow_ups[0].pk
    urls = [
        ("get", "/api/v1/audits/onsite/"),
        ("post", "/api/v1/audits/onsite/"),
        ("get", "/api/v1/audits/onsite/follow-ups/"),
        ("get", f"/api/v1/audits/onsite/{visit_a.pk}/"),
        ("put", f"/api/v1/audits/onsite/{visit_a.pk}/"),
        ("post", f"/api/v1/audits/onsite/{visit_a.pk}/follow-ups/"),
        ("post", f"/api/v1/audits/onsite/follow-ups/{f}/done/"),
    ]
    for method, url in urls:
        assert getattr(APIClient(), method)(url, {}).status_code == 401, url
    other = api_for(staff_b)
    for method, url in urls[3:]:
        assert getattr(other, method)(url, {}).status_code == 404, url
    assert api_for(staff_b).get("/api/v1/audits/onsite/follow-ups/").json()["count"] == 0
    county = api_for(staff_a)
    body = {"county": "C01", "date": "2026-11-16", "scope": "x", "participants": "y"}
    assert county.post(urls[1][1], body).status_code == 403
    assert county.put(urls[4][1], body).status_code == 403
    assert (
        county.post(
            urls[5][1], {"description": "x", "owner": "staff_a", "due_on": "2026-11-20"}
        ).status_code
        == 403
    )
    assert api_for(head_a).post(urls[6][1]).status_code == 403
    assert api_for(staff_b).post(urls[1][1], body).status_code == 403


def test_api_query_counts_do_not_grow(
    api_for, city_user, visit_a, follow_ups, django_assert_max_num_queries
):
    api = api_for(city_user)
    for url in (
        "/api/v1/audits/onsite/",
        "/api/v1/audits/onsite/follow-ups/",
        f"/api/v1/audits/onsite/{visit_a.pk}/",
    ):
        with django_assert_max_num_queries(10):
            assert api.get(url).status_code == 200, url
