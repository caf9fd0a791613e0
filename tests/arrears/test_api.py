"""The arrears API (docs/api.md): exact paths and fields, scoped, with the status codes of
docs/roles-and-scoping.md."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from arrears.models import Transfer
from arrears.services.transfers import limit_set
from marketing_ops.models import ImportJob
from marketing_ops.periods import Month
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.django_db

BASE = "/api/v1/arrears/"


@pytest.fixture
def bills(make_account, make_bill, county_a, county_b):
    a = make_account("A-1", county_a)
    b = make_account("B-1", county_b)
    make_bill(a, "2026-03", "100.00", "99.00")
    make_bill(b, "2026-03", "100.00", "50.00")
    make_bill(b, "2025-10", "20.00", "0.00")
    return a, b


def upload(kind: str, text: str) -> dict:
    return {"kind": kind, "file": SimpleUploadedFile("f.csv", text.encode(), "text/csv")}


@pytest.mark.parametrize(
    "path",
    [
        "imports/1/",
        "recovery/?month=2026-03",
        "ageing/?as_of=2026-05-01",
        "transfers/",
        "transfers/summary/?year=2026",
    ],
)
def test_anonymous_requests_are_refused_with_401(path):
    assert APIClient().get(BASE + path).status_code == 401


def test_recovery_answers_the_contract_fields_as_decimal_strings(api_for, admin_user, bills):
    answer = api_for(admin_user).get(BASE + "recovery/?month=2026-03")
    assert answer.status_code == 200
    data = answer.json()
    assert data["month"] == "2026-03"
    assert data["target"] == "0.9800"
    assert data["city"] == {
        "billed": "200.00",
        "collected": "149.00",
        "recovery_rate": "0.7450",
        "meets_target": False,
    }
    a, b = data["counties"]
    assert a == {
        "county": "C01",
        "county_name": "Alpha District",
        "billed": "100.00",
        "collected": "99.00",
        "recovery_rate": "0.9900",
        "meets_target": True,
    }
    assert b["county"] == "C02"


def test_a_county_user_gets_only_their_county_from_recovery_and_ageing(api_for, staff_b, bills):
    client = api_for(staff_b)
    recovery = client.get(BASE + "recovery/?month=2026-03").json()
    ageing = client.get(BASE + "ageing/?as_of=2026-05-15").json()
    assert [c["county"] for c in recovery["counties"]] == ["C02"]
    assert recovery["city"]["billed"] == "100.00"
    assert [c["county"] for c in ageing["counties"]] == ["C02"]


def test_ageing_answers_buckets_total_and_long_term(api_for, city_user, bills):
    data = api_for(city_user).get(BASE + "ageing/?as_of=2026-05-15").json()
    assert data["as_of"] == "2026-05-15"
    b = data["counties"][1]
    assert set(b) >= {
        "county",
        "not_due",
        "1_30",
        "31_90",
        "91_180",
        "181_365",
        "over_365",
        "total",
        "long_term",
    }
    # March 50 owed, 15 days past due; October 2025 20 owed, due 2025-11-30: 166 days.
    assert (b["1_30"], b["91_180"], b["total"], b["long_term"]) == (
        "50.00",
        "20.00",
        "70.00",
        "20.00",
    )
    assert data["city"]["total"] == "71.00"


def test_bad_query_parameters_are_400_with_the_field(api_for, city_user):
    client = api_for(city_user)
    bad_month = client.get(BASE + "recovery/?month=2026-13")
    assert bad_month.status_code == 400
    assert bad_month.json() == {"month": ["month must be 1..12, got 13"]}
    assert "as_of" in client.get(BASE + "ageing/?as_of=tomorrow").json()
    last = f"{dt.date.today().year + 1}-12-31"
    for far in ("0001-01-01", "1999-12-31", "9999-12-31"):
        assert client.get(BASE + f"ageing/?as_of={far}").json() == {
            "as_of": [f"expected a date from 2000-01-01 to {last}, got {far}"]
        }
    assert client.get(BASE + "recovery/?month=9999-12").json() == {
        "month": [f"expected a month from 2000-01 to {last[:7]}, got 9999-12"]
    }
    assert client.get(BASE + "transfers/summary/?year=soon").status_code == 400


def test_city_staff_record_a_transfer(api_for, city_user, county_a):
    answer = api_for(city_user).post(
        BASE + "transfers/",
        {"county": "C01", "month": "2026-03", "amount": "1234.50", "accounts": 7},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["county"], data["month"], data["amount"], data["accounts"]) == (
        "C01",
        "2026-03",
        "1234.50",
        7,
    )
    assert data["approver"] == "city1"
    assert Transfer.objects.get().amount == Decimal("1234.50")


@pytest.mark.parametrize("approver", ["staff_a", "head_a", "auditor2"])
def test_only_city_staff_admins_and_leadership_may_approve_a_transfer(
    request, api_for, city_user, leader, county_a, approver
):
    user = request.getfixturevalue(approver)
    answer = api_for(city_user).post(
        BASE + "transfers/",
        {"county": "C01", "month": "2026-03", "amount": "1.00", "accounts": 1}
        | {"approver": user.get_username()},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["approver"] == [
        f"{user.get_username()} may not approve transfers: only the city's staff, admins and "
        "leadership may."
    ]
    assert not Transfer.objects.exists()
    ok = api_for(city_user).post(
        BASE + "transfers/",
        {"county": "C01", "month": "2026-03", "amount": "1.00", "accounts": 1}
        | {"approver": leader.get_username()},
        format="json",
    )
    assert (ok.status_code, ok.json().get("approver")) == (201, leader.get_username())


def test_a_transfer_for_a_month_not_begun_is_400(api_for, city_user, county_a, today):
    client = api_for(city_user)
    fields = {"county": "C01", "amount": "1.00", "accounts": 1}
    answer = client.post(BASE + "transfers/", fields | {"month": "2026-12"}, format="json")
    assert answer.status_code == 400
    assert answer.json()["month"] == [
        "A transfer is recorded once it is made: 2026-12 has not begun (this is 2026-11)."
    ]
    assert not Transfer.objects.exists()
    answer = client.post(BASE + "transfers/", fields | {"month": "2026-11"}, format="json")
    assert answer.status_code == 201


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader", "auditor2"])
def test_only_city_staff_may_record_transfers(request, api_for, who, county_a):
    user = request.getfixturevalue(who)
    answer = api_for(user).post(
        BASE + "transfers/",
        {"county": "C01", "month": "2026-03", "amount": "1.00", "accounts": 1},
        format="json",
    )
    assert answer.status_code == 403
    assert not Transfer.objects.exists()


def test_a_transfer_with_bad_fields_is_400_naming_them(api_for, city_user, county_a):
    answer = api_for(city_user).post(
        BASE + "transfers/",
        {"county": "C99", "month": "March", "amount": "-5", "accounts": 0},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"county", "month", "amount", "accounts"}


def test_transfers_list_and_summary_are_scoped(api_for, city_user, staff_a, county_a, county_b):
    client = api_for(city_user)
    for code, amount in (("C01", "100.00"), ("C02", "900.00")):
        client.post(
            BASE + "transfers/",
            {"county": code, "month": "2026-03", "amount": amount, "accounts": 1},
            format="json",
        )
    limit_set(month=Month(2026, 3), amount=Decimal("500"), set_by=city_user)
    own = api_for(staff_a).get(BASE + "transfers/").json()
    assert own["count"] == 1
    assert own["results"][0]["county"] == "C01"
    summary = client.get(BASE + "transfers/summary/?year=2026").json()
    assert summary[2] == {
        "month": "2026-03",
        "amount": "1000.00",
        "accounts": 2,
        "limit": "500.00",
        "over_limit": True,
    }
    county_summary = api_for(staff_a).get(BASE + "transfers/summary/?year=2026").json()
    assert county_summary[2]["amount"] == "100.00"
    assert county_summary[2]["limit"] is None


def test_city_staff_set_a_limit_and_county_staff_may_not(api_for, city_user, staff_a, county_a):
    ok = api_for(city_user).post(
        BASE + "transfers/limits/",
        {"month": "2026-03", "county": "C01", "amount": "50"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json() == {"month": "2026-03", "county": "C01", "amount": "50.00"}
    refused = api_for(staff_a).post(
        BASE + "transfers/limits/", {"month": "2026-03", "amount": "50"}, format="json"
    )
    assert refused.status_code == 403


def test_a_transfer_over_a_limit_is_400_naming_the_excess_unless_confirmed(
    api_for, city_user, county_a, county_b
):
    limit_set(month=Month(2026, 3), amount=Decimal("8000"), set_by=city_user)
    limit_set(month=Month(2026, 3), county=county_a, amount=Decimal("5000"), set_by=city_user)
    client = api_for(city_user)
    ok = {"county": "C02", "month": "2026-03", "amount": "2000.00", "accounts": 1}
    assert client.post(BASE + "transfers/", ok, format="json").status_code == 201
    over = {"county": "C01", "month": "2026-03", "amount": "6200.00", "accounts": 3}
    answer = client.post(BASE + "transfers/", over, format="json")
    assert answer.status_code == 400
    assert answer.json() == {
        "confirm_over_limit": [
            "This transfer takes the month over the city's limit of 8,000.00 by 200.00 "
            "(8,200.00 in the month) and over C01's limit of 5,000.00 by 1,200.00 (6,200.00 in "
            "the month). Confirm to record it anyway."
        ]
    }
    assert Transfer.objects.count() == 1
    confirmed = client.post(BASE + "transfers/", over | {"confirm_over_limit": True}, format="json")
    assert confirmed.status_code == 201
    assert "confirm_over_limit" not in confirmed.json()
    summary = client.get(BASE + "transfers/summary/?year=2026").json()
    assert summary[2]["over_limit"] is True


def test_a_bills_upload_is_accepted_with_202_and_its_job_can_be_followed(
    api_for, admin_user, county_a, django_capture_on_commit_callbacks
):
    client = api_for(admin_user)
    accounts = ACCOUNT_HEADER + "A-1,C01,BROADBAND,Zhang,2020-01-01,active,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(BASE + "imports/", upload("accounts", accounts), format="multipart")
    assert first.status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            BASE + "imports/",
            upload("bills", BILL_HEADER + "A-1,2026-03,10.00,0,\n"),
            format="multipart",
        )
    assert answer.status_code == 202
    assert set(answer.json()) >= {"id", "status"}
    job = client.get(BASE + f"imports/{answer.json()['id']}/").json()
    assert job["kind"] == "bills"
    assert job["status"] == "done"
    assert job["rows"] == 1
    assert job["errors"] == []
    assert job["started_at"] and job["finished_at"]


def test_a_rejected_bills_file_shows_its_errors_on_the_job(
    api_for, admin_user, county_a, django_capture_on_commit_callbacks
):
    client = api_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            BASE + "imports/",
            upload("bills", BILL_HEADER + "NOPE,2026-03,10.00,0,\n"),
            format="multipart",
        )
    job = client.get(BASE + f"imports/{answer.json()['id']}/").json()
    assert job["status"] == "failed"
    assert job["progress_percent"] is None  # nothing was written: no bar stuck at 99%
    assert job["errors"][0]["row"] == 2
    assert job["errors"][0]["column"] == "account_no"


def test_an_import_of_another_county_is_not_found(api_for, staff_a, staff_b, county_a):
    job = ImportJob.objects.create(
        dataset="bills", file_name="x.csv", sha256="x", created_by=staff_a, county=county_a
    )
    assert api_for(staff_b).get(BASE + f"imports/{job.pk}/").status_code == 404
    assert api_for(staff_a).get(BASE + f"imports/{job.pk}/").status_code == 200


def test_a_manager_may_not_upload_bills(api_for, leader):
    answer = api_for(leader).post(
        BASE + "imports/", upload("bills", BILL_HEADER + "A,2026-03,1.00,0,\n"), format="multipart"
    )
    assert answer.status_code == 403


def test_an_unknown_kind_is_400(api_for, admin_user):
    answer = api_for(admin_user).post(
        BASE + "imports/", upload("refunds", "x\n1\n"), format="multipart"
    )
    assert answer.status_code == 400
    assert [error["column"] for error in answer.json()["errors"]] == ["kind"]


@pytest.mark.parametrize("size", [1, 3])
def test_recovery_and_ageing_endpoints_keep_a_constant_query_count(
    size, api_for, admin_user, make_account, make_bill, django_assert_max_num_queries
):
    from marketing_ops.models import County

    for n in range(size * 3):
        county = County.objects.create(code=f"K{n}", name=f"K {n}", sort_order=n)
        for m in range(size * 2):
            make_bill(make_account(f"K{n}-{m}", county), "2026-03", "10.00", "1.00")
    client = api_for(admin_user)
    # Token and user, roles, profile, then the selector's own queries.
    with django_assert_max_num_queries(8):
        assert client.get(BASE + "recovery/?month=2026-03").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(BASE + f"ageing/?as_of={dt.date(2026, 6, 1)}").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(BASE + "transfers/summary/?year=2026").status_code == 200


def test_recovery_defaults_to_the_latest_month_fallen_due_as_the_dashboard(
    api_for, city_user, county_a, today
):
    # On 16 November: September's bills fell due on 31 October; October's are in collection.
    answer = api_for(city_user).get(BASE + "recovery/")
    assert answer.status_code == 200
    assert answer.json()["month"] == "2026-09"
