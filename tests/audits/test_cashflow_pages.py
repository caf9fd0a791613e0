"""Cash-flow pages: the ranking (order, not entered last, month switcher, xlsx, template), a
county's month (form with version, a stale save's message, the explanation rule, sign-off chain
with voided history), access (302, 404, 403) and pinned query counts."""

import io
from decimal import Decimal

import openpyxl
import pytest

from audits.services import cashflow as writes
from marketing_ops.models import County
from marketing_ops.periods import Month
from tests.conftest import make_user

OCTOBER = Month(2026, 10)
PAGE = "/audits/cashflow/C01/2026-10/"


def enter(user, county, receivable, received, explanation="", version=0):
    return writes.cashflow_save(
        user=user,
        county=county,
        month=OCTOBER,
        receivable=receivable,
        received=received,
        explanation=explanation,
        version=version,
    )


def form(receivable="1000.00", received="1000.00", explanation="", version=0):
    return {
        "receivable": receivable,
        "received": received,
        "explanation": explanation,
        "version": version,
    }


def test_anonymous_visitors_are_sent_to_log_in(client, county_a):
    for url in ("/audits/cashflow/", PAGE, "/audits/cashflow/template.xlsx"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_county_users_do_not_find_other_counties(client_for, staff_b, county_a, today):
    client = client_for(staff_b)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, form()).status_code == 404
    assert client.post(f"{PAGE}sign/", {"result": "passed"}).status_code == 404


def test_roles_that_may_not_write_or_sign_get_403(
    client_for, head_a, auditor2, staff_a, county_a, today
):
    assert client_for(head_a).post(PAGE, form()).status_code == 403
    assert client_for(auditor2).post(PAGE, form()).status_code == 403
    enter(staff_a, county_a, "1", "1")
    assert client_for(staff_a).post(f"{PAGE}sign/", {"result": "passed"}).status_code == 403
    assert client_for(head_a).post(f"{PAGE}sign/", {"result": "passed"}).status_code == 403


def test_the_form_enters_the_month_and_a_stale_save_says_so(
    client_for, staff_a, auditor1_a, county_a, today
):
    client = client_for(staff_a)
    page = client.get(PAGE).content.decode()
    assert 'name="version" value="0"' in page and "Nobody has entered this month yet." in page
    response = client.post(PAGE, form(received="995.00", explanation="Bank fee"), follow=True)
    assert "Saved the cash flow of C01 2026-10." in response.content.decode()
    enter(auditor1_a, county_a, "1000.00", "1000.00", "", version=1)
    response = client.post(PAGE, form(received="990.00", explanation="x", version=1))
    assert response.status_code == 409
    assert "your version 1, now 2" in response.content.decode()


def test_the_form_refuses_an_unexplained_difference(client_for, staff_a, county_a, today):
    response = client_for(staff_a).post(PAGE, form(received="900.00"))
    assert response.status_code == 200
    assert "Explain the difference of -100.00" in response.content.decode()


def test_the_sign_off_chain_shows_who_when_and_the_voided_history(
    client_for, staff_a, auditor1_a, auditor2, auditor3, county_a, today
):
    enter(staff_a, county_a, "1000.00", "1000.00")
    page = client_for(auditor1_a).get(PAGE).content.decode()
    assert "Sign at level 1" in page
    client_for(auditor1_a).post(f"{PAGE}sign/", {"result": "passed"})
    response = client_for(auditor3).post(f"{PAGE}sign/", {"result": "passed"}, follow=True)
    assert "Level 2 has not signed this reconciliation passed yet." in response.content.decode()
    client_for(auditor2).post(f"{PAGE}sign/", {"result": "failed", "note": "Bank slip missing"})
    client_for(staff_a).post(PAGE, form(received="1000.00", explanation="", version=1))
    enter(staff_a, county_a, "1000.00", "1001.00", "Bank slip attached", version=1)
    page = client_for(auditor2).get(PAGE).content.decode()
    assert page.count('class="text-muted text-decoration-line-through voided"') == 2
    assert "Bank slip missing" in page and "explanation changed" in page
    assert "Sign at level 2" in page


