"""The SQL of writing a month of bills (docs/rules.md#accounts-and-bills, bench/README.md#targets),
behind ``services.bill_months``.

On PostgreSQL ``arrears_bill`` is partitioned by billing month (migration 0004). A file that
brings a large part of a month is written by **rebuilding the month**: its rows go into a fresh
table, the month's bills the file does not mention are carried over, the indexes are built once
in bulk, and the table is swapped in as the month's partition. That costs one bulk insert and
three index builds of one month, instead of a million index updates into a year of bills; the
swap happens at the end of the import's transaction, so readers see the old month or the new,
never a mix. A small file (a correction of a few accounts) is upserted in place instead.

SQLite has one plain table: every write is the upsert.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from arrears.bulk.side_load import SideCsvTables
from arrears.bulk.staging import execute as _execute
from arrears.bulk.staging import fetch as _fetch
from arrears.bulk.staging import upsert_or_cardinality
from marketing_ops.periods import Month

PARENT = "arrears_bill"
DEFAULT_PARTITION = "arrears_bill_default"
#: Rebuild a month when the file brings at least this share of the bills it already has.
REBUILD_SHARE = 0.25
#: Serialises bills writes: two months swapped at once could deadlock on the parent's locks.
_LOCK_KEY = 0x61727265  # "arre"

COLUMNS = "account_id, county_id, billing_month, amount_billed, amount_paid, paid_on"
SEQUENCE = "arrears_bill_id_seq"


class DuplicateBills(Exception):
    """The source names the same account twice for one month."""


def partition_name(month: Month) -> str:
    return f"{PARENT}_m{month.year:04d}{month.month:02d}"


def lock_bills() -> None:
    """Hold the bills write lock until the transaction ends (PostgreSQL; taking it again in the
    same transaction is free)."""
    if connection.vendor == "postgresql":
        _execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


# --------------------------------------------------------------------------- upsert


def upsert(month: Month, select_sql: str, params: Sequence[Any]) -> int:
    sql = (
        f"INSERT INTO {PARENT} ({COLUMNS}) "
        f"SELECT account_id, county_id, %s, amount_billed, amount_paid, paid_on "
        # "WHERE true": SQLite would read ON CONFLICT as a join constraint without it.
        f"FROM ({select_sql}) AS source WHERE true "
        f"ON CONFLICT (account_id, billing_month) DO UPDATE SET "
        f"county_id = EXCLUDED.county_id, amount_billed = EXCLUDED.amount_billed, "
        f"amount_paid = EXCLUDED.amount_paid, paid_on = EXCLUDED.paid_on"
    )
    written = upsert_or_cardinality(sql, [month.first_day, *params])
    if written is None:
        raise DuplicateBills
    return written


def received(sides: SideCsvTables, select_sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """The rows the sides yield, COPied into a TEMP table of the import's connection (dropped
    at commit), and the SELECT that reads them back."""
    table = f"arrears_bills_received_{uuid.uuid4().hex[:12]}"
    _execute(
        f"CREATE TEMP TABLE {table} (account_id bigint, county_id bigint, "
        f"amount_billed numeric(14,2), amount_paid numeric(14,2), paid_on date) ON COMMIT DROP"
    )
    columns = "account_id, county_id, amount_billed, amount_paid, paid_on"
    sides.copy_rows_into(
        table, columns, f"SELECT {columns} FROM ({select_sql}) AS source", params, freeze=False
    )
    return f"SELECT {columns} FROM {table}", []


# --------------------------------------------------------------------------- rebuild


def should_rebuild(month: Month, rows: int) -> bool:
    existing = _existing_rows(month)
    return existing == 0 or rows >= existing * REBUILD_SHARE


def _existing_rows(month: Month) -> int:
    """Bills already stored for ``month``: the planner's count of its partition (exact after the
    index builds of every rebuild), or a count of its rows in the default partition."""
    estimate = _fetch_one(
        "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [partition_name(month)]
    )
    if estimate is not None and estimate >= 0:
        return int(estimate)
    return _fetch_one(f"SELECT COUNT(*) FROM {PARENT} WHERE billing_month = %s", [month.first_day])


def rebuild(
    month: Month, select_sql: str, params: Sequence[Any], sides: SideCsvTables | None
) -> int:
    first, following = month.first_day, month.shift(1).first_day
    load = f"{PARENT}_load_{uuid.uuid4().hex[:12]}"
    _execute(
        f"SET LOCAL maintenance_work_mem = '{int(settings.ARREARS_IMPORT_MAINTENANCE_MEM_MB)}MB'"
    )
    # LIKE copies the columns, NOT NULLs, the id sequence default and the CHECK constraints; the
    # month's own CHECK lets ATTACH skip scanning the table for rows of another month.
    _execute(f"CREATE TABLE {load} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    _execute(
        f"ALTER TABLE {load} ADD CONSTRAINT {load}_month "
        f"CHECK (billing_month >= %s AND billing_month < %s)",
        [first, following],
    )
    source = (
        f"SELECT account_id, county_id, %s::date, amount_billed, amount_paid, paid_on "
        f"FROM ({select_sql}) AS source"
    )
    if sides is None:
        written = _execute(f"INSERT INTO {load} ({COLUMNS}) {source}", [first, *params])
    else:
        # FREEZE: the table is this transaction's own, so its rows are written visible to all
        # and its pages all-visible; the VACUUM after the import has nothing left to do there.
        written = sides.copy_rows_into(
            load,
            COLUMNS,
            source,
            [first, *params],
            freeze=True,
            first_id=_reserve_ids(sum(sides.part_rows)),
        )
    old = partition_name(month)
    exists = _fetch_one("SELECT to_regclass(%s) IS NOT NULL", [old])
    # The month's bills the file does not mention stay as they were (with their ids).
    _execute(
        f"INSERT INTO {load} (id, {COLUMNS}) "
        f"SELECT o.id, o.account_id, o.county_id, o.billing_month, o.amount_billed, "
        f"o.amount_paid, o.paid_on FROM {PARENT} o WHERE o.billing_month = %s "
        f"AND NOT EXISTS (SELECT 1 FROM {load} n WHERE n.account_id = o.account_id)",
        [first],
    )
    _build_indexes(load)
    if exists:
        _execute(f"ALTER TABLE {PARENT} DETACH PARTITION {old}")
        _execute(f"DROP TABLE {old}")
    else:
        _execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE billing_month = %s", [first])
    _execute(
        f"ALTER TABLE {PARENT} ATTACH PARTITION {load} FOR VALUES FROM (%s) TO (%s)",
        [first, following],
    )
    _execute(f"ALTER TABLE {load} DROP CONSTRAINT {load}_month")
    _rename(load, old)
    # Statistics of the month column alone (a sample, ~40 ms): without them the planner guesses
    # that few of the partition's rows are of its month, and sums the month totals that follow
    # by sorting a million bills instead of hashing them on every core (0.26 s against 0.08 s).
    # The index builds have counted the rows (reltuples, read by _existing_rows); the
    # VACUUM (ANALYZE) after every import gathers the other columns' statistics.
    _execute(f"ANALYZE {old} (billing_month)")
    return written


def _reserve_ids(count: int) -> int:
    """The first of ``count`` consecutive bill ids that nothing else will take.

    ``ALTER SEQUENCE`` (which changes nothing here) locks the sequence until the transaction
    ends, so no other session's ``nextval`` falls between ours and the ``setval`` that moves the
    sequence past the range. A bill saved meanwhile waits for the import, as its month totals
    refresh would anyway."""
    _execute(f"ALTER SEQUENCE {SEQUENCE} INCREMENT BY 1")
    first = _fetch_one("SELECT nextval(%s)", [SEQUENCE])
    if count > 1:
        _execute("SELECT setval(%s, %s)", [SEQUENCE, first + count - 1])
    return first


def _build_indexes(load: str) -> None:
    """The parent's constraints and indexes, built on the loaded table in bulk; ATTACH then
    adopts them instead of building its own. Taken from the catalogue, so a migration that
    changes an index of the parent changes it here too."""
    constraints = _fetch(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype, conname",
        [PARENT],
    )
    try:
        with transaction.atomic():
            for name, definition in constraints:
                _execute(f"ALTER TABLE {load} ADD CONSTRAINT {load}_{name} {definition}")
    except IntegrityError as exc:
        raise DuplicateBills from exc
    indexes = _fetch(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [PARENT],
    )
    for name, definition in indexes:
        # "CREATE INDEX name ON ONLY public.arrears_bill USING btree (...)" → on the load table.
        columns = definition.split(" USING ", 1)[1]
        _execute(f"CREATE INDEX {load}_{name} ON {load} USING {columns}")


def _rename(load: str, partition: str) -> None:
    _execute(f"ALTER TABLE {load} RENAME TO {partition}")
    for (index,) in _fetch(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass",
        [partition],
    ):
        if index.startswith(load):
            _execute(f"ALTER INDEX {index} RENAME TO {partition}{index[len(load) :]}")
    for (constraint,) in _fetch(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [partition]
    ):
        if constraint.startswith(load):
            renamed = partition + constraint[len(load) :]
            _execute(f"ALTER TABLE {partition} RENAME CONSTRAINT {constraint} TO {renamed}")


# --------------------------------------------------------------------------- statistics


def refresh_bill_statistics() -> None:
    """After a bulk import: fresh planner statistics, and a visibility map that lets the
    indicator queries read the new month from the indexes alone. Autovacuum would get there,
    but a month is under its 20 % threshold on a year of bills. PostgreSQL only, and only
    outside a transaction (VACUUM cannot run inside one)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        _execute(f"VACUUM (ANALYZE) {PARENT}")


# --------------------------------------------------------------------------- SQL helpers


def _fetch_one(sql: str, params: Sequence[Any] = ()) -> Any:
    rows = _fetch(sql, params)
    return rows[0][0] if rows else None
