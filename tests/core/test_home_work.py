"""The start page lists each user's work by role, with counts that the navigation's badges
repeat; a county user never sees another county's work; the page costs the same number of
queries however much work waits."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrears.models import Account, Bill, CollectionAction, Transfer, TransferLimit
from audits.models import Audit, RefundRecord, VerificationItem
from marketing_ops.models import Briefing, BusinessLine, ImportJob
from materials.models import DailyOperation, LoopExplanation
from revenue.models import FieldVisit, FollowUpAction, MonthlyReport

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    return TODAY


@pytest.fixture
def terminal_line(db):
    line, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND", defaults={"name": "Broadband", "uses_terminal": True, "active": True}
    )
    return line


def add_work(county, n: int, owner, line, start: int = 0) -> None:
    """``n`` things of every kind for ``county`` (numbered from ``start`` so that calls add up)."""
    code = county.code
    for i in range(start, start + n):
        # A returned report and a submitted one, in years long past.
        MonthlyReport.objects.create(
            county=county,
            year=2000 + i,
            month=1,
            status="returned",
            return_reason=f"why-{code}-{i}",
        )
        MonthlyReport.objects.create(county=county, year=2000 + i, month=2, status="submitted")
        visit = FieldVisit.objects.create(
            county=county, date=dt.date(2026, 11, 1), participants="x", findings="y"
        )
        FollowUpAction.objects.create(
            visit=visit, description=f"follow-{code}-{i}", owner=owner, due_on=dt.date(2026, 11, 20)
        )
        account = Account.objects.create(
            account_no=f"A-{code}-{i}",
            county=county,
            business_line=line,
            customer_name=f"customer-{code}-{i}",
            opened_on=dt.date(2025, 1, 1),
        )
        Bill.objects.create(
            account=account,
            county=county,
            billing_month=dt.date(2026, 9, 1),
            amount_billed=Decimal("100.00"),
        )
        CollectionAction.objects.create(
            account=account,
            kind="promise",
            happened_on=dt.date(2026, 11, 1),
            promise_date=dt.date(2026, 11, 10),
            promise_amount=Decimal("100.00"),
        )
        DailyOperation.objects.create(
            county=county,
            business_date=dt.date(2026, 11, 1) + dt.timedelta(days=i),
            business_line=line,
            installs=1,
        )
        refund = RefundRecord.objects.create(
            order_no=f"ORD-{code}-{i}",
            county=county,
            business_date=dt.date(2026, 12, 1),
            account_no=f"A-{code}-{i}",
            refund_type="deposit",
            amount=Decimal("10.00"),
        )
        VerificationItem.objects.create(
            rule="R1",
            refund=refund,
            county=county,
            business_date=dt.date(2026, 12, 1),
            account_no=refund.account_no,
            order_no=refund.order_no,
            explanation=f"item-{code}-{i}",
        )
        day = dt.date(2026, 10, 1) + dt.timedelta(days=i)
        Audit.objects.create(
            county=county,
            cadence="daily",
            period=day.isoformat(),
            period_start=day,
            period_end=day,
            due_on=day + dt.timedelta(days=1),
        )
        ImportJob.objects.create(
            dataset="counties",
            file_name=f"bad-{code}-{i}.csv",
            sha256=f"{county.pk}{i:063d}"[:64],
            created_by=owner,
            county=county,
            status="failed",
            error_count=2,
        )
        month = dt.date(2026, 1 + i % 11, 1)
        TransferLimit.objects.get_or_create(
            county=county, month=month, defaults={"amount": Decimal("1.00")}
        )
        Transfer.objects.create(county=county, month=month, amount=Decimal("5.00"), accounts=1)


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def block(html: str, key: str) -> str:
    found = re.search(rf'data-work="{key}">(.*?)</ul>', html, re.S)
    assert found, f"no {key} block"
    return found.group(1)


def count_of(html: str, key: str) -> int:
    found = re.search(r"data-work-count>([\d,]+)<", block(html, key))
    assert found
    return int(found.group(1).replace(",", ""))


def test_county_staff_see_their_countys_work_and_never_another_countys(
    client_for, staff_a, staff_b, county_a, county_b, terminal_line
):
    add_work(county_a, 2, staff_a, terminal_line)
    add_work(county_b, 3, staff_b, terminal_line)
    html = home(client_for(staff_a))
    # January to November 2026 have ended without a report from C01.
    assert count_of(html, "reports-to-enter") == 11
    assert "C01 2026-01" in block(html, "reports-to-enter")  # the longest overdue first
    assert count_of(html, "reports-returned") == 2
    assert "why-C01-0" in block(html, "reports-returned")
    assert count_of(html, "follow-ups") == 2
    assert count_of(html, "promises") == 2
    assert "customer-C01-1" in block(html, "promises")
    assert count_of(html, "loop-gaps") == 2
    assert count_of(html, "items") == 2
    assert count_of(html, "audits") == 2
    assert count_of(html, "failed-imports") == 2
    # Nothing of C02's, and no city work.
    assert "C02" not in html
    assert 'data-work="reports-to-review"' not in html
    assert 'data-work="transfers-over-limit"' not in html


def test_city_staff_see_reports_to_review_with_county_and_period(
    client_for, city_user, staff_a, county_a, county_b, terminal_line
):
    add_work(county_a, 2, staff_a, terminal_line)
    add_work(county_b, 1, staff_a, terminal_line)
    MonthlyReport.objects.create(
        county=county_a, year=2026, month=11, status="submitted", submitted_by=staff_a
    )
    html = home(client_for(city_user))
    review = block(html, "reports-to-review")
    assert count_of(html, "reports-to-review") == 4
    assert "C01 Alpha District 2026-11" in html
    assert "/revenue/reports/C01/2026/11/" in review
    assert count_of(html, "transfers-over-limit") == 3
    assert count_of(html, "failed-imports") == 3
    assert 'data-work="loop-explanations"' not in html  # none explained yet: no block
    assert 'data-work="reports-to-enter"' not in html
    assert 'data-work="promises"' not in html


def test_city_staff_see_loop_explanations_to_accept(
    client_for, city_user, staff_a, county_a, terminal_line
):
    add_work(county_a, 1, staff_a, terminal_line)
    LoopExplanation.objects.create(
        county=county_a,
        business_date=dt.date(2026, 11, 1),
        business_line=terminal_line,
        explanation="installed from the van",
        explained_by=staff_a,
        explained_at=timezone.now(),
    )
    html = home(client_for(city_user))
    assert count_of(html, "loop-explanations") == 1
    assert "installed from the van" in block(html, "loop-explanations")
    # Explained, it is no longer the county's to explain.
    assert 'data-work="loop-gaps"' not in home(client_for(staff_a))


def test_auditors_see_audits_waiting_at_their_level_and_open_items(
    client_for, auditor1_a, auditor2, auditor3, staff_a, staff_b, county_a, county_b, terminal_line
):
    add_work(county_a, 2, staff_a, terminal_line)
    add_work(county_b, 1, staff_b, terminal_line)
    level1 = home(client_for(auditor1_a))
    assert count_of(level1, "audits") == 2
    assert count_of(level1, "items") == 2
    assert "C02" not in level1
    # Nothing signed at level 1 yet: nothing waits for level 2 or 3.
    level2 = home(client_for(auditor2))
    assert 'data-work="audits"' not in level2
    assert count_of(level2, "items") == 3
    level3 = home(client_for(auditor3))
    assert 'data-work="items"' not in level3
    assert "data-work-empty" in level3


def test_managers_see_the_latest_briefing_and_headline_figures(
    client_for, leader, head_a, county_a
):
    Briefing.objects.create(kind="daily", period="2026-12-04", scope="city", subject="Daily city")
    Briefing.objects.create(
        kind="daily", period="2026-12-04", scope="C01", county=county_a, subject="Daily C01"
    )
    html = home(client_for(leader))
    assert 'data-work="figures"' in html
    assert "Daily city" in html
    assert "Latest briefing" in html
    assert "Revenue completion 2026" in html
    assert "Arrears recovery 2026-10" in html
    assert "target 98.00%" in html
    assert "data-work-empty" in html  # managers have no to-do lists
    assert "Daily C01" not in html  # the city's own comes first for the city's leadership
    county_head = home(client_for(head_a))
    assert "Daily C01" in county_head
    assert "Daily city" not in county_head


def test_the_navigation_badge_repeats_the_home_pages_counts(
    client_for, staff_a, county_a, terminal_line
):
    add_work(county_a, 2, staff_a, terminal_line)
    client = client_for(staff_a)
    # Not counted yet: the imports page asks for the badges once loaded.
    imports = client.get("/imports/").content.decode()
    assert 'hx-get="/work/badges/?path=/imports/"' in imports
    assert "data-work-badge" not in imports
    html = home(client)
    assert re.search(r'data-work-badge="home">(\d+)<', html).group(1) == str(
        11 + 2 + 2 + 2 + 2 + 2 + 2 + 2
    )
    # Reports to enter (11) and returned (2) are both on "Reports".
    assert re.search(r'data-work-badge="revenue:reports">(\d+)<', html).group(1) == "13"
    # Other pages read the badges just counted, with no query of their own.
    imports = client.get("/imports/").content.decode()
    assert 'data-work-badge="arrears:worklist">2<' in imports
    assert 'data-work-badge="imports">2<' in imports
    assert "hx-get=" not in imports.split('id="main-nav-items"')[1].split(">")[0]


def test_the_badges_endpoint_counts_now_and_marks_the_page_it_serves(
    client_for, staff_a, county_a, terminal_line
):
    add_work(county_a, 1, staff_a, terminal_line)
    nav = client_for(staff_a).get("/work/badges/?path=/imports/").content.decode()
    assert nav.lstrip().startswith('<ul class="navbar-nav')
    assert 'data-work-badge="imports">1<' in nav
    assert 'class="nav-link active" href="/imports/"' in nav


def test_the_start_page_and_the_badges_read_in_chinese(
    client_for, staff_a, county_a, terminal_line, settings
):
    add_work(county_a, 1, staff_a, terminal_line)
    client = client_for(staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    nav = client.get("/work/badges/?path=/").content.decode()
    assert 'data-work-badge="home">' in nav
    html = home(client)
    assert "C01 2026年1月" in html


def test_the_badges_endpoint_refuses_anonymous_visitors(client):
    response = client.get("/work/badges/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_nothing_waiting_shows_the_empty_state(client_for, staff_a):
    html = home(client_for(staff_a))
    # Reports of 2026 are still to enter, so submit them all first.
    assert "data-work-empty" not in html
    for month in range(1, 12):
        MonthlyReport.objects.create(
            county=staff_a.profile.county, year=2026, month=month, status="approved"
        )
    html = home(client_for(staff_a))
    assert "Nothing waiting for you." in html
    assert "data-work=" not in html.replace('data-work="figures"', "")
    assert "data-work-badge" not in html


def test_the_city_admin_keeps_the_counties_and_lines(client_for, admin_user, staff_a, county_b):
    assert 'id="home-counties"' in home(client_for(admin_user))
    assert 'id="home-counties"' not in home(client_for(staff_a))


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        home(client)
    return len(captured)


#: The most each role's start page may cost: a few queries per list, whatever the rows.
QUERIES = {
    "staff_a": 20,
    "city_user": 14,
    "auditor1_a": 10,
    "auditor2": 8,
    "leader": 19,
    "head_a": 20,
}


@pytest.mark.parametrize("user_fixture", list(QUERIES))
def test_the_home_page_costs_the_same_queries_with_few_or_many_rows(
    request, client_for, staff_a, county_a, county_b, terminal_line, user_fixture
):
    client = client_for(request.getfixturevalue(user_fixture))
    add_work(county_a, 2, staff_a, terminal_line)
    add_work(county_b, 2, staff_a, terminal_line)
    few = queries(client)
    add_work(county_a, 9, staff_a, terminal_line, start=2)
    add_work(county_b, 9, staff_a, terminal_line, start=2)
    assert queries(client) == few
    assert few <= QUERIES[user_fixture]


def test_my_work_is_marked_on_the_start_page_only(client_for, staff_a):
    assert 'class="nav-link active" href="/"' in home(client_for(staff_a))
    imports = client_for(staff_a).get("/imports/").content.decode()
    assert 'class="nav-link active" href="/"' not in imports
