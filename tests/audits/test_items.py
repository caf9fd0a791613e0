"""Working verification items: the API list and resolve, the county worklist and the city
overview, with their access (another county 404, a role that may not 403)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from audits.models import Finding, RefundRecord, VerificationItem
from audits.services import items as item_writes
from audits.services import rules
from marketing_ops.models import County


@pytest.fixture
def items(today, county_a, county_b):
    """An R6 item in each county (refunds above the threshold)."""
    made = {}
    for county, order in ((county_a, "R-A"), (county_b, "R-B")):
        RefundRecord.objects.create(
            order_no=order,
            county=county,
            business_date=dt.date(2026, 11, 16),
            account_no=f"ACC-{order}",
            refund_type="other",
            amount=Decimal("2500.00"),
        )
    rules.rules_run_refunds(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 16))
    for item in VerificationItem.objects.select_related("county"):
        made[item.county.code] = item
    return made


def resolve_url(item) -> str:
    return f"/api/v1/audits/verification-items/{item.pk}/resolve/"


def test_the_list_shows_a_county_user_only_their_county_with_the_contract_fields(
    api_for, staff_a, items
):
    body = api_for(staff_a).get("/api/v1/audits/verification-items/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {
        "id",
        "rule",
        "county",
        "business_date",
        "account_no",
        "order_no",
        "amount",
        "explanation",
        "status",
        "explained_by",
    } <= set(row)
    assert (row["rule"], row["county"], row["amount"]) == ("R6", "C01", "2500.00")
    assert "above the review threshold 1000.00" in row["explanation"]


def test_the_list_filters_by_date_rule_county_and_status(api_for, city_user, items):
    api = api_for(city_user)
    url = "/api/v1/audits/verification-items/"
    assert api.get(url).json()["count"] == 2
    assert api.get(url, {"county": "C02"}).json()["count"] == 1
    assert api.get(url, {"rule": "R1"}).json()["count"] == 0
    assert api.get(url, {"date": "2026-11-16", "status": "open"}).json()["count"] == 2
    assert api.get(url, {"date": "2026-11-15"}).json()["count"] == 0


def test_ok_closes_the_item_with_the_note(api_for, auditor1_a, items):
    answer = api_for(auditor1_a).post(
        resolve_url(items["C01"]), {"result": "ok", "note": "customer paid twice"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["finding"]) == ("ok", None)
    item = VerificationItem.objects.get(pk=items["C01"].pk)
    assert (item.note, item.worked_by) == ("customer paid twice", auditor1_a)


def test_a_problem_opens_a_finding_linked_to_the_item(api_for, auditor2, items):
    answer = api_for(auditor2).post(
        resolve_url(items["C02"]), {"result": "problem", "note": "no approval"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    finding = Finding.objects.get(pk=answer.json()["finding"])
    assert (finding.county.code, finding.category, finding.amount) == (
        "C02",
        "refund",
        Decimal("2500.00"),
    )
    assert finding.audit.period == "2026-11"
    assert "no approval" in finding.description


def test_an_item_is_worked_once(api_for, auditor2, items):
    api = api_for(auditor2)
    api.post(resolve_url(items["C01"]), {"result": "ok", "note": "seen"}, format="json")
    again = api.post(resolve_url(items["C01"]), {"result": "problem", "note": "x"}, format="json")
    assert again.status_code == 400
    assert "result" in again.json()
    assert not Finding.objects.exists()


def test_resolve_access(api_for, client, auditor1_a, staff_a, leader, city_user, items):
    body = {"result": "ok", "note": "seen"}
    assert client.post(resolve_url(items["C01"]), body).status_code in (401, 403)
    # Another county's item does not exist for a county user.
    assert api_for(auditor1_a).post(resolve_url(items["C02"]), body).status_code == 404
    # County staff, managers and city staff read items but do not work them.
    for user in (staff_a, leader, city_user):
        assert api_for(user).post(resolve_url(items["C01"]), body).status_code == 403
    assert VerificationItem.objects.filter(status="open").count() == 2


def test_the_list_needs_a_signed_in_user(client, items):
    assert client.get("/api/v1/audits/verification-items/").status_code in (401, 403)


def test_the_worklist_page_shows_the_countys_items_and_exports(
    client_for, staff_a, items, django_assert_max_num_queries
):
    client = client_for(staff_a)
    with django_assert_max_num_queries(12):
        page = client.get("/audits/verification-items/")
    assert page.status_code == 200
    assert "R-A" in page.text and "R-B" not in page.text
    export = client.get("/audits/verification-items/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["R-A"]


def test_a_level_1_auditor_works_an_item_from_the_page(client_for, auditor1_a, items):
    client = client_for(auditor1_a)
    url = f"/audits/verification-items/{items['C01'].pk}/"
    page = client.get(url)
    assert page.status_code == 200
    # The item's sentence with its figures, and the two results as radio buttons to pick.
    assert items["C01"].explanation in page.content.decode()
    assert page.content.decode().count('class="form-check-input"') == 2
    done = client.post(url, {"result": "problem", "note": "refund without approval"})
    assert done.status_code == 302
    assert VerificationItem.objects.get(pk=items["C01"].pk).finding is not None
    assert client.get(f"/audits/verification-items/{items['C02'].pk}/").status_code == 404


def test_the_item_page_refuses_a_role_that_may_not_work_items(client_for, staff_a, items):
    assert (
        client_for(staff_a).get(f"/audits/verification-items/{items['C01'].pk}/").status_code == 403
    )


def test_the_city_overview_counts_open_items_by_rule_and_county(
    client_for, city_user, auditor2, items, django_assert_max_num_queries
):
    VerificationItem.objects.filter(pk=items["C02"].pk).update(status="ok")
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        page = client.get("/audits/verification-items/overview/")
    assert page.status_code == 200
    export = client.get("/audits/verification-items/overview/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    by_county = {row[0]: row for row in rows[1:]}
    # County, R1..R6, open, worked.
    assert by_county["Alpha District"][6:] == (1, 1, 0)
    assert by_county["Beta County"][6:] == (0, 0, 1)


def test_the_city_overview_is_not_for_county_staff(client_for, client, staff_a, items):
    assert client_for(staff_a).get("/audits/verification-items/overview/").status_code == 403
    assert client.get("/audits/verification-items/overview/").status_code == 302


def test_the_role_groups_hold_the_admin_permissions_on_records_and_items(db):
    from django.contrib.auth.models import Group

    def codenames(role):
        group = Group.objects.get(name=role)
        return set(
            group.permissions.filter(content_type__app_label="audits").values_list(
                "codename", flat=True
            )
        )

    models = ("refundrecord", "dismantlerecord", "verificationitem")
    admin = codenames("city_admin")
    for model in models:
        assert {f"{a}_{model}" for a in ("view", "add", "change", "delete")} <= admin
    staff = codenames("city_staff")
    assert {f"view_{model}" for model in models} <= staff
    assert not {f"delete_{model}" for model in models} & staff
    for role in ("county_staff", "auditor", "manager"):
        assert not {c for c in codenames(role) if c.endswith(models)}, role


@pytest.mark.parametrize(
    "url, who",
    [
        ("/audits/verification-items/", "city"),
        ("/audits/verification-items/", "county"),
        ("/audits/verification-items/overview/", "city"),
        ("/api/v1/audits/verification-items/?page_size=500", "api"),
    ],
)
def test_the_item_pages_keep_their_query_count_with_more_items_and_counties(
    url,
    who,
    client_for,
    api_for,
    city_user,
    staff_a,
    auditor2,
    items,
    django_assert_max_num_queries,
):
    if who == "api":
        client = api_for(city_user)
    else:
        client = client_for(staff_a if who == "county" else city_user)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    # Many more items of every rule in more counties, some worked (a finding, a worker).
    counties = list(County.objects.all())
    counties += [
        County.objects.create(code=f"C{n:02d}", name=f"County {n}", sort_order=n)
        for n in range(3, 7)
    ]
    day = dt.date(2026, 11, 16)
    for n, county in enumerate(counties * 5):
        for kind, amount in (("deposit", "2500.00"), ("other", "2500.00")):
            RefundRecord.objects.create(
                order_no=f"R-{kind}-{n}",
                county=county,
                business_date=day,
                account_no=f"ACC-{n}",
                refund_type=kind,
                amount=Decimal(amount),
            )
    rules.rules_run_refunds(start=day, end=day)
    assert VerificationItem.objects.count() > 50
    first = VerificationItem.objects.filter(county=counties[0]).exclude(pk=items["C01"].pk)[0]
    item_writes.item_resolve(item=first, user=auditor2, result="problem", note="checked")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_worklist_links_an_item_to_its_page_only_for_auditors_who_work_items(
    client_for, auditor1_a, staff_a, items
):
    link = f'href="/audits/verification-items/{items["C01"].pk}/"'
    assert link in client_for(auditor1_a).get("/audits/verification-items/").content.decode()
    county = client_for(staff_a).get("/audits/verification-items/").content.decode()
    assert items["C01"].order_no in county and link not in county  # that page answers 403
