"""Writes of the refund and dismantle records the daily datasets import, followed by the
verification rules over the dates they touched (docs/rules.md#verification-items)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from audits.models import DismantleRecord, RefundRecord
from audits.services import rules

#: A refunds row as the dataset hands it on:
#: business_date, county id, account_no, order_no, refund_type, amount, operator.
RefundRow = tuple[dt.date, int, str, str, str, Decimal, str | None]
#: A dismantles row: business_date, county id, account_no, order_no, business line id,
#: terminal_serial, terminal_returned, reason.
DismantleRow = tuple[dt.date, int, str, str, int, str | None, bool, str | None]


def _upsert_on_order_no(
    model: type[RefundRecord] | type[DismantleRecord], records: Sequence, fields: list[str]
) -> None:
    """Insert ``records``, or update ``fields`` (and the import time) of the ones whose order
    number is already on record: the same orders imported again are updated, never doubled."""
    model.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["order_no"],
        update_fields=[*fields, "imported_at"],
        batch_size=2000,
    )


@transaction.atomic
def refunds_write(*, rows: Sequence[RefundRow]) -> int:
    """Upsert the refunds on ``order_no`` and run R1, R2, R3, R6 over their dates."""
    records = [
        RefundRecord(
            business_date=day,
            county_id=county_id,
            account_no=account_no,
            order_no=order_no,
            refund_type=refund_type,
            amount=amount,
            operator=operator or "",
        )
        for day, county_id, account_no, order_no, refund_type, amount, operator in rows
    ]
    _upsert_on_order_no(
        RefundRecord,
        records,
        ["business_date", "county", "account_no", "refund_type", "amount", "operator"],
    )
    if records:
        days = [r.business_date for r in records]
        rules.rules_run_refunds(start=min(days), end=max(days))
    return len(records)


@transaction.atomic
def dismantles_write(*, rows: Sequence[DismantleRow]) -> int:
    """Upsert the dismantles on ``order_no``, run R4 and R5 over their dates and close the open
    R2 items they explain."""
    records = [
        DismantleRecord(
            business_date=day,
            county_id=county_id,
            account_no=account_no,
            order_no=order_no,
            business_line_id=line_id,
            terminal_serial=serial or "",
            terminal_returned=returned,
            reason=reason or "",
        )
        for day, county_id, account_no, order_no, line_id, serial, returned, reason in rows
    ]
    _upsert_on_order_no(
        DismantleRecord,
        records,
        [
            "business_date",
            "county",
            "account_no",
            "business_line",
            "terminal_serial",
            "terminal_returned",
            "reason",
        ],
    )
    if records:
        days = [r.business_date for r in records]
        rules.rules_run_dismantles(start=min(days), end=max(days))
    return len(records)
