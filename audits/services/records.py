"""Writes of the refund and dismantle records the daily datasets import, followed by the
verification rules over the dates they touched (docs/rules.md#verification-items)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone

from audits.models import DismantleRecord, RefundRecord
from audits.services import rules

#: A refunds row as the dataset hands it on:
#: business_date, county id, account_no, order_no, refund_type, amount, operator.
RefundRow = tuple[dt.date, int, str, str, str, Decimal, str | None]
#: A dismantles row: business_date, county id, account_no, order_no, business line id,
#: terminal_serial, terminal_returned, reason.
DismantleRow = tuple[dt.date, int, str, str, int, str | None, bool, str | None]


_Record = TypeVar("_Record", RefundRecord, DismantleRecord)


def _upsert_on_order_no(
    model: type[_Record], columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Insert ``rows`` (values of ``columns``, ``order_no`` among them), or update the columns
    (and the import time) of the orders already on record: the same orders imported again are
    updated, never doubled.

    PostgreSQL: the rows go by ``COPY`` into a TEMP table and on with one ``INSERT … SELECT …
    ON CONFLICT (order_no) DO UPDATE`` (a day's 20,000 rows in one statement, no model instance
    per row); SQLite: ``bulk_create`` with the same conflict rule."""
    if not rows:
        return
    updated: list[str] = [column for column in columns if column != "order_no"]
    blank: set[str] = {f.column for f in model._meta.concrete_fields if f.blank and not f.null}
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [
                model(
                    **{
                        column: "" if value is None and column in blank else value
                        for column, value in zip(columns, row, strict=True)
                    }
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["order_no"],
            update_fields=[*updated, "imported_at"],
            batch_size=2000,
        )
        return
    table, load = model._meta.db_table, "audits_orders_load"
    names = ", ".join(columns)
    selected = ", ".join(
        f"coalesce({column}, '')" if column in blank else column for column in columns
    )
    buffer = io.StringIO()
    # CSV: an empty unquoted field is read as NULL, hence the coalesce of the blank columns.
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {load}")
        cursor.execute(f"CREATE TEMP TABLE {load} AS SELECT {names} FROM {table} WITH NO DATA")
        cursor.copy_expert(f"COPY {load} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute(
            f"INSERT INTO {table} ({names}, imported_at) SELECT {selected}, %s FROM {load} "
            f"ON CONFLICT (order_no) DO UPDATE SET "
            + ", ".join(f"{column} = EXCLUDED.{column}" for column in [*updated, "imported_at"]),
            [timezone.now()],
        )
        cursor.execute(f"DROP TABLE {load}")


@transaction.atomic
def refunds_write(*, rows: Sequence[RefundRow]) -> int:
    """Upsert the refunds on ``order_no`` and run R1, R2, R3, R6 over their dates."""
    _upsert_on_order_no(
        RefundRecord,
        [
            "business_date",
            "county_id",
            "account_no",
            "order_no",
            "refund_type",
            "amount",
            "operator",
        ],
        rows,
    )
    if rows:
        days = [row[0] for row in rows]
        rules.rules_run_refunds(start=min(days), end=max(days))
    return len(rows)


@transaction.atomic
def dismantles_write(*, rows: Sequence[DismantleRow]) -> int:
    """Upsert the dismantles on ``order_no``, run R4 and R5 over their dates and close the open
    R2 items they explain."""
    _upsert_on_order_no(
        DismantleRecord,
        [
            "business_date",
            "county_id",
            "account_no",
            "order_no",
            "business_line_id",
            "terminal_serial",
            "terminal_returned",
            "reason",
        ],
        rows,
    )
    if rows:
        days = [row[0] for row in rows]
        rules.rules_run_dismantles(start=min(days), end=max(days))
    return len(rows)
