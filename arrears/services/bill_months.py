"""Writing a month of bills (docs/rules.md#accounts-and-bills, bench/README.md#targets): the
set-based write behind the bills import.

A file that brings a large part of a month rebuilds the month's partition; a small one (a
correction of a few accounts) is upserted in place; SQLite always upserts. The SQL of both lives
in ``arrears.bulk.partitions``; this service chooses between them and keeps the month's totals in
step in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from arrears.bulk import partitions
from arrears.bulk.side_load import SideCsvTables
from arrears.services import bill_totals
from marketing_ops.periods import Month


def write_month(
    *,
    month: Month,
    select_sql: str,
    params: Sequence[Any],
    rows: int,
    sides: SideCsvTables | None = None,
) -> int:
    """Write the bills of ``month`` that ``select_sql`` yields and return how many it wrote.

    ``select_sql`` yields ``account_id, county_id, amount_billed, amount_paid, paid_on`` (and
    nothing of another month); ``rows`` is how many rows the file has for the month. With
    ``sides`` it runs on the side connections (over their parts of the file) and the rows arrive
    by COPY. Raises ``partitions.DuplicateBills`` when one account appears twice. Runs inside the
    import's transaction, and refreshes the month's totals (``BillMonthTotal``) in it.
    """
    partitions.lock_bills()
    if connection.vendor == "postgresql" and partitions.should_rebuild(month, rows):
        written = partitions.rebuild(month, select_sql, params, sides)
    else:
        if sides is not None:
            select_sql, params = partitions.received(sides, select_sql, params)
        written = partitions.upsert(month, select_sql, params)
    bill_totals.refresh([month.first_day])
    return written
