"""False users (docs/rules.md#false-users): the rule's boundaries over the bills, its
idempotence, reports by hand, one open case per account, confirm → remove dismantling the
account, clear, the counts per county and month, and access to every page and endpoint."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from arrears.models import Account, Bill
from audits import tasks
from audits.models import FalseUserCase, FalseUserEvent
from audits.selectors import false_users as reads
from audits.services import false_users as writes
from marketing_ops.models import BusinessLine, County

#: The six months ending with the latest billed month (today is 2026-11-17).
WINDOW = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")


@pytest.fixture
def line(db):
    line, _ = BusinessLine.objects.get_or_create(
        code="FIXED_PHONE", defaults={"name": "Ordinary phones", "sort_order": 4}
    )
    return line


@pytest.fixture
def account(line):
    def make(account_no, county, status="active", opened_on=dt.date(2024, 1, 1)):
        return Account.objects.create(
            account_no=account_no,
            county=county,
            business_line=line,
            customer_name=f"Customer {account_no}",
            opened_on=opened_on,
            status=status,
        )

    return make


def bill(account, month, billed="0", paid="0"):
    year, number = (int(part) for part in month.split("-"))
    return Bill.objects.create(
        account=account,
        county_id=account.county_id,
        billing_month=dt.date(year, number, 1),
        amount_billed=Decimal(billed),
        amount_paid=Decimal(paid),
    )


def zero_run(account, months=WINDOW):
    for month in months:
        bill(account, month)
    return account


def suspected_accounts():
    return sorted(FalseUserCase.objects.values_list("account__account_no", flat=True))


@pytest.fixture
def suspect(account, county_a, today):
    """A-1: billed 0 for the six months, never paid; found by the rule."""
    zero_run(account("A-1", county_a))
    writes.false_users_find()
    return FalseUserCase.objects.get(account__account_no="A-1")


# --------------------------------------------------------------------------- the rule


def test_six_zero_months_never_paid_make_a_suspect_with_its_reason_and_history(
    account, county_a, today
):
    zero_run(account("A-1", county_a))
    assert writes.false_users_find() == 1
    case = FalseUserCase.objects.get()
    assert (case.source, case.status, case.county_id) == ("rule", "suspected", county_a.pk)
    assert case.reason == "Billed 0.00 in each of the 6 months 2026-05 to 2026-10 and never paid."
    assert case.parameters == {"months": 6, "first": "2026-05", "last": "2026-10"}
    assert [(e.action, e.user, e.status_after) for e in case.events.all()] == [
        ("found", None, "suspected")
    ]


def test_five_zero_months_are_not_enough(account, county_a, today):
    five = account("A-5", county_a)
    bill(five, "2026-05", billed="12.00")
    zero_run(five, WINDOW[1:])
    zero_run(account("A-6", county_a))
    writes.false_users_find()
    assert suspected_accounts() == ["A-6"]


def test_a_missing_month_breaks_the_run(account, county_a, today):
    gap = account("A-GAP", county_a)
    zero_run(gap, [m for m in WINDOW if m != "2026-08"])
    late = account("A-LATE", county_a)  # no bill for the window's first month
    zero_run(late, WINDOW[1:])
    zero_run(account("A-6", county_a))
    writes.false_users_find()
    assert suspected_accounts() == ["A-6"]


def test_the_window_ends_with_the_latest_billed_month(account, county_a, today):
    old = zero_run(account("A-OLD", county_a))  # six zeros up to 2026-10, none for 2026-11
    newer = zero_run(account("A-NEW", county_a), WINDOW[1:] + ("2026-11",))
    writes.false_users_find()
    assert suspected_accounts() == ["A-NEW"]
    assert old.false_user_cases.count() == 0 and newer.false_user_cases.count() == 1


def test_a_paid_bill_ever_excludes_the_account(account, county_a, today):
    paid_before = zero_run(account("A-PAID", county_a))
    bill(paid_before, "2025-12", billed="30.00", paid="0.01")
    zero_run(account("A-6", county_a))
    writes.false_users_find()
    assert suspected_accounts() == ["A-6"]


def test_dismantled_accounts_are_not_suspected_but_stopped_ones_are(account, county_a, today):
    zero_run(account("A-DISM", county_a, status="dismantled"))
    zero_run(account("A-STOP", county_a, status="double_stop"))
    writes.false_users_find()
    assert suspected_accounts() == ["A-STOP"]


def test_the_number_of_months_is_a_setting(account, county_a, today, settings):
    settings.FALSE_USER_ZERO_MONTHS = 3
    zero_run(account("A-3", county_a), WINDOW[3:])
    writes.false_users_find()
    assert suspected_accounts() == ["A-3"]
    assert FalseUserCase.objects.get().parameters["first"] == "2026-08"


def test_running_the_rule_again_creates_nothing_and_keeps_cleared_accounts_cleared(
    account, county_a, county_b, today, auditor2
):
    zero_run(account("A-1", county_a))
    zero_run(account("B-1", county_b))
    assert writes.false_users_find() == 2
    assert writes.false_users_find() == 0
    case = FalseUserCase.objects.get(account__account_no="B-1")
    writes.false_user_clear(case=case, user=auditor2, reason="A seasonal holiday home.")
    assert writes.false_users_find() == 0
    assert FalseUserCase.objects.count() == 2
    assert reads.case_queryset(auditor2).filter(events__action="found").count() == 2


def test_the_rule_finds_nothing_without_bills(db, today):
    assert writes.false_users_find() == 0


def test_the_rule_runs_a_fixed_number_of_queries(
    account, county_a, today, django_assert_max_num_queries
):
    for n in range(30):
        zero_run(account(f"A-{n:02d}", county_a))
    with django_assert_max_num_queries(8):
        assert writes.false_users_find() == 30


def test_the_command_and_the_task_run_the_rule(account, county_a, today):
    zero_run(account("A-1", county_a))
    out = io.StringIO()
    call_command("false_users_find", stdout=out)
    assert out.getvalue().startswith("1 suspected false users found")
    assert tasks.false_users_find() == 0


def test_the_rule_is_on_the_beat_once_a_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audits-false-users"]
    assert entry["task"] == "audits.tasks.false_users_find"
    assert entry["schedule"].day_of_month == {2}


# --------------------------------------------------------------------------- cases


def test_county_staff_report_an_account_of_their_county(account, county_a, staff_a, today):
    account("A-9", county_a)
    case = writes.false_user_report(user=staff_a, account_no=" A-9 ", reason="Nobody lives there")
    assert (case.source, case.status, case.reported_by) == ("manual", "suspected", staff_a)
    assert [e.action for e in case.events.all()] == ["reported"]


def test_a_report_names_what_is_wrong(account, county_a, county_b, staff_a, today, head_a):
    account("B-1", county_b)
    account("A-D", county_a, status="dismantled")
    with pytest.raises(ValidationError) as error:
        writes.false_user_report(user=staff_a, account_no="B-1", reason="x")
    assert "No account B-1 in your counties." in error.value.message_dict["account_no"]
    with pytest.raises(ValidationError) as error:
        writes.false_user_report(user=staff_a, account_no="A-D", reason="")
    assert set(error.value.message_dict) == {"account_no", "reason"}
    with pytest.raises(PermissionDenied):
        writes.false_user_report(user=head_a, account_no="A-D", reason="x")


def test_one_open_case_per_account(suspect, staff_a, auditor2):
    with pytest.raises(ValidationError) as error:
        writes.false_user_report(user=staff_a, account_no="A-1", reason="again")
    assert f"open case (#{suspect.pk})" in error.value.message_dict["account_no"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        FalseUserCase.objects.create(
            account=suspect.account,
            county=suspect.county,
            source="manual",
            status="confirmed",
            reason="x",
            reported_at=timezone.now(),
        )
    writes.false_user_clear(case=suspect, user=auditor2, reason="Real customer")
    again = writes.false_user_report(user=staff_a, account_no="A-1", reason="Back again")
    assert again.status == "suspected"


def test_removal_dismantles_the_account_as_a_false_user(suspect, auditor1_a, auditor2, today):
    with pytest.raises(ValidationError) as error:
        writes.false_user_remove(case=suspect, user=auditor2)
    assert "status" in error.value.message_dict
    writes.false_user_confirm(case=suspect, user=auditor1_a, note="Visited: empty shop")
    case = writes.false_user_remove(case=suspect, user=auditor2, removed_on=dt.date(2026, 11, 16))
    account = Account.objects.get(account_no="A-1")
    assert (account.status, account.status_changed_on) == ("dismantled", dt.date(2026, 11, 16))
    assert (case.status, case.removed_on, case.closed_by) == (
        "removed",
        dt.date(2026, 11, 16),
        auditor2,
    )
    events = list(case.events.values_list("action", "note"))
    assert [a for a, _ in events] == ["found", "confirmed", "removed"]
    assert "reason: false user" in events[-1][1]
    with pytest.raises(ValidationError):
        writes.false_user_clear(case=case, user=auditor2, reason="too late")


def test_removal_refuses_a_future_day_and_a_day_before_the_account_opened(
    account, county_a, auditor2, today
):
    zero_run(account("A-NEW", county_a, opened_on=dt.date(2026, 4, 20)))
    writes.false_users_find()
    case = writes.false_user_confirm(case=FalseUserCase.objects.get(), user=auditor2)
    for day in (dt.date(2026, 11, 18), dt.date(2026, 4, 1)):
        with pytest.raises(ValidationError) as error:
            writes.false_user_remove(case=case, user=auditor2, removed_on=day)
        assert "removed_on" in error.value.message_dict
    assert Account.objects.get(account_no="A-NEW").status == "active"


def test_clearing_needs_a_reason_and_only_auditors_and_city_staff_decide(
    suspect, auditor1_a, staff_a, head_a, county_b, account
):
    with pytest.raises(ValidationError) as error:
        writes.false_user_clear(case=suspect, user=auditor1_a, reason=" ")
    assert "reason" in error.value.message_dict
    for user in (staff_a, head_a):
        with pytest.raises(PermissionDenied):
            writes.false_user_confirm(case=suspect, user=user)


def test_counts_per_county_and_month(suspect, account, county_a, county_b, staff_b, city_user):
    account("B-1", county_b)
    case = writes.false_user_report(user=staff_b, account_no="B-1", reason="Empty flat")
    writes.false_user_confirm(case=case, user=city_user)
    writes.false_user_remove(case=case, user=city_user)
    rows = reads.monthly_counts(city_user, reads.case_queryset(city_user))
    assert [
        (str(r.month), r.county.code, r.found_by_rule, r.reported_by_hand, r.confirmed, r.removed)
        for r in rows
    ] == [("2026-11", "C01", 1, 0, 0, 0), ("2026-11", "C02", 0, 1, 1, 1)]
    assert [r.county.code for r in reads.monthly_counts(staff_b, reads.case_queryset(staff_b))] == [
        "C02"
    ]


# --------------------------------------------------------------------------- pages


def sheet_rows(response):
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def case_b(account, county_b, staff_b, today):
    account("B-1", county_b)
    return writes.false_user_report(user=staff_b, account_no="B-1", reason="Empty flat")


PAGES = ("/audits/false-users/", "/audits/false-users/per-month/")


@pytest.mark.parametrize(
    "who", ["admin_user", "city_user", "leader", "staff_a", "head_a", "auditor1_a", "auditor2"]
)
def test_every_role_reads_the_pages_and_exports(request, client_for, who, suspect, case_b):
    client = client_for(request.getfixturevalue(who))
    for url in PAGES:
        assert client.get(url).status_code == 200, url
        export = client.get(url + "?export=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), url
    assert client.get(f"/audits/false-users/{suspect.pk}/").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, suspect):
    for url in (*PAGES, f"/audits/false-users/{suspect.pk}/", "/audits/false-users/report/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_county_users_see_only_their_county(client_for, staff_a, suspect, case_b):
    client = client_for(staff_a)
    assert client.get(f"/audits/false-users/{case_b.pk}/").status_code == 404
    assert client.post(f"/audits/false-users/{case_b.pk}/confirm/").status_code == 404
    rows = sheet_rows(client.get("/audits/false-users/?export=xlsx"))
    assert [row[2] for row in rows[1:]] == ["A-1"]
    counts = sheet_rows(client.get("/audits/false-users/per-month/?export=xlsx"))
    assert [row[1] for row in counts[1:]] == ["Alpha District"]


def test_roles_that_may_not_are_forbidden(client_for, head_a, staff_a, suspect):
    manager = client_for(head_a)
    assert manager.get("/audits/false-users/report/").status_code == 403
    assert manager.post(f"/audits/false-users/{suspect.pk}/confirm/").status_code == 403
    assert client_for(staff_a).post(f"/audits/false-users/{suspect.pk}/clear/").status_code == 403
    assert client_for(staff_a).post("/audits/false-users/find/").status_code == 403
    page = client_for(head_a).get(f"/audits/false-users/{suspect.pk}/").content.decode()
    assert 'id="confirm"' not in page


def test_the_page_workflow_reports_confirms_and_removes(
    client_for, staff_a, auditor1_a, account, county_a, today
):
    account("A-7", county_a)
    response = client_for(staff_a).post(
        "/audits/false-users/report/", {"account_no": "A-7", "reason": "Shop closed in spring"}
    )
    case = FalseUserCase.objects.get()
    assert response["Location"] == f"/audits/false-users/{case.pk}/"
    client = client_for(auditor1_a)
    assert 'id="confirm"' in client.get(response["Location"]).content.decode()
    client.post(f"/audits/false-users/{case.pk}/confirm/", {"note": "checked"})
    client.post(f"/audits/false-users/{case.pk}/remove/", {"removed_on": "2026-11-17"})
    page = client.get(f"/audits/false-users/{case.pk}/").content.decode()
    assert 'data-status="removed"' in page and "reason: false user" in page
    assert Account.objects.get(account_no="A-7").status == "dismantled"


def test_a_refused_step_shows_why(client_for, auditor2, suspect):
    client = client_for(auditor2)
    response = client.post(f"/audits/false-users/{suspect.pk}/clear/", {"reason": ""}, follow=True)
    assert "Say why the account is not a false user." in response.content.decode()


def test_city_staff_run_the_rule_from_the_list(client_for, city_user, account, county_a, today):
    zero_run(account("A-1", county_a))
    assert 'id="run-rule"' in client_for(city_user).get("/audits/false-users/").content.decode()
    response = client_for(city_user).post("/audits/false-users/find/", follow=True)
    assert "1 suspected false users found." in response.content.decode()


def test_the_list_filters_by_status_source_and_month(client_for, city_user, suspect, case_b):
    client = client_for(city_user)
    rows = sheet_rows(client.get("/audits/false-users/?export=xlsx&source=manual"))
    assert [row[2] for row in rows[1:]] == ["B-1"]
    rows = sheet_rows(client.get("/audits/false-users/?export=xlsx&month=2026-10"))
    assert rows[1:] == []
    assert client.get("/audits/false-users/?month=nonsense").status_code == 200


def test_the_pages_query_counts_do_not_grow_with_the_cases(
    client_for, city_user, account, county_a, today, django_assert_max_num_queries
):
    for n in range(30):
        zero_run(account(f"A-{n:02d}", county_a), WINDOW)
    writes.false_users_find()
    client = client_for(city_user)
    case = FalseUserCase.objects.first()
    for url in (*PAGES, f"/audits/false-users/{case.pk}/"):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


# --------------------------------------------------------------------------- API


def test_api_lists_filters_and_reports(api_for, staff_a, city_user, suspect, case_b, account):
    api = api_for(city_user)
    body = api.get("/api/v1/audits/false-users/?source=rule").json()
    assert [r["account_no"] for r in body["results"]] == ["A-1"]
    assert api.get("/api/v1/audits/false-users/?county=C02").json()["count"] == 1
    assert api.get("/api/v1/audits/false-users/?month=2026-13").status_code == 400
    assert "status" in api.get("/api/v1/audits/false-users/?status=nope").json()
    assert [
        r["account_no"]
        for r in api_for(staff_a).get("/api/v1/audits/false-users/").json()["results"]
    ] == ["A-1"]
    account("A-8", suspect.county)
    created = api_for(staff_a).post(
        "/api/v1/audits/false-users/", {"account_no": "A-8", "reason": "No one answers"}
    )
    assert created.status_code == 201
    assert created.json()["history"][0]["action"] == "reported"
    refused = api_for(staff_a).post(
        "/api/v1/audits/false-users/", {"account_no": "B-1", "reason": "x"}
    )
    assert refused.status_code == 400 and "account_no" in refused.json()


def test_api_steps_confirm_and_remove(api_for, auditor2, suspect, today):
    api = api_for(auditor2)
    assert api.post(f"/api/v1/audits/false-users/{suspect.pk}/remove/", {}).status_code == 400
    assert (
        api.post(f"/api/v1/audits/false-users/{suspect.pk}/confirm/", {}).json()["status"]
        == "confirmed"
    )
    body = api.post(
        f"/api/v1/audits/false-users/{suspect.pk}/remove/", {"removed_on": "2026-11-17"}
    ).json()
    assert (body["status"], body["removed_on"]) == ("removed", "2026-11-17")
    assert [e["action"] for e in body["history"]] == ["found", "confirmed", "removed"]
    assert Account.objects.get(account_no="A-1").status == "dismantled"


def test_api_access(api_for, staff_b, head_a, staff_a, city_user, suspect):
    urls = [
        ("get", "/api/v1/audits/false-users/"),
        ("post", "/api/v1/audits/false-users/"),
        ("post", "/api/v1/audits/false-users/find/"),
        ("get", f"/api/v1/audits/false-users/{suspect.pk}/"),
        ("post", f"/api/v1/audits/false-users/{suspect.pk}/confirm/"),
        ("post", f"/api/v1/audits/false-users/{suspect.pk}/clear/"),
        ("post", f"/api/v1/audits/false-users/{suspect.pk}/remove/"),
    ]
    for method, url in urls:
        assert getattr(APIClient(), method)(url, {}).status_code == 401, url
    other = api_for(staff_b)
    for method, url in urls[3:]:
        assert getattr(other, method)(url, {"reason": "x"}).status_code == 404, url
    manager = api_for(head_a)
    assert manager.post(urls[1][1], {"account_no": "A-1", "reason": "x"}).status_code == 403
    assert manager.post(urls[4][1], {}).status_code == 403
    assert api_for(staff_a).post(urls[5][1], {"reason": "x"}).status_code == 403
    assert api_for(staff_a).post(urls[2][1]).status_code == 403
    assert api_for(city_user).post(urls[2][1]).json() == {"created": 0}


def test_api_query_counts_do_not_grow(
    api_for, city_user, account, county_a, today, django_assert_max_num_queries
):
    for n in range(20):
        zero_run(account(f"A-{n:02d}", county_a), WINDOW)
    writes.false_users_find()
    with django_assert_max_num_queries(10):
        assert api_for(city_user).get("/api/v1/audits/false-users/").json()["count"] == 20


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_leave_one_case_per_account():
    county = County.objects.create(code="C01", name="Alpha", kind="district", sort_order=1)
    line, _ = BusinessLine.objects.get_or_create(
        code="FIXED_PHONE", defaults={"name": "Ordinary phones", "sort_order": 4}
    )
    for n in range(20):
        zero_run(
            Account.objects.create(
                account_no=f"A-{n:02d}",
                county=county,
                business_line=line,
                customer_name="x",
                opened_on=dt.date(2024, 1, 1),
            )
        )
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(writes.false_users_find())
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
    assert sum(results) == 20
    assert FalseUserCase.objects.count() == 20
    assert FalseUserEvent.objects.count() == 20
    assert connection.vendor == "postgresql"


def test_removing_an_account_dismantled_meanwhile_closes_the_case_and_keeps_its_date(
    suspect, auditor2
):
    writes.false_user_confirm(case=suspect, user=auditor2)
    Account.objects.filter(pk=suspect.account_id).update(
        status="dismantled", status_changed_on=dt.date(2026, 11, 2)
    )
    case = writes.false_user_remove(case=suspect, user=auditor2)
    assert case.status == "removed"
    assert Account.objects.get(pk=suspect.account_id).status_changed_on == dt.date(2026, 11, 2)
    assert "already dismantled on 2026-11-02" in case.events.last().note
