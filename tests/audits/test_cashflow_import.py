"""The ``cashflow`` dataset (docs/file-formats.md#cashflow): validated whole (an unexplained
difference, a month not ended, another county are row errors and nothing lands), the same
writes as the form (version bump, sign-offs voided), idempotent by content hash, the command
line."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audits.models import CashFlowReconciliation, CashFlowSignOff
from audits.services import cashflow as writes
from marketing_ops.periods import Month
from marketing_ops.services import import_submit

HEAD = "county_code,month,receivable,received,explanation\n"


@pytest.fixture
def upload(db, today):
    def upload(text: str, user, name: str = "cashflow.csv"):
        return import_submit(
            dataset="cashflow",
            fileobj=io.BytesIO((HEAD + text).encode()),
            file_name=name,
            user=user,
            background=False,
        )

    return upload


def test_a_file_enters_every_county_of_the_month(upload, city_user, county_a, county_b):
    job = upload(
        'C01,2026-10,1000.00,1000.00,\nC02,2026-10,"2,000.00",1950.00,Late bank slip\n', city_user
    )
    assert job.status == "done", job.errors
    recs = {r.county.code: r for r in CashFlowReconciliation.objects.select_related("county")}
    assert recs["C02"].difference == Decimal("-50.00") and recs["C02"].version == 1
    assert recs["C01"].entered_by == city_user


def test_any_bad_row_rejects_the_whole_file(upload, city_user, county_a, county_b):
    job = upload(
        "C01,2026-10,1000.00,1000.00,\n"
        "C02,2026-10,1000.00,900.00,\n"  # a difference, no explanation
        "C01,2026-11,5.00,5.00,\n"  # November has not ended on the 17th
        "C01,2026-10,1.00,1.00,\n",  # the same county and month twice
        city_user,
    )
    assert job.status == "failed"
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "explanation"), (4, "month")} <= errors
    assert any(e["row"] == 5 for e in job.errors)
    assert "-100.00" in next(e["message"] for e in job.errors if e["column"] == "explanation")
    assert not CashFlowReconciliation.objects.exists()


def test_a_county_user_imports_only_their_county(upload, staff_a, county_a, county_b):
    job = upload("C01,2026-10,1.00,1.00,\nC02,2026-10,1.00,1.00,\n", staff_a)
    assert job.status == "failed"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "county_code")]
    assert not CashFlowReconciliation.objects.exists()


def test_a_level_2_auditor_signs_but_does_not_import(upload, auditor2, county_a):
    job = upload("C01,2026-10,1.00,1.00,\n", auditor2)
    assert job.status == "failed" and job.errors[0]["column"] == "county_code"


def test_an_import_edits_like_the_form_and_voids_the_sign_offs(
    upload, staff_a, auditor1_a, county_a, county_b, city_user
):
    rec = writes.cashflow_save(
        user=staff_a,
        county=county_a,
        month=Month(2026, 10),
        receivable="1000.00",
        received="1000.00",
        explanation="",
        version=0,
    )
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    job = upload(
        "C01,2026-10,1000.00,1000.00,\n"  # unchanged: no new version, sign-off stands
        "C02,2026-10,10.00,10.00,\n",
        city_user,
    )
    assert job.status == "done"
    rec.refresh_from_db()
    assert rec.version == 1 and rec.status == "in_progress"
    job = upload("C01,2026-10,1000.00,990.00,Fee\n", city_user, name="second.csv")
    assert job.status == "done", job.errors
    rec.refresh_from_db()
    assert rec.version == 2 and rec.status == "pending"
    signoff = CashFlowSignOff.objects.get()
    assert signoff.voided and "city1" in signoff.voided_by_change
    # The same file again is recognised and not applied twice.
    again = upload("C01,2026-10,1000.00,990.00,Fee\n", city_user, name="again.csv")
    assert again.status == "failed"
    rec.refresh_from_db()
    assert rec.version == 2


def test_import_data_command_loads_cashflow(county_a, tmp_path, today):
    path = tmp_path / "cashflow.csv"
    path.write_text(HEAD + "C01,2026-10,7.00,7.00,\n")
    call_command("import_data", "cashflow", str(path), stdout=io.StringIO())
    assert CashFlowReconciliation.objects.get().receivable == Decimal("7.00")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD + "C01,2026-09,7.00,8.00,\n")
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_data", "cashflow", str(bad), stdout=io.StringIO())
