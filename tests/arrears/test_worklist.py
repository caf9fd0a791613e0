"""The county collection worklist: overdue accounts, sorting, filters, paging, export."""

import io

import pytest
from openpyxl import load_workbook

from arrears.calculations import month_in_collection
from arrears.selectors.worklist import top_overdue, worklist
from tests.arrears.conftest import PROMISE_COLUMNS, bulk_accounts, bulk_bills

URL = "/arrears/worklist/"


def account_numbers(response):
    return [row.record.account.account_no for row in response.context["table"].paginated_rows]


def test_only_accounts_owing_on_bills_already_due_are_listed(client_for, staff_a, arrears_city):
    response = client_for(staff_a).get(URL)
    assert response.status_code == 200
    # A-0003 paid everything; A-0004 owes only October, due at the end of November.
    assert account_numbers(response) == ["A-0001", "A-0002"]


def test_a_row_shows_what_is_owed_on_due_bills_and_for_how_long(client_for, staff_a, arrears_city):
    response = client_for(staff_a).get(URL)
    first = response.context["table"].paginated_rows[0].record
    assert str(first.outstanding) == "300.00"  # October's 100 is not due yet
    assert first.oldest_due.isoformat() == "2026-08-31"
    assert first.days_overdue == 77
    assert first.overdue_bills == 3
    content = response.content.decode()
    assert "300.00" in content and "Customer A-0001" in content


def test_bills_of_last_month_are_due_only_after_the_end_of_this_month(today):
    assert month_in_collection(today).first_day.isoformat() == "2026-10-01"


def test_a_county_user_never_sees_another_countys_accounts(client_for, staff_b, arrears_city):
    response = client_for(staff_b).get(URL)
    assert account_numbers(response) == ["B-0001"]
    assert "A-0001" not in response.content.decode()


def test_city_staff_see_every_county_and_may_filter_by_county(
    client_for, city_user, county_b, arrears_city
):
    client = client_for(city_user)
    assert account_numbers(client.get(URL)) == ["B-0001", "A-0001", "A-0002"]
    assert account_numbers(client.get(URL, {"county": county_b.pk})) == ["B-0001"]


def test_county_users_get_no_county_filter(client_for, staff_a, arrears_city):
    response = client_for(staff_a).get(URL)
    assert "county" not in response.context["filter"].form.fields


def test_sorting_by_outstanding_ascending_puts_the_smallest_debt_first(
    client_for, city_user, arrears_city
):
    response = client_for(city_user).get(URL, {"sort": "outstanding"})
    assert account_numbers(response) == ["A-0002", "A-0001", "B-0001"]


def test_sorting_by_age_puts_the_longest_overdue_first(client_for, city_user, arrears_city):
    response = client_for(city_user).get(URL, {"sort": "-days_overdue"})
    # A-0001 since July, B-0001 since August, A-0002 since September.
    assert account_numbers(response) == ["A-0001", "B-0001", "A-0002"]
    response = client_for(city_user).get(URL, {"sort": "days_overdue"})
    assert account_numbers(response) == ["A-0002", "B-0001", "A-0001"]


def test_filters_by_business_line_and_account_status(
    client_for, staff_a, fixed_phone, arrears_city
):
    client = client_for(staff_a)
    assert account_numbers(client.get(URL, {"business_line": fixed_phone.pk})) == ["A-0002"]
    assert account_numbers(client.get(URL, {"status": "active"})) == ["A-0001"]
    assert account_numbers(client.get(URL, {"status": "double_stop"})) == []


def test_the_list_is_paginated_without_overlap(client_for, staff_a, county_a, broadband, today):
    accounts = bulk_accounts(county_a, broadband, "P", 30)
    bulk_bills([(a, "2026-08", str(100 + i), "0") for i, a in enumerate(accounts)])
    client = client_for(staff_a)
    first = account_numbers(client.get(URL))
    second = account_numbers(client.get(URL, {"page": 2}))
    assert len(first) == 25 and len(second) == 5
    assert first[0] == "P-0030"  # owes most
    assert not set(first) & set(second)