def test_the_ranking_orders_by_relative_difference_with_not_entered_last(
    client_for, city_user, staff_a, county_a, county_b, today, django_assert_max_num_queries
):
    County.objects.create(code="C03", name="Gamma", kind="county", sort_order=3)
    enter(staff_a, county_a, "1000.00", "1000.00")
    enter(city_user, county_b, "200.00", "150.00", "Cash lost in transit")
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        page = client.get("/audits/cashflow/?month=2026-10").content.decode()
    order = [code for code in ("C02", "C01", "C03") if f'data-county="{code}"' in page]
    assert order == ["C02", "C01", "C03"]
    assert page.index('data-county="C02"') < page.index('data-county="C01"')
    assert page.index('data-county="C01"') < page.index('data-county="C03"')
    assert "not entered" in page and "25.00%" in page
    assert 'href="?month=2026-09"' in page and 'href="?month=2026-11"' in page
    export = client.get("/audits/cashflow/?month=2026-10&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["C02", "C01", "C03"]
    assert rows[1][5] == Decimal("-50.00") or rows[1][5] == -50


def test_the_ranking_keeps_its_query_count_with_more_counties(
    client_for, city_user, county_a, today, django_assert_max_num_queries
):
    client = client_for(city_user)
    enter(city_user, county_a, "100.00", "100.00")
    with django_assert_max_num_queries(12) as few:
        client.get("/audits/cashflow/?month=2026-10")
    for n in range(2, 12):
        county = County.objects.create(code=f"C{n:02d}", name=f"County {n}", kind="county")
        enter(city_user, county, "100.00", "100.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audits/cashflow/?month=2026-10")


def test_a_county_user_sees_only_their_county_in_the_ranking(
    client_for, staff_b, county_a, county_b, today
):
    page = client_for(staff_b).get("/audits/cashflow/?month=2026-10").content.decode()
    assert 'data-county="C02"' in page and 'data-county="C01"' not in page


@pytest.mark.parametrize("who", ["staff_a", "leader", "auditor2"])
def test_every_role_reads_the_pages(request, client_for, county_a, today, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/audits/cashflow/").status_code == 200
    assert client.get(PAGE).status_code == 200


def test_the_template_holds_one_row_per_county_in_scope(
    client_for, staff_a, city_user, county_a, county_b, today
):
    enter(staff_a, county_a, "10.00", "10.00")
    response = client_for(city_user).get("/audits/cashflow/template.xlsx?month=2026-10")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("county_code", "month", "receivable", "received", "explanation")
    assert [row[:2] for row in rows[1:]] == [("C01", "2026-10"), ("C02", "2026-10")]
    response = client_for(staff_a).get("/audits/cashflow/template.xlsx?month=2026-10")
    assert [
        row[0]
        for row in list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)[1:]
    ] == ["C01"]


def test_the_nav_links_the_ranking(client_for, county_a):
    user = make_user("reader", "manager", county_a)
    assert 'href="/audits/cashflow/"' in client_for(user).get("/").content.decode()


def test_the_months_page_keeps_its_query_count_with_more_sign_offs(
    client_for, staff_a, auditor1_a, auditor2, county_a, today, django_assert_max_num_queries
):
    rec = enter(staff_a, county_a, "10.00", "10.00")
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    client = client_for(auditor2)
    with django_assert_max_num_queries(14) as few:
        client.get(PAGE)
    for version in (1, 2, 3):
        rec = enter(staff_a, county_a, "10.00", f"1{version}.00", "Fee", version=version)
        writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    writes.cashflow_sign(reconciliation=rec, user=auditor2, result="passed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(PAGE).content.decode()
    assert page.count("voided") >= 3
