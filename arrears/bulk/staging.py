"""Bulk writes of the accounts and bills imports (docs/rules.md#accounts-and-bills,
docs/file-formats.md): a staging table per import,
filled while the file streams, then one set-based upsert inside the import's transaction.

PostgreSQL: the staging table is a TEMP table (no WAL) filled with ``COPY … FROM STDIN`` outside
the final transaction; the upsert is ``INSERT … SELECT … ON CONFLICT … DO UPDATE``. SQLite: the
same SQL over a TEMP table filled with ``executemany``. Checks that need the whole file
(duplicate keys, unknown accounts, accounts outside the uploader's county) run in SQL on the
staging table, so no million keys are held in Python; they name the row of each problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from marketing_ops.tabular import ImportRejected, RowError


@dataclass(frozen=True)
class StagingTable:
    """A TEMP table of one import; ``columns`` are ``(name, SQL type)``, ``row_no`` first."""

    name: str
    columns: Sequence[tuple[str, str]]

    @property
    def column_list(self) -> str:
        return ", ".join(name for name, _ in self.columns)

    def create(self) -> None:
        definition = ", ".join(f"{name} {sql_type}" for name, sql_type in self.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(f"CREATE TEMP TABLE {self.name} ({definition})")

    def load(self, rows: Sequence[tuple]) -> None:
        """Append validated rows (tuples in column order, row number first)."""
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                # CSV format: the writer quotes commas, quotes and newlines in names; None is
                # written as an empty unquoted field, which COPY reads as NULL.
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                cursor.copy_expert(
                    f"COPY {self.name} ({self.column_list}) FROM STDIN WITH (FORMAT csv)", buffer
                )
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.name} ({self.column_list}) VALUES ({marks})",
                    [tuple(_plain(v) for v in row) for row in rows],
                )

    def analyze(self) -> None:
        # Fresh statistics let PostgreSQL pick a hash join against the accounts table.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.name}")

    def drop(self) -> None:
        drop_table(self.name)


@dataclass(frozen=True)
class RawCsvTable:
    """A TEMP table of text columns ``c0 … c{width-1}``, one per column of a CSV file, filled by
    ``COPY`` straight from the upload (PostgreSQL): the direct CSV load's staging."""

    name: str
    width: int

    def column(self, position: int | None) -> str:
        """SQL for the cell at a file position; a column the file lacks reads as NULL."""
        return f"c{position}" if position is not None else "NULL::text"

    def copy_from(self, source: IO[bytes]) -> int | None:
        """COPY the whole file (its header line skipped); its data rows, or None when PostgreSQL
        cannot read it as CSV of this width (then nothing is left behind)."""
        from psycopg2 import errors as pg_errors

        columns = ", ".join(f"c{i} text" for i in range(self.width))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({columns})")
                cursor.copy_expert(
                    f"COPY {self.name} FROM STDIN WITH (FORMAT csv, HEADER true)", source
                )
                return cursor.rowcount
        except pg_errors.DataError:
            # A row of another width, a broken quote, text that is not UTF-8, a NUL byte.
            return None

    def drop(self) -> None:
        drop_table(self.name)


def drop_table(name: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    except DatabaseError:
        # The connection may already be gone (then so is its TEMP table).
        pass


def _plain(value: Any) -> Any:
    # SQLite stores dates as ISO text and decimals as numbers; hand it plain values.
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def more_memory_for_this_transaction() -> None:
    """Let the upsert hash a million accounts in memory instead of in batches on disk; reset
    when the import's transaction ends (``SET LOCAL``)."""
    if connection.vendor == "postgresql":
        execute(f"SET LOCAL work_mem = '{int(settings.ARREARS_IMPORT_WORK_MEM_MB)}MB'")


def checked_select_settings() -> list[str]:
    """The session settings (``name = value``) the direct CSV load's checked SELECT runs under,
    in the import's connection or a side's: memory to hash a million accounts, dates read back
    as YYYY-MM-DD, and a hash join whatever a fresh table's estimates."""
    return [
        f"work_mem = '{int(settings.ARREARS_IMPORT_WORK_MEM_MB)}MB'",
        "DateStyle = 'ISO, YMD'",
        "enable_nestloop = off",
    ]


def rows_to_errors(
    rows: Sequence[tuple[int, str, str]], total: int | None = None
) -> ImportRejected:
    return ImportRejected([RowError(row, column, message) for row, column, message in rows], total)


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def max_errors() -> int:
    return int(settings.UPLOAD_MAX_ERRORS)


def duplicate_errors(
    table: StagingTable, key: Sequence[str], column: str, describe: str | Promise
) -> ImportRejected | None:
    """Rows whose ``key`` already appeared in an earlier row of the file, or None."""
    keys = ", ".join(key)
    joined = " AND ".join(f"d.{k} = f.{k}" for k in key)
    rows = fetch(
        f"SELECT d.row_no, f.first_row, {', '.join('d.' + k for k in key)} "
        f"FROM {table.name} d JOIN ("
        f"  SELECT {keys}, MIN(row_no) AS first_row FROM {table.name} "
        f"  GROUP BY {keys} HAVING COUNT(*) > 1"
        f") f ON {joined} WHERE d.row_no <> f.first_row ORDER BY d.row_no LIMIT %s",
        [max_errors()],
    )
    if not rows:
        return None
    return rows_to_errors(
        [
            (
                row_no,
                column,
                _("duplicate %(what)s: also in row %(first)s")
                % {"what": str(describe).format(*values), "first": first},
            )
            for row_no, first, *values in rows
        ]
    )


def upsert_or_cardinality(sql: str, params: Sequence[Any]) -> int | None:
    """Run an ``INSERT … ON CONFLICT DO UPDATE``; None when PostgreSQL refuses it because the
    same key appears twice in the file (then the caller reports the duplicates)."""
    if connection.vendor != "postgresql":
        return execute(sql, params)
    from psycopg2 import errors as pg_errors

    try:
        with transaction.atomic():
            return execute(sql, params)
    except DatabaseError as exc:
        if isinstance(exc.__cause__, pg_errors.CardinalityViolation):
            return None
        raise
