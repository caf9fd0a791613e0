"""The arrears datasets of the upload pipeline (SPEC §9): ``accounts`` and ``bills``.

Both may hold a million rows, so they run in the background (Celery, tracked by the ImportJob)
and stream validated rows into a staging table instead of memory; the write is one set-based
upsert (``arrears.services.imports``). After a successful import the county snapshots are
retaken once the transaction commits.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from arrears.models import Account, Bill
from arrears.services import imports as staging
from marketing_ops import tabular
from marketing_ops.access import Role

IMPORT_ROLES = (Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF)
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?\Z")


# The staging table takes text: these columns validate a cell as tabular's do but hand on the
# plain ISO or decimal text, so no Decimal or date object is built and formatted again for each
# of a million rows.


class BillingMonth(tabular.MonthColumn):
    """``YYYY-MM`` staged as the month's first day (``YYYY-MM-01``), how bills keep a month."""

    def parse(self, raw: Any) -> str:
        return super().parse(raw).first_day.isoformat()


class StagedDate(tabular.Date):
    def parse(self, raw: Any) -> str:
        return super().parse(raw).isoformat()


class StagedMoney(tabular.Money):
    def parse(self, raw: Any) -> str:
        if raw.__class__ is str and _PLAIN_AMOUNT.match(raw):
            return raw  # digits with at most two places, not negative: already what we store
        return str(super().parse(raw))


