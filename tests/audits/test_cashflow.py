"""Cash-flow reconciliation through the services (docs/rules.md#cash-flow): who enters, the
explanation rule (service and database), versions, the 1 → 2 → 3 sign-off with its order,
fingerprints and voiding on a later edit."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from audits.calculations import cashflow_fingerprint, relative_difference
from audits.models import CashFlowReconciliation, CashFlowSignOff
from audits.services import cashflow as writes
from marketing_ops.models import County
from marketing_ops.periods import Month
from tests.conftest import make_user

OCTOBER = Month(2026, 10)


@pytest.fixture
def save(today):
    def save(user, county, receivable="1000.00", received="1000.00", explanation="", version=0):
        return writes.cashflow_save(
            user=user,
            county=county,
            month=OCTOBER,
            receivable=receivable,
            received=received,
            explanation=explanation,
            version=version,
        )

    return save


def test_county_staff_enter_a_month_and_each_edit_bumps_the_version(save, staff_a, county_a):
    rec = save(staff_a, county_a, "1000.00", "990.00", "Two bank transfers arrived on Nov 1")
    assert rec.version == 1 and rec.difference == Decimal("-10.00") and rec.status == "pending"
    assert rec.month.isoformat() == "2026-10-01" and rec.entered_by == staff_a
    rec = save(staff_a, county_a, "1000.00", "1000.00", "", version=1)
    assert rec.version == 2 and rec.difference == 0
    # The same figures again are no edit.
    assert save(staff_a, county_a, "1000.00", "1000.00", "", version=2).version == 2


def test_a_stale_version_is_a_conflict_naming_the_current_one(save, staff_a, auditor1_a, county_a):
    save(staff_a, county_a)
    save(auditor1_a, county_a, received="1001.00", explanation="Rounding", version=1)
    with pytest.raises(writes.CashFlowConflict, match="your version 1, now 2") as conflict:
        save(staff_a, county_a, received="999.00", explanation="Late", version=1)
    assert conflict.value.version == 2
    with pytest.raises(writes.CashFlowConflict):
        save(staff_a, county_a, version=0)  # entering a month someone else entered
    assert CashFlowReconciliation.objects.get().received == Decimal("1001.00")


def test_a_difference_needs_an_explanation(save, staff_a, county_a):
    with pytest.raises(ValidationError) as error:
        save(staff_a, county_a, "1000.00", "900.00", "   ")
    assert "-100.00" in error.value.message_dict["explanation"][0]
    assert not CashFlowReconciliation.objects.exists()


def test_the_database_refuses_an_unexplained_difference(db, county_a):
    now = timezone.now()
    row = {"county": county_a, "month": OCTOBER.first_day, "entered_at": now, "updated_at": now}
    with pytest.raises(IntegrityError), transaction.atomic():
        CashFlowReconciliation.objects.create(
            **row, receivable=Decimal(5), received=Decimal(4), explanation=" "
        )
    CashFlowReconciliation.objects.create(
        **row, receivable=Decimal(5), received=Decimal(5), explanation=""
    )


def test_only_ended_months_are_reconciled(today, staff_a, county_a):
    with pytest.raises(ValidationError) as error:
        writes.cashflow_save(
            user=staff_a,
            county=county_a,
            month=Month(2026, 11),
            receivable="1",
            received="1",
            explanation="",
            version=0,
        )
    assert "2026-12-01" in error.value.message_dict["month"][0]


def test_who_may_enter(save, county_a, staff_b, auditor2, head_a, city_user):
    with pytest.raises(Http404):
        save(staff_b, county_a)  # another county's
    for user in (auditor2, head_a):
        with pytest.raises(PermissionDenied):
            save(user, county_a)
    assert save(city_user, county_a).version == 1


def test_sign_off_runs_1_then_2_then_3(
    save, staff_a, county_a, auditor1_a, auditor2, auditor3, county_b
):
    rec = save(staff_a, county_a)
    with pytest.raises(writes.CashFlowConflict, match="Level 1 has not signed"):
        writes.cashflow_sign(reconciliation=rec, user=auditor2, result="passed")
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    with pytest.raises(writes.CashFlowConflict, match="Level 2 has not signed"):
        writes.cashflow_sign(reconciliation=rec, user=auditor3, result="passed")
    with pytest.raises(writes.CashFlowConflict, match="already signed"):
        writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    writes.cashflow_sign(reconciliation=rec, user=auditor2, result="passed")
    rec.refresh_from_db()
    assert rec.status == "in_progress"
    signoff = writes.cashflow_sign(reconciliation=rec, user=auditor3, result="passed")
    rec.refresh_from_db()
    assert rec.status == "passed"
    assert signoff.fingerprint == cashflow_fingerprint(Decimal(1000), Decimal(1000), "")


def test_a_level_1_auditor_signs_only_their_county(
    today, staff_b, county_b, auditor1_a, staff_a, city_user
):
    rec = writes.cashflow_save(
        user=staff_b,
        county=county_b,
        month=OCTOBER,
        receivable="5",
        received="5",
        explanation="",
        version=0,
    )
    for user in (auditor1_a, staff_a, city_user):
        with pytest.raises(PermissionDenied):
            writes.cashflow_sign(reconciliation=rec, user=user, result="passed")


def test_a_failed_sign_off_needs_a_note_and_stops_the_levels_above(
    save, staff_a, county_a, auditor1_a, auditor2, auditor3
):
    rec = save(staff_a, county_a, "1000.00", "800.00", "Some cash late")
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    with pytest.raises(ValidationError):
        writes.cashflow_sign(reconciliation=rec, user=auditor2, result="failed", note=" ")
    writes.cashflow_sign(
        reconciliation=rec, user=auditor2, result="failed", note="200.00 not accounted for"
    )
    rec.refresh_from_db()
    assert rec.status == "failed"
    with pytest.raises(writes.CashFlowConflict, match="Level 2"):
        writes.cashflow_sign(reconciliation=rec, user=auditor3, result="passed")


def test_an_edit_after_sign_off_voids_it_and_keeps_it_with_the_change(
    save, staff_a, county_a, auditor1_a, auditor2
):
    rec = save(staff_a, county_a, "1000.00", "800.00", "Some cash late")
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    writes.cashflow_sign(reconciliation=rec, user=auditor2, result="failed", note="Vague")
    rec = save(staff_a, county_a, "1000.00", "800.00", "Bank deposit of 200.00 on Nov 2", version=1)
    assert rec.status == "pending" and rec.version == 2
    signoffs = list(CashFlowSignOff.objects.order_by("level"))
    assert [s.voided for s in signoffs] == [True, True]
    assert "explanation changed" in signoffs[0].voided_by_change
    assert "staff_a" in signoffs[0].voided_by_change
    # Signed afresh on the new figures.
    writes.cashflow_sign(reconciliation=rec, user=auditor1_a, result="passed")
    assert CashFlowSignOff.objects.live().count() == 1


def test_relative_difference_ranks_by_share_of_the_receivable():
    assert relative_difference(Decimal("1000"), Decimal("990")) == Decimal("0.0100")
    assert relative_difference(Decimal("0"), Decimal("0")) == Decimal("0")
    assert relative_difference(Decimal("0"), Decimal("5")) is None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrent transactions")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("version", [0, 1])
def test_two_writers_of_the_same_version_at_once_one_wins(version, time_machine):
    time_machine.move_to("2026-11-17T09:00:00+08:00", tick=False)
    county = County.objects.create(code="C01", name="Alpha", kind="district", sort_order=1)
    writers = [make_user(f"w{n}", "county_staff", county) for n in (1, 2)]
    if version:
        writes.cashflow_save(
            user=writers[0],
            county=county,
            month=OCTOBER,
            receivable="5",
            received="5",
            explanation="",
            version=0,
        )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(user, received):
        try:
            barrier.wait()
            writes.cashflow_save(
                user=user,
                county=county,
                month=OCTOBER,
                receivable="5",
                received=received,
                explanation="fee",
                version=version,
            )
            outcomes.append("saved")
        except writes.CashFlowConflict:
            outcomes.append("conflict")
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(user, received))
        for user, received in zip(writers, ("6", "7"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert CashFlowReconciliation.objects.get().version == version + 1
    assert connection.vendor == "postgresql"
