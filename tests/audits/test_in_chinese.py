"""In Chinese, the audit pages, messages, stored rule texts and briefing sections write days,
weeks and months as Chinese does (2026年11月17日, 2026年第46周, 2026年10月); the API, the
addresses and the form values stay ISO (docs/language-and-formats.md#formats-on-pages)."""

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from arrears.models import Account, Bill
from audits import briefing
from audits.models import VerificationItem
from audits.services import cashflow as cashflow_writes
from audits.services import notices as notice_writes
from marketing_ops.briefings import period_for
from marketing_ops.models import BusinessLine
from marketing_ops.periods import Month
from marketing_ops.services import import_submit


def chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_the_cash_flow_pages_name_the_month_in_chinese(client_for, staff_a, county_a, today):
    cashflow_writes.cashflow_save(
        user=staff_a,
        county=county_a,
        month=Month(2026, 10),
        receivable=Decimal("100.00"),
        received=Decimal("100.00"),
        explanation="",
        version=0,
    )
    client = chinese(client_for(staff_a))
    page = client.get("/audits/cashflow/C01/2026-10/").content.decode()
    assert f"<title>现金流 {county_a.name} 2026年10月" in page
    ranking = client.get("/audits/cashflow/?month=2026-10").content.decode()
    assert "« 2026年9月" in ranking and "2026年11月 »" in ranking
    assert 'href="?month=2026-09"' in ranking  # the address stays ISO


def test_the_weekly_notice_names_its_week_in_chinese(client_for, city_user, county_a, today):
    notice_writes.notice_draft(week="2026-W46")
    client = chinese(client_for(city_user))
    page = client.get("/audits/notices/2026-W46/").content.decode()
    assert "<title>稽核周通报 2026年第46周" in page
    archive = client.get("/audits/notices/").content.decode()
    assert "2026年第46周" in archive
    assert 'name="week" value="2026-W46"' in archive  # the form value stays ISO


def test_the_rules_write_their_explanations_in_the_language_they_run_in(
    db, county_a, staff_a, today, django_capture_on_commit_callbacks
):
    voice, _ = BusinessLine.objects.update_or_create(
        code="VOICE", defaults={"name": "Voice", "uses_terminal": False}
    )
    account = Account.objects.create(
        account_no="A-1",
        county=county_a,
        business_line=voice,
        customer_name="x",
        opened_on=dt.date(2025, 1, 1),
    )
    Bill.objects.create(
        account=account,
        county=county_a,
        billing_month=dt.date(2026, 9, 1),
        amount_billed=Decimal("100.00"),
        amount_paid=Decimal("0.00"),
    )
    files = {
        "refunds": "business_date,county_code,account_no,order_no,refund_type,amount,operator\n"
        "2026-10-01,C01,A-1,R-1,prepaid,120.00,\n"
        "2026-10-31,C01,A-1,R-2,prepaid,120.00,\n",
        "dismantles": "business_date,county_code,account_no,order_no,business_line,"
        "terminal_serial,terminal_returned,reason\n"
        "2026-11-10,C01,A-1,D-1,VOICE,,Y,\n",
    }
    with translation.override("zh-hans"):
        for dataset, text in files.items():
            with django_capture_on_commit_callbacks(execute=True):
                import_submit(
                    dataset=dataset,
                    fileobj=io.BytesIO(text.encode()),
                    file_name="day.csv",
                    user=staff_a,
                    background=False,
                )
    repeat = VerificationItem.objects.get(rule="R1", order_no="R-2")
    assert "2026年10月1日" in repeat.explanation and "2026-10-01" not in repeat.explanation
    unpaid = VerificationItem.objects.get(rule="R5", order_no="D-1")
    assert "2026年11月10日" in unpaid.explanation and "2026年9月" in unpaid.explanation
    assert unpaid.parameters["oldest_unpaid_month"] == "2026-09"  # data stays ISO


def test_the_monthly_briefing_names_the_month_in_chinese(db, county_a, county_b, today):
    with translation.override("zh-hans"):
        audits, cash_flow = briefing.sections(period_for("monthly", "2026-10"), None)
    assert "2026年10月" in audits.lines[0] and "2026-10" not in audits.lines[0]
    assert audits.tables[0].title == "稽核 2026年10月"
    assert cash_flow.lines[0].startswith("现金流 2026年10月")