def _types(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Pick the PostgreSQL or SQLite type of each staging column."""
    postgres = connection.vendor == "postgresql"
    return [(name, pg if postgres else lite) for name, pg, lite in pairs]


def _schedule_snapshots(ctx: tabular.ImportContext) -> None:
    """Retake the county snapshots once the import has committed (SPEC §4.2)."""
    from arrears.tasks import take_snapshots

    as_of = timezone.localdate(ctx.now).isoformat()
    transaction.on_commit(lambda: take_snapshots.delay(as_of))


class _StagedDataset(tabular.Dataset):
    roles = IMPORT_ROLES
    run_async = True
    stage_row_numbers = True
    batch_size = 20_000
    # Duplicates are found in SQL on the staging table (with their rows), not in a Python dict.
    key_columns = ()
    staging_columns: list[tuple[str, str, str]]

    def table(self, ctx: tabular.ImportContext) -> staging.StagingTable:
        return ctx.state["table"]

    def begin(self, ctx: tabular.ImportContext) -> None:
        suffix = ctx.job.pk if ctx.job is not None and ctx.job.pk else id(ctx)
        table = staging.StagingTable(
            f"arrears_stage_{self.name}_{suffix}", _types(self.staging_columns)
        )
        table.create()
        ctx.state.update(table=table, staged=0)

    def stage(self, batch: list[tuple], ctx: tabular.ImportContext) -> None:
        self.table(ctx).load(batch)
        ctx.state["staged"] += len(batch)

    def discard(self, ctx: tabular.ImportContext) -> None:
        table = ctx.state.get("table")
        if table is not None:
            table.drop()
        ctx.state.clear()


@tabular.register
class AccountsDataset(_StagedDataset):
    name = "accounts"
    label = "Arrears accounts"
    description = (
        "Customer accounts (SPEC §9); existing account numbers are updated. County staff may "
        "only import accounts of their county."
    )
    columns = (
        tabular.Text("account_no", max_length=32),
        tabular.CountyCode("county_code"),
        tabular.BusinessLineCode("business_line"),
        tabular.Text("customer_name", max_length=200),
        StagedDate("opened_on"),
        tabular.Choice("status", Account.Status.values),
        StagedDate("status_changed_on", required=False),
        StagedDate("contract_end", required=False),
        StagedMoney("deposit", required=False),
    )
    staging_columns = [
        ("row_no", "integer", "integer"),
        ("account_no", "text", "text"),
        ("county_id", "bigint", "integer"),
        ("business_line_id", "bigint", "integer"),
        ("customer_name", "text", "text"),
        ("opened_on", "date", "text"),
        ("status", "text", "text"),
        ("status_changed_on", "date", "text"),
        ("contract_end", "date", "text"),
        ("deposit", "numeric(14,2)", "numeric"),
    ]

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        opened_on, changed_on = values[4], values[6]
        if changed_on is not None and changed_on < opened_on:
            return [("status_changed_on", f"is before opened_on ({opened_on})")]
        return []

    def apply(self, ctx: tabular.ImportContext) -> int:
        table = self.table(ctx)
        table.analyze()
        staging.more_memory_for_this_transaction()
        if connection.vendor != "postgresql":
            rejected = staging.duplicate_errors(table, ["account_no"], "account_no", "account {}")
            if rejected:
                raise rejected
        moved = self._moved_account_ids(table, ctx)
        own = ctx.county_id if not ctx.city_wide else None
        # A county user may add accounts and update their own; an account of another county is
        # left untouched by the WHERE below and reported.
        guard = "WHERE arrears_account.county_id = %s" if own is not None else ""
        written = staging.upsert_or_cardinality(
            f"INSERT INTO arrears_account (account_no, county_id, business_line_id, "
            f"customer_name, opened_on, status, status_changed_on, contract_end, deposit) "
            f"SELECT account_no, county_id, business_line_id, customer_name, opened_on, status, "
            f"status_changed_on, contract_end, deposit FROM {table.name} WHERE true "
            f"ON CONFLICT (account_no) DO UPDATE SET county_id = EXCLUDED.county_id, "
            f"business_line_id = EXCLUDED.business_line_id, "
            f"customer_name = EXCLUDED.customer_name, opened_on = EXCLUDED.opened_on, "
            f"status = EXCLUDED.status, status_changed_on = EXCLUDED.status_changed_on, "
            f"contract_end = EXCLUDED.contract_end, deposit = EXCLUDED.deposit {guard}",
            [own] if own is not None else [],
        )
        if written is None:
            raise staging.duplicate_errors(table, ["account_no"], "account_no", "account {}")
        if own is not None and written < ctx.state["staged"]:
            raise self._outside_county(table, own)
        if moved:
            self._move_bills(moved)
        _schedule_snapshots(ctx)
        return written

    @staticmethod
    def _moved_account_ids(table: staging.StagingTable, ctx: tabular.ImportContext) -> list[int]:
        """Existing accounts the file moves to another county (city users only)."""
        if not ctx.city_wide:
            return []
        return [
            row[0]
            for row in staging.fetch(
                f"SELECT a.id FROM {table.name} s JOIN arrears_account a "
                f"ON a.account_no = s.account_no WHERE a.county_id <> s.county_id"
            )
        ]

    @staticmethod
    def _move_bills(account_ids: list[int]) -> None:
        # Bills carry their account's county for the per-county aggregates: keep it in step.
        from django.db.models import OuterRef, Subquery

        county = Account.objects.filter(pk=OuterRef("account_id")).values("county_id")[:1]
        for start in range(0, len(account_ids), 10_000):
            chunk = account_ids[start : start + 10_000]
            Bill.objects.filter(account_id__in=chunk).update(county_id=Subquery(county))

    @staticmethod
    def _outside_county(table: staging.StagingTable, own: int) -> tabular.ImportRejected:
        sql = (
            f"FROM {table.name} s JOIN arrears_account a ON a.account_no = s.account_no "
            f"JOIN marketing_ops_county c ON c.id = a.county_id WHERE a.county_id <> %s"
        )
        total = staging.fetch(f"SELECT COUNT(*) {sql}", [own])[0][0]
        rows = staging.fetch(
            f"SELECT s.row_no, s.account_no, c.code {sql} ORDER BY s.row_no LIMIT %s",
            [own, staging.max_errors()],
        )
        return staging.rows_to_errors(
            [
                (row_no, "account_no", f"account {no} belongs to county {code}, not yours")
                for row_no, no, code in rows
            ],
            total,
        )


@tabular.register
class BillsDataset(_StagedDataset):
    name = "bills"
    label = "Arrears bills"
    description = (
        "Monthly bills of existing accounts (SPEC §9), usually one month per file; a bill "
        "imported again for the same account and month is updated, never doubled."
    )
    columns = (
        tabular.Text("account_no", max_length=32),
        BillingMonth("billing_month"),
        StagedMoney("amount_billed"),
        StagedMoney("amount_paid"),
        StagedDate("paid_on", required=False),
    )
    staging_columns = [
        ("row_no", "integer", "integer"),
        ("account_no", "text", "text"),
        ("billing_month", "date", "text"),
        ("amount_billed", "numeric(14,2)", "numeric"),
        ("amount_paid", "numeric(14,2)", "numeric"),
        ("paid_on", "date", "text"),
    ]

    def apply(self, ctx: tabular.ImportContext) -> int:
        table = self.table(ctx)
        table.analyze()
        staging.more_memory_for_this_transaction()
        key = ["account_no", "billing_month"]
        describe = "bill of account {} for {}"
        if connection.vendor != "postgresql":
            rejected = staging.duplicate_errors(table, key, "account_no", describe)
            if rejected:
                raise rejected
        own = ctx.county_id if not ctx.city_wide else None
        scope = "a.county_id = %s" if own is not None else "true"
        # Bills copy their account's county so per-county figures need no join to accounts.
        written = staging.upsert_or_cardinality(
            f"INSERT INTO arrears_bill (account_id, county_id, billing_month, amount_billed, "
            f"amount_paid, paid_on) "
            f"SELECT a.id, a.county_id, s.billing_month, s.amount_billed, s.amount_paid, "
            f"s.paid_on FROM {table.name} s JOIN arrears_account a "
            f"ON a.account_no = s.account_no WHERE {scope} "
            # In key order, each insert touches the unique index's pages one after the other.
            f"ORDER BY a.id "
            f"ON CONFLICT (account_id, billing_month) DO UPDATE SET "
            f"county_id = EXCLUDED.county_id, amount_billed = EXCLUDED.amount_billed, "
            f"amount_paid = EXCLUDED.amount_paid, paid_on = EXCLUDED.paid_on",
            [own] if own is not None else [],
        )
        if written is None:
            raise staging.duplicate_errors(table, key, "account_no", describe)
        if written < ctx.state["staged"]:
            raise self._unmatched(table, own)
        _schedule_snapshots(ctx)
        return written

    @staticmethod
    def _unmatched(table: staging.StagingTable, own: int | None) -> tabular.ImportRejected:
        """Rows naming an unknown account or (for a county user) another county's account."""
        outside = "OR a.county_id <> %s" if own is not None else ""
        params = [own] if own is not None else []
        sql = (
            f"FROM {table.name} s LEFT JOIN arrears_account a ON a.account_no = s.account_no "
            f"LEFT JOIN marketing_ops_county c ON c.id = a.county_id "
            f"WHERE a.id IS NULL {outside}"
        )
        total = staging.fetch(f"SELECT COUNT(*) {sql}", params)[0][0]
        rows = staging.fetch(
            f"SELECT s.row_no, s.account_no, c.code {sql} ORDER BY s.row_no LIMIT %s",
            [*params, staging.max_errors()],
        )
        return staging.rows_to_errors(
            [
                (
                    row_no,
                    "account_no",
                    f"unknown account {no}: import it with the accounts first"
                    if code is None
                    else f"account {no} belongs to county {code}, not yours",
                )
                for row_no, no, code in rows
            ],
            total,
        )
