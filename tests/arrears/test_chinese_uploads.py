"""Uploads as Chinese office staff save them (docs/file-formats.md): CSV in GB18030/GBK from Excel
on a
Chinese system, amounts with thousands separators, an upload template filled in Excel."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from arrears.imports import BillsDataset
from arrears.models import Account, Bill
from marketing_ops.models import ImportJob
from marketing_ops.services import import_submit
from tests.arrears.conftest import ACCOUNT_HEADER, BILL_HEADER

pytestmark = pytest.mark.django_db

CHINESE_ACCOUNTS = ACCOUNT_HEADER + (
    "A-101,C01,BROADBAND,张伟,2020-03-01,active,,,\r\n"
    'A-102,C01,FIXED_PHONE,"欧阳娜娜（城关营业部）",2021-05-10,single_stop,2026-02-01,,"1,200.00"\r\n'
    "B-101,C02,BROADBAND,䶮宇鑫,2019-07-15,active,,,\r\n"
)


def submit(dataset: str, content: bytes, user, name: str = "upload.csv") -> ImportJob:
    return import_submit(
        dataset=dataset, fileobj=io.BytesIO(content), file_name=name, user=user, background=False
    )


def test_a_gb18030_accounts_file_imports_with_the_chinese_names_intact(
    admin_user, county_a, county_b
):
    job = submit("accounts", CHINESE_ACCOUNTS.encode("gb18030"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert dict(Account.objects.values_list("account_no", "customer_name")) == {
        "A-101": "张伟",
        "A-102": "欧阳娜娜（城关营业部）",
        "B-101": "䶮宇鑫",
    }
    assert Account.objects.get(account_no="A-102").deposit == Decimal("1200.00")


def test_a_file_in_neither_encoding_is_refused_by_name_and_nothing_is_written(
    admin_user, county_a, county_b
):
    job = submit("accounts", CHINESE_ACCOUNTS.encode("utf-16"), admin_user)
    assert job.status == ImportJob.Status.FAILED
    (error,) = job.errors
    assert "UTF-8" in error["message"] and "GB18030/GBK" in error["message"]
    assert not Account.objects.exists()


@pytest.mark.parametrize("direct", [True, False], ids=["direct CSV load", "row by row"])
def test_bill_amounts_with_thousands_separators_are_accepted(
    direct, admin_user, county_a, county_b, monkeypatch
):
    monkeypatch.setattr(BillsDataset, "copies_csv", direct)
    assert submit("accounts", CHINESE_ACCOUNTS.encode("gb18030"), admin_user).status == "done"
    text = BILL_HEADER + 'A-101,2026-03,"12,345.60","1,000",2026-04-10\nB-101,2026-03,80.50,0,\n'
    job = submit("bills", text.encode("utf-8"), admin_user, "bills.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    bill = Bill.objects.get(account__account_no="A-101")
    assert (bill.amount_billed, bill.amount_paid) == (Decimal("12345.60"), Decimal("1000.00"))


def test_a_template_filled_in_excel_style_imports(client_for, admin_user, county_a, county_b):
    """The downloaded template: codes in row 1, the Chinese names in row 2; a user fills rows
    from 3 on with Chinese names, real dates and amounts typed as text with separators."""
    client = client_for(admin_user)
    client.post("/accounts/language/", {"language": "zh-hans"})
    response = client.get("/imports/template/accounts.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    codes = [c.value for c in sheet[1]]
    assert codes[:3] == ["account_no", "county_code", "business_line"]
    assert sheet.freeze_panes == "A3"
    row = {
        "account_no": "A-201",
        "county_code": "C01",
        "business_line": "BROADBAND",
        "customer_name": "李娜",
        "opened_on": dt.datetime(2024, 5, 6),
        "status": "active",
        "deposit": "2,400.50",
    }
    sheet.append([row.get(code) for code in codes])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = submit("accounts", buffer.getvalue(), admin_user, "accounts.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    account = Account.objects.get()
    assert (account.customer_name, account.opened_on, account.deposit) == (
        "李娜",
        dt.date(2024, 5, 6),
        Decimal("2400.50"),
    )


def test_errors_in_a_filled_template_name_the_rows_the_spreadsheet_shows(
    client_for, admin_user, county_a
):
    response = client_for(admin_user).get("/imports/template/accounts.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.cell(row=2, column=4).value == "Customer name"
    sheet.append(["A-301", "C01", "BROADBAND", "Zhang", "2024-13-01", "active"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = submit("accounts", buffer.getvalue(), admin_user, "accounts.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "opened_on")]
