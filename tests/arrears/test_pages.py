"""Arrears pages: who may open them, what each county sees, exports, query counts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from arrears.models import Bill, Transfer, TransferLimit
from arrears.services.transfers import limit_set, transfer_create
from marketing_ops.models import County
from tests.arrears.conftest import bulk_accounts, bulk_bills

PAGES = [
    "/arrears/",
    "/arrears/worklist/",
    "/arrears/promises/",
    "/arrears/top/",
    "/arrears/transfers/",
    "/arrears/accounts/A-0001/",
]


def sheet_rows(response, index=0):
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.worksheets[index].iter_rows(values_only=True))


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, arrears_city, url):
    for target in (url, url + "?export=xlsx"):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    "who", ["admin_user", "city_user", "leader", "staff_a", "head_a", "auditor1_a", "auditor2"]
)
def test_every_role_reads_the_pages_and_their_exports(request, client_for, arrears_city, url, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url).status_code == 200
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("suffix", ["", "?export=xlsx"])
def test_another_countys_account_is_not_found(client_for, staff_b, head_a, arrears_city, suffix):
    assert client_for(staff_b).get(f"/arrears/accounts/A-0001/{suffix}").status_code == 404
    assert client_for(head_a).get(f"/arrears/accounts/B-0001/{suffix}").status_code == 404


def test_an_unknown_account_is_not_found(client_for, city_user, arrears_city):
    assert client_for(city_user).get("/arrears/accounts/NOPE/").status_code == 404


def test_account_page_shows_bills_with_due_dates_and_what_is_owed(
    client_for, staff_a, arrears_city
):
    response = client_for(staff_a).get("/arrears/accounts/A-0001/")
    summary = response.context["summary"]
    assert summary.outstanding == Decimal("400.00")
    assert summary.overdue == Decimal("300.00")
    assert summary.days_overdue == 77
    content = response.content.decode()
    assert "2026-07" in content and "2026-08-31" in content  # July's bill is due end of August
    rows = sheet_rows(client_for(staff_a).get("/arrears/accounts/A-0001/?export=xlsx"))
    assert rows[0][:4] == ("Month", "Billed", "Paid", "Outstanding")
    assert [row[0] for row in rows[1:]] == ["2026-10", "2026-09", "2026-08", "2026-07"]


# --------------------------------------------------------------------------- dashboard


def test_the_dashboard_leads_with_the_latest_month_fallen_due_and_shows_the_one_in_collection(
    client_for, city_user, recovery_city
):
    # On 16 November September's bills are the latest fallen due (30 October); October's are
    # still being collected (due 30 November) and are shown beside, in progress.
    response = client_for(city_user).get("/arrears/")
    assert str(response.context["month"]) == "2026-09"
    assert response.context["as_of"] == dt.date(2026, 11, 16)
    recovery = response.context["recovery"]
    rates = {row.county: row.recovery_rate for row in recovery.counties}
    assert rates == {"C01": Decimal("0.3478"), "C02": None}  # (80) / (100 + 50 + 80)
    assert [row.county for row in response.context["below_target"]] == ["C01"]
    collecting = response.context["in_progress"]
    assert (collecting.month, collecting.pace_month, collecting.pace_on) == (
        "2026-10",
        "2026-09",
        "2026-10-16",
    )
    so_far = {row.county: row.recovery_rate for row in collecting.counties}
    assert so_far == {"C01": Decimal("0.3200"), "C02": Decimal("1.0000")}
    content = response.content.decode()
    assert 'id="chart-recovery"' in content and 'id="chart-ageing"' in content
    assert "Below target in 2026-09: Alpha District." in content
    assert "Below target in 2026-10" not in content
    city = content.split('id="in-progress-city"')[1].split("</p>")[0]
    assert "2026-10 bills are still being collected: 45.16% so far." in city
    assert "On the same day of its own collection (2026-10-16) 2026-09 had reached 34.78%." in city
    assert "Ahead of that pace by 10.38 pp." in city  # the sentence says which way


def test_the_pace_counts_only_what_the_month_before_had_collected_by_the_same_day(
    client_for, city_user, recovery_city
):
    # A-0003 paid September's 80 on 20 October: after the 16th, so not yet at the same day.
    Bill.objects.filter(account=recovery_city["a3"], billing_month=dt.date(2026, 9, 1)).update(
        paid_on=dt.date(2026, 10, 20)
    )
    collecting = client_for(city_user).get("/arrears/").context["in_progress"]
    assert collecting.city.pace_rate == Decimal("0.0000")
    assert collecting.city.ahead_pp == Decimal("45.16")
    Bill.objects.filter(account=recovery_city["a3"], billing_month=dt.date(2026, 9, 1)).update(
        paid_on=dt.date(2026, 10, 16)
    )
    collecting = client_for(city_user).get("/arrears/").context["in_progress"]
    assert collecting.city.pace_rate == Decimal("0.3478")


def test_the_dashboard_month_and_date_can_be_chosen(client_for, city_user, recovery_city):
    response = client_for(city_user).get("/arrears/", {"month": "2026-09", "as_of": "2026-10-31"})
    assert str(response.context["month"]) == "2026-09"
    ageing = response.context["ageing"]
    assert ageing.as_of == "2026-10-31"
    # On 31 October, October's bills are not due yet and September's fall due that very day.
    assert ageing.city.total == Decimal("920.00")
    assert ageing.city.buckets["not_due"] == Decimal("100.00") + Decimal("70.00") + Decimal(
        "150.00"
    )


def test_a_county_user_sees_only_their_county_on_the_dashboard(client_for, head_a, recovery_city):
    response = client_for(head_a).get("/arrears/")
    content = response.content.decode()
    assert [row.county for row in response.context["recovery"].counties] == ["C01"]
    assert "Beta County" not in content and "C02" not in content
    rows = sheet_rows(client_for(head_a).get("/arrears/?export=xlsx"))
    assert {row[0] for row in rows[1:]} == {"C01", None}  # None: the total row


def test_the_dashboard_export_holds_every_table(client_for, city_user, recovery_city):
    response = client_for(city_user).get("/arrears/?export=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Recovery 2026-09",
        "Ageing 2026-11-16",
        "Long-term arrears",
        "Transfers 2026",
        "Weekly trend",
    ]
    recovery = list(workbook["Recovery 2026-09"].iter_rows(values_only=True))
    assert recovery[1][:2] == ("C01", "Alpha District") and recovery[1][-1] == "No"
    assert recovery[-1][1] == "City total"
    trend = list(workbook["Weekly trend"].iter_rows(values_only=True))
    assert trend[0][:3] == ("As of", "Bills of", "Recovery")


def test_a_bad_month_falls_back_to_the_default_with_a_message(client_for, city_user, recovery_city):
    response = client_for(city_user).get("/arrears/", {"month": "2026-13"})
    assert response.status_code == 200
    assert str(response.context["month"]) == "2026-09"
    assert "Showing the defaults instead" in response.content.decode()


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31", "1999-12-31", "9999-12-31"])
def test_a_date_outside_the_business_window_falls_back_to_the_default_with_a_message(
    client_for, city_user, recovery_city, as_of
):
    client = client_for(city_user)
    response = client.get("/arrears/", {"as_of": as_of})
    assert response.status_code == 200
    assert response.context["as_of"] == dt.date(2026, 11, 16)
    assert f"expected a date from 2000-01-01 to {dt.date.today().year + 1}-12-31, got {as_of}" in (
        response.content.decode()
    )
    assert client.get("/arrears/", {"as_of": as_of, "export": "xlsx"}).status_code == 200


def test_the_dashboard_runs_in_a_constant_number_of_queries(
    client_for,
    city_user,
    staff_a,
    county_a,
    county_b,
    broadband,
    recovery_city,
    django_assert_max_num_queries,
):
    counts = []
    for prefix, size in (("S", 1), ("L", 5)):
        counties = [
            County.objects.create(code=f"{prefix}{i}", name=f"{prefix} county {i}", sort_order=9)
            for i in range(size)
        ]
        for county in [county_a, county_b, *counties]:
            accounts = bulk_accounts(county, broadband, f"{county.code}-{prefix}", 4 * size)
            bulk_bills([(a, m, "10", "3") for a in accounts for m in ("2026-08", "2026-10")])
        for user in (city_user, staff_a):
            client = client_for(user)
            with django_assert_max_num_queries(20) as captured:
                assert client.get("/arrears/").status_code == 200
            counts.append(len(captured))
    assert counts[0] == counts[2] and counts[1] == counts[3]


# --------------------------------------------------------------------------- transfers


@pytest.fixture
def transfers_2026(county_a, county_b, city_user, leader, today):
    limit_set(month="2026-10", amount=Decimal("1000"), set_by=city_user)
    limit_set(month="2026-10", county=county_a, amount=Decimal("300"), set_by=city_user)
    transfer_create(
        county=county_a,
        month="2026-10",
        amount=Decimal("400"),
        accounts=3,
        approver=leader,
        created_by=city_user,
        confirm_over_limit=True,
    )
    transfer_create(
        county=county_b,
        month="2026-10",
        amount=Decimal("700"),
        accounts=5,
        approver=leader,
        created_by=city_user,
        confirm_over_limit=True,
    )


def test_city_staff_see_transfers_against_the_limit_with_over_limit_months(
    client_for, city_user, transfers_2026
):
    response = client_for(city_user).get("/arrears/transfers/")
    october = response.context["summary"].data.data[9]
    assert (october.amount, october.limit, october.over_limit) == (
        Decimal("1100.00"),
        Decimal("1000.00"),
        True,
    )
    content = response.content.decode()
    assert "Over limit" in content and 'id="transfer-form"' in content


def test_the_limits_read_city_in_the_grid_and_in_the_export(
    client_for, city_user, staff_a, transfers_2026
):
    client = client_for(city_user)
    content = client.get("/arrears/transfers/?year=2026").content.decode()
    grid = content.split('id="limit-grid"')[1].split("</table>")[0]
    header = grid.split("</thead>")[0]
    assert header.index("City") < header.index("C01") < header.index("C02")
    october = grid.split('<th scope="row">2026-10</th>')[1].split("</tr>")[0]
    assert 'value="1000.00"' in october and 'value="300.00"' in october
    workbook = load_workbook(io.BytesIO(client.get("/arrears/transfers/?export=xlsx").content))
    (sheet,) = [ws for ws in workbook.worksheets if ws.title.startswith("Limits")]
    scopes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(scopes) == ["C01", "City"]
    # A county reads its sub-limits as a list and has no grid to edit.
    county_page = client_for(staff_a).get("/arrears/transfers/?year=2026").content.decode()
    assert 'id="limit-grid"' not in county_page and 'id="limits"' in county_page


def test_city_staff_record_a_transfer(client_for, city_user, leader, county_b, today):
    response = client_for(city_user).post(
        "/arrears/transfers/",
        {
            "form": "transfer",
            "transfer-county": county_b.pk,
            "transfer-month": "2026-11",
            "transfer-amount": "250.50",
            "transfer-accounts": "2",
            "transfer-approver": leader.pk,
            "transfer-note": "Dismantled accounts",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.county, transfer.amount, transfer.accounts, transfer.created_by) == (
        county_b,
        Decimal("250.50"),
        2,
        city_user,
    )


def test_a_transfer_with_errors_is_shown_again_with_messages(
    client_for, city_user, leader, county_b, today
):
    client = client_for(city_user)
    data = {
        "form": "transfer",
        "transfer-county": county_b.pk,
        "transfer-month": "2026/11",
        "transfer-amount": "10",
        "transfer-accounts": "0",
        "transfer-approver": leader.pk,
    }
    response = client.post("/arrears/transfers/", data)
    assert response.status_code == 400
    assert {"month", "accounts"} <= set(response.context["transfer_form"].errors)
    # The amount rule is the service's: its message lands on the field too.
    data |= {"transfer-month": "2026-11", "transfer-accounts": "1", "transfer-amount": "-1"}
    response = client.post("/arrears/transfers/", data)
    assert response.status_code == 400
    assert "more than zero" in str(response.context["transfer_form"].errors["amount"])
    assert not Transfer.objects.exists()


def grid_post(year: int, cells: dict[str, str]) -> dict[str, str]:
    """The limits grid as the browser posts it: every cell, the ones given filled in."""
    scopes = ["city", *(str(pk) for pk in County.objects.values_list("pk", flat=True))]
    data = {"form": "limit", "year": str(year)}
    for number in range(1, 13):
        for scope in scopes:
            data[f"limit-{year}-{number:02d}_{scope}"] = ""
    return data | cells


def test_city_staff_set_limits_of_a_year_as_one_month_by_county_grid(
    client_for, city_user, county_a, county_b, today
):
    client = client_for(city_user)
    cells = {
        "limit-2026-12_city": "5000",
        f"limit-2026-12_{county_a.pk}": "800",
        f"limit-2026-11_{county_b.pk}": "1200.50",
    }
    response = client.post("/arrears/transfers/?year=2026", grid_post(2026, cells))
    assert response.status_code == 302, response.context["limit_form"].errors
    limits = {(lim.month, lim.county_id, lim.amount) for lim in TransferLimit.objects.all()}
    assert limits == {
        (dt.date(2026, 12, 1), None, Decimal("5000.00")),
        (dt.date(2026, 12, 1), county_a.pk, Decimal("800.00")),
        (dt.date(2026, 11, 1), county_b.pk, Decimal("1200.50")),
    }
    page = client.get(response.url)
    assert "Limits of 2026 saved: 3 cells changed." in page.content.decode()
    # Emptying a cell removes its limit; the others stay as they were.
    cells[f"limit-2026-12_{county_a.pk}"] = ""
    assert client.post("/arrears/transfers/", grid_post(2026, cells)).status_code == 302
    assert not TransferLimit.objects.filter(county=county_a).exists()
    assert TransferLimit.objects.count() == 2
    # A bad cell is shown in its place and nothing of the grid is saved.
    cells |= {"limit-2026-01_city": "-5", "limit-2026-02_city": "70"}
    response = client.post("/arrears/transfers/", grid_post(2026, cells))
    assert response.status_code == 400
    assert "limit-2026-01_city" not in response.context["limit_form"].cleaned_data
    assert "2026-01_city" in response.context["limit_form"].errors
    assert TransferLimit.objects.count() == 2


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader", "auditor2"])
def test_other_roles_may_not_record_transfers_or_limits(
    request, client_for, county_a, leader, who, today
):
    client = client_for(request.getfixturevalue(who))
    transfer = {
        "form": "transfer",
        "transfer-county": county_a.pk,
        "transfer-month": "2026-11",
        "transfer-amount": "10",
        "transfer-accounts": "1",
        "transfer-approver": leader.pk,
    }
    limit = {"form": "limit", "year": "2026", "limit-2026-11_city": "10"}
    assert client.post("/arrears/transfers/", transfer).status_code == 403
    assert client.post("/arrears/transfers/", limit).status_code == 403
    assert not Transfer.objects.exists() and not TransferLimit.objects.exists()
    assert 'id="transfer-form"' not in client.get("/arrears/transfers/").content.decode()


def test_a_county_reads_only_its_own_transfers_against_its_sub_limit(
    client_for, staff_a, transfers_2026
):
    response = client_for(staff_a).get("/arrears/transfers/")
    assert [t.county.code for t in response.context["table"].data.data] == ["C01"]
    october = response.context["summary"].data.data[9]
    assert (october.amount, october.limit, october.over_limit) == (
        Decimal("400.00"),
        Decimal("300.00"),
        True,
    )
    content = response.content.decode()
    assert "C02" not in content and "Beta County" not in content
    rows = sheet_rows(client_for(staff_a).get("/arrears/transfers/?export=xlsx"))
    assert [row[1] for row in rows[1:]] == ["C01"]


def test_the_transfer_list_filters_by_county_and_month(
    client_for, city_user, county_b, transfers_2026
):
    client = client_for(city_user)
    response = client.get("/arrears/transfers/", {"county": county_b.pk})
    assert [t.county.code for t in response.context["table"].data.data] == ["C02"]
    response = client.get("/arrears/transfers/", {"month": 9})
    assert list(response.context["table"].data.data) == []


def test_the_transfers_page_runs_in_a_constant_number_of_queries(
    client_for, city_user, leader, county_a, django_assert_max_num_queries, today
):
    counts = []
    for size in (1, 8):
        counties = [
            County.objects.create(code=f"Q{size}{i}", name=f"Q county {size}{i}")
            for i in range(size)
        ]
        Transfer.objects.bulk_create(
            Transfer(
                county=c,
                month=dt.date(2026, m, 1),
                amount=Decimal(5),
                accounts=1,
                approver=leader,
                created_by=city_user,
            )
            for c in [county_a, *counties]
            for m in range(1, 11)
        )
        client = client_for(city_user)
        with django_assert_max_num_queries(25) as captured:
            assert client.get("/arrears/transfers/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_an_upload_on_the_page_says_it_was_received_and_the_page_follows_it(
    client_for, admin_user, county_a, broadband, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from marketing_ops.models import ImportJob
    from tests.arrears.conftest import ACCOUNT_HEADER

    text = ACCOUNT_HEADER + "A-9,C01,BROADBAND,Ann,2020-01-01,active,,,\n"
    file = SimpleUploadedFile("accounts.csv", text.encode(), content_type="text/csv")
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        # The import runs once the upload's transaction commits: it is only received here.
        response = client.post("/imports/new/", {"dataset": "accounts", "file": file})
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "accounts.csv was received; this page follows its import." in page
    assert "is queued" not in page


def test_a_transfer_over_a_limit_shows_the_excess_and_needs_a_confirmation(
    client_for, city_user, leader, county_a, today
):
    limit_set(month="2026-11", county=county_a, amount=Decimal("5000"), set_by=city_user)
    client = client_for(city_user)
    data = {
        "form": "transfer",
        "transfer-county": county_a.pk,
        "transfer-month": "2026-11",
        "transfer-amount": "6200",
        "transfer-accounts": "4",
        "transfer-approver": leader.pk,
    }
    response = client.post("/arrears/transfers/", data)
    assert response.status_code == 400
    content = response.content.decode()
    warning = content.split('id="over-limit"')[1].split("</div>")[0]
    assert "C01&#x27;s limit of 5,000.00 by 1,200.00" in warning
    assert "Confirm and record over the limit" in content
    assert 'value="6200"' in content  # what was typed is kept for the confirmation
    assert not Transfer.objects.exists()
    response = client.post("/arrears/transfers/", data | {"transfer-confirm_over_limit": "on"})
    assert response.status_code == 302
    assert Transfer.objects.get().amount == Decimal("6200.00")
    # Within the limit no confirmation is asked for.
    limit_set(month="2026-10", county=county_a, amount=Decimal("5000"), set_by=city_user)
    within = data | {"transfer-month": "2026-10", "transfer-amount": "5000"}
    assert client.post("/arrears/transfers/", within).status_code == 302
