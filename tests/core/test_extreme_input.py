"""No input ends in a server error: every dataset and every write endpoint is fed extreme values
(huge and negative numbers, long and unicode text, exponent notation, infinity, far dates) and
answers with row/column or field errors, writing nothing when it refuses (docs/file-formats.md,
docs/api.md).

Each target starts from a valid row or body and replaces one to three of its values; each
example runs in a transaction rolled back afterwards, so examples do not see each other.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.models import Account, Bill, Transfer, TransferLimit
from marketing_ops.models import BusinessLine, County, ImportJob
from marketing_ops.services import import_submit
from revenue.models import CountyTarget, MonthlyReport, Plan, ProvinceStanding
from revenue.services import plans

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LIMITS = [2**31 - 1, 2**31, -(2**31) - 1, 2**15, 2**63, -(2**63) - 1, 10**30, -1, 0]
SPECIAL = [
    "1E5",
    "1e2",
    "1.23457E+11",
    "inf",
    "-Infinity",
    "nan",
    "1e400",
    "1,234.50",
    "1,23,4",
    "-0",
    "+5",
    ".5",
    "5.",
    "0.001",
    "999999999999.99",
    "1000000000000",
    "9999-12-31",
    "0001-01-01",
    "1999-12-31",
    "9999-12",
    "1999-01",
    "0000-00",
    "2026-02-30",
    "２０２６-０３",
    "１２",
    "²",
    "X/1",
    "../",
    "C01",
    "BROADBAND",
    "A-001",
    "x" * 5000,
    "",
    " ",
]

#: Text a cell or a string field may hold (no NUL and no lone surrogates: a file cannot).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
CELL = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(LIMITS).map(str),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
        lambda d: d.isoformat()[:7]
    ),
    TEXT,
)
#: A JSON value of any type (a JSON string may hold a NUL character, a file's cell not).
VALUE = st.one_of(
    CELL,
    st.sampled_from(["\x00", "C01\x00", "2026-03\x00"]),
    st.sampled_from(LIMITS),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(TEXT, st.integers(), max_size=2),
)


def csv_text(header: list[str], row: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


def with_replaced(data: st.DataObject, base: list[Any] | dict[str, Any], values: Any) -> Any:
    """``base`` with one to three of its values replaced by drawn ones."""
    keys = list(range(len(base))) if isinstance(base, list) else list(base)
    chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
    changed = list(base) if isinstance(base, list) else dict(base)
    for key in chosen:
        changed[key] = data.draw(values, label=str(key))
    return changed


def rolled_back(check: Callable[[], None]) -> None:
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@pytest.fixture
def city(county_a, county_b):
    """Two counties, one active line, one account of C01 (for bills)."""
    line, _ = BusinessLine.objects.update_or_create(
        code="BROADBAND", defaults={"name": "Broadband", "active": True, "sort_order": 1}
    )
    BusinessLine.objects.exclude(code="BROADBAND").update(active=False)
    Account.objects.create(
        account_no="A-001",
        county=county_a,
        business_line=line,
        customer_name="Zhang Wei",
        opened_on=dt.date(2020, 3, 1),
    )
    plans.plan_create(year=2026, revenue_target="1200.00", volume_targets={}, user=None)


def counts() -> tuple[int, ...]:
    return (
        County.objects.count(),
        BusinessLine.objects.count(),
        MonthlyReport.objects.count(),
        Account.objects.count(),
        Bill.objects.count(),
        Transfer.objects.count(),
        TransferLimit.objects.count(),
        ProvinceStanding.objects.count(),
        Plan.objects.count(),
        CountyTarget.objects.count(),
    )


# --------------------------------------------------------------------------------- datasets

DATASETS: dict[str, tuple[list[str], list[str]]] = {
    "counties": (["code", "name", "kind", "sort_order"], ["C09", "Nine", "county", "9"]),
    "business_lines": (
        ["code", "name", "unit", "deposit_required"],
        ["IPTV", "IPTV", "households", "N"],
    ),
    "monthly_figures": (
        ["county_code", "year", "month", "revenue", "BROADBAND"],
        ["C01", "2026", "3", "1234.50", "12"],
    ),
    "accounts": (
        [
            "account_no",
            "county_code",
            "business_line",
            "customer_name",
            "opened_on",
            "status",
            "status_changed_on",
            "contract_end",
            "deposit",
        ],
        ["A-002", "C01", "BROADBAND", "Li Na", "2021-05-10", "active", "", "", ""],
    ),
    "bills": (
        ["account_no", "billing_month", "amount_billed", "amount_paid", "paid_on"],
        ["A-001", "2026-03", "100.00", "40.00", "2026-04-02"],
    ),
}


@pytest.mark.parametrize(
    ("dataset", "who"),
    [(name, "admin_user") for name in sorted(DATASETS)] + [("monthly_figures", "staff_a")],
)
def test_every_dataset_answers_extreme_cells_with_row_errors_and_writes_nothing_it_refuses(
    dataset, who, city, request
):
    header, base = DATASETS[dataset]
    user = request.getfixturevalue(who)

    @EXAMPLES
    @given(data=st.data())
    def import_one(data: st.DataObject) -> None:
        row = with_replaced(data, base, CELL)

        def check() -> None:
            before = counts()
            job = import_submit(
                dataset=dataset,
                fileobj=io.BytesIO(csv_text(header, row)),
                file_name="extreme.csv",
                user=user,
                background=False,
            )
            assert job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
            assert not any("unexpected error" in e["message"] for e in job.errors), job.errors
            if job.status == ImportJob.Status.FAILED:
                assert job.errors
                assert counts() == before

        rolled_back(check)

    import_one()


# -------------------------------------------------------------------------------- endpoints

ENDPOINTS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "report": (
        "put",
        "staff_a",
        "/api/v1/revenue/reports/C01/2026/3/",
        {"revenue": "1234.50", "volumes": {"BROADBAND": 12}, "version": 0},
    ),
    "report volumes": (
        "put",
        "staff_a",
        "/api/v1/revenue/reports/C01/2026/3/",
        {"revenue": "1234.50", "volumes": {"BROADBAND": 12}, "version": 0},
    ),
    "transfer": (
        "post",
        "city_user",
        "/api/v1/arrears/transfers/",
        {"county": "C01", "month": "2026-03", "amount": "10.00", "accounts": 3, "note": ""},
    ),
    "transfer limit": (
        "post",
        "city_user",
        "/api/v1/arrears/transfers/limits/",
        {"month": "2026-03", "county": "C01", "amount": "1000.00"},
    ),
    "standing": (
        "post",
        "city_user",
        "/api/v1/revenue/standings/",
        {"year": 2026, "month": 3, "rank": 2, "cities": 14, "completion_rate": "0.5", "note": ""},
    ),
    "plan": (
        "post",
        "city_user",
        "/api/v1/revenue/plans/",
        {"year": 2027, "revenue_target": "1200000.00", "volume_targets": {"BROADBAND": 1200}},
    ),
    "plan decompose": (
        "post",
        "city_user",
        "/api/v1/revenue/plans/2026/decompose/",
        {
            "method": "manual",
            "amounts": {"revenue": {"C01": "600.00", "C02": "600.00"}},
            "revenue_target": "1200.00",
            "volume_targets": {"BROADBAND": 0},
        },
    ),
    "plan phase": (
        "post",
        "city_user",
        "/api/v1/revenue/plans/2026/phase/",
        {"weights": ["1"] * 12, "county": "C01"},
    ),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_every_write_endpoint_answers_extreme_values_with_field_errors_and_writes_nothing(
    endpoint, city, api_for, request
):
    method, who, url, base = ENDPOINTS[endpoint]
    client = api_for(request.getfixturevalue(who))
    nested = "volumes" if endpoint == "report volumes" else None

    @EXAMPLES
    @given(data=st.data())
    def send(data: st.DataObject) -> None:
        if nested:
            body = {**base, nested: with_replaced(data, {"BROADBAND": 12}, VALUE)}
        else:
            body = with_replaced(data, base, VALUE)

        def check() -> None:
            before = counts()
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code < 500
            if response.status_code >= 400:
                assert counts() == before

        rolled_back(check)

    send()