def test_export_holds_the_whole_filtered_list_not_just_a_page(
    client_for, staff_a, county_a, broadband, fixed_phone, today
):
    accounts = bulk_accounts(county_a, broadband, "P", 30)
    (phone,) = bulk_accounts(county_a, fixed_phone, "F", 1)
    bulk_bills([(a, "2026-08", "10", "0") for a in [*accounts, phone]])
    response = client_for(staff_a).get(URL, {"export": "xlsx", "business_line": broadband.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Account"
    assert len(rows) == 1 + 30
    assert "F-0001" not in {row[0] for row in rows}


def test_export_is_scoped_to_the_users_county(client_for, staff_b, arrears_city):
    response = client_for(staff_b).get(URL, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["B-0001"]


def test_the_last_action_on_an_account_is_shown(
    client_for, staff_a, arrears_city, django_user_model
):
    from arrears.services.collection import action_record

    action_record(
        account=arrears_city["a1"],
        kind="call",
        happened_on=arrears_city["a1"].opened_on.replace(year=2026, month=11, day=10),
        result="No answer",
        owner=staff_a,
        created_by=staff_a,
    )
    response = client_for(staff_a).get(URL)
    assert response.context["table"].paginated_rows[0].record.last_action == "Call (2026-11-10)"


def test_top_overdue_ranks_accounts_within_each_county(
    staff_a, city_user, county_a, county_b, broadband, today
):
    a_accounts = bulk_accounts(county_a, broadband, "TA", 5)
    b_accounts = bulk_accounts(county_b, broadband, "TB", 5)
    bulk_bills(
        [(a, "2026-08", str(10 * (i + 1)), "0") for i, a in enumerate(a_accounts)]
        + [(b, "2026-08", str(7 * (i + 1)), "0") for i, b in enumerate(b_accounts)]
    )
    rows = top_overdue(city_user, today, per_county=2)
    assert [r.account.account_no for r in rows] == ["TA-0005", "TA-0004", "TB-0005", "TB-0004"]
    rows = top_overdue(staff_a, today, per_county=3)
    assert [r.account.account_no for r in rows] == ["TA-0005", "TA-0004", "TA-0003"]


def test_worklist_pages_run_in_a_constant_number_of_queries(
    client_for,
    staff_a,
    city_user,
    county_a,
    county_b,
    broadband,
    today,
    django_assert_max_num_queries,
):
    from marketing_ops.models import County

    def grow(prefix, size):
        counties = [
            County.objects.create(code=f"{prefix}{i}", name=f"{prefix} county {i}", sort_order=9)
            for i in range(size)
        ]
        for county in [county_a, county_b, *counties]:
            accounts = bulk_accounts(county, broadband, f"{county.code}-{prefix}", 5 * size)
            bulk_bills([(a, m, "10", "0") for a in accounts for m in ("2026-07", "2026-08")])

    counts = []
    for prefix, size in (("S", 1), ("L", 6)):
        grow(prefix, size)
        for user in (staff_a, city_user):
            client = client_for(user)
            with django_assert_max_num_queries(12) as captured:
                response = client.get(URL, {"sort": "-days_overdue"})
            assert response.status_code == 200
            counts.append(len(captured))
            # Searching and "my accounts" are subqueries of the same queries, not more of them.
            with django_assert_max_num_queries(12) as searched:
                response = client.get(URL, {"q": "S", "mine": "true"})
            assert response.status_code == 200
            counts.append(len(searched))
    assert counts[0] == counts[4] and counts[2] == counts[6]
    assert counts[1] == counts[5] and counts[3] == counts[7]


def test_the_selector_can_be_used_without_a_page(staff_a, arrears_city, today):
    items = worklist(staff_a, today)
    assert len(items) == 2
    assert [r.account.account_no for r in items[0:10]] == ["A-0001", "A-0002"]


@pytest.mark.parametrize("url", [URL, "/arrears/top/", "/arrears/promises/"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_top_overdue_export_is_scoped_and_drops_the_county_column_for_a_county(
    client_for, staff_a, city_user, arrears_city
):
    rows = list(
        load_workbook(
            io.BytesIO(client_for(staff_a).get("/arrears/top/?export=xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    assert "County" not in rows[0]
    assert [row[0] for row in rows[1:]] == ["A-0001", "A-0002"]
    response = client_for(city_user).get("/arrears/top/", {"n": 1})
    assert [r.record.account.account_no for r in response.context["table"].rows] == [
        "A-0001",
        "B-0001",
    ]


def test_promises_due_export_is_scoped_to_the_users_county(
    client_for, staff_a, staff_b, arrears_city
):
    import datetime as dt
    from decimal import Decimal

    from arrears.models import CollectionAction

    CollectionAction.objects.bulk_create(
        CollectionAction(
            account=account,
            kind="promise",
            happened_on=dt.date(2026, 11, 1),
            promise_date=dt.date(2026, 11, 10),
            promise_amount=Decimal("20"),
            result="=HYPERLINK()",
        )
        for account in (arrears_city["a1"], arrears_city["b1"])
    )
    response = client_for(staff_b).get("/arrears/promises/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == PROMISE_COLUMNS
    assert [row[0] for row in rows[1:]] == ["B-0001"]
    assert rows[1][PROMISE_COLUMNS.index("Promised")] == 20  # the amount under its own header
    assert rows[1][-1] == "'=HYPERLINK()"  # a result is never run as a formula


def test_the_worklist_shows_the_phone_and_address_and_searches_by_number_customer_or_phone(
    client_for, staff_a, arrears_city
):
    from arrears.models import Account

    Account.objects.filter(account_no="A-0002").update(
        contact_phone="13800138000", address="2 West Lane"
    )
    client = client_for(staff_a)
    page = client.get(URL).content.decode()
    assert "13800138000" in page and "2 West Lane" in page
    assert account_numbers(client.get(URL, {"q": "A-0001"})) == ["A-0001"]
    assert account_numbers(client.get(URL, {"q": "customer a-0002"})) == ["A-0002"]
    assert account_numbers(client.get(URL, {"q": "138001"})) == ["A-0002"]
    assert account_numbers(client.get(URL, {"q": "B-0001"})) == []  # another county's
    rows = load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).content)).active
    header, *_rest = rows.iter_rows(values_only=True)
    assert header[:4] == ("Account", "Customer", "Phone", "Address")


def test_my_accounts_are_those_whose_latest_action_names_me_as_owner(
    client_for, staff_a, city_user, arrears_city, today
):
    from arrears.services.collection import action_record

    a1, a2 = arrears_city["a1"], arrears_city["a2"]
    for account, owner in ((a1, staff_a), (a2, staff_a), (a2, city_user)):
        action_record(
            account=account,
            kind="call",
            happened_on=today,
            result="",
            owner=owner,
            created_by=staff_a,
        )
    client = client_for(staff_a)
    assert account_numbers(client.get(URL, {"mine": "true"})) == ["A-0001"]
    assert account_numbers(client.get(URL, {"mine": ""})) == ["A-0001", "A-0002"]
    assert account_numbers(client_for(city_user).get(URL, {"mine": "true"})) == ["A-0002"]
