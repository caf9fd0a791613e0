"""The arrears datasets of the upload pipeline (docs/file-formats.md): ``accounts`` and ``bills``.

Both may hold a million rows, so they run in the background (Celery, tracked by the ImportJob)
and stream validated rows into a staging table instead of memory; the write is one set-based
upsert (``arrears.bulk.staging``). After a successful import the county snapshots are
retaken once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrears.bulk import partitions, side_load, staging
from arrears.models import Account, account_number
from arrears.services import accounts, bill_months
from arrears.tasks import take_snapshots
from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES
from marketing_ops.periods import DateWindow, Month, business_window

_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?\Z")
#: The wider windows of two account dates (``periods.business_window`` for the others).
ACCOUNTS_OPENED_FROM = 1980
CONTRACT_YEARS_AHEAD = 50
_ACCOUNTS_LOCK_KEY = 0x61636374  # "acct"
_PLAIN_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}\Z")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,31}\Z")


# The staging table takes text: these columns validate a cell as tabular's do but hand on the
# plain ISO or decimal text, so no Decimal or date object is built and formatted again for each
# of a million rows. (So their ``parse`` returns text where the parent's returns a value.)


class BillingMonth(tabular.MonthColumn):
    """``YYYY-MM`` staged as the month's first day (``YYYY-MM-01``), how bills keep a month."""

    def value(self, month: Month) -> str:
        return month.first_day.isoformat()


class Phone(tabular.Text):
    """A contact phone: digits, with the spaces, dashes, parentheses and leading ``+`` people
    write them with."""

    def parse(self, raw: Any) -> str:
        text = super().parse(raw).strip()
        if not _PHONE.match(text):
            raise ValueError(
                _("%(text)r is not a phone number: use digits, with spaces, dashes or a leading +")
                % {"text": text}
            )
        return text


class StagedDate(tabular.Date):
    def value(self, day: dt.date) -> str:
        return day.isoformat()


class StagedMoney(tabular.Money):
    def parse(self, raw: Any) -> str:  # type: ignore[override]  # staged as text, see above
        if raw.__class__ is str and _PLAIN_AMOUNT.match(raw):
            return raw  # digits with at most two places, not negative: already what we store
        if raw.__class__ is float or raw.__class__ is int:
            # A spreadsheet's number: its shortest text (43.08 → "43.08") when that is plain.
            text = repr(raw)
            if _PLAIN_AMOUNT.match(text):
                return text
        return str(super().parse(raw))


PAID_ON = StagedDate("paid_on", required=False)


def _plain_amount(number: str, text: str) -> str:
    """SQL: the amount ``number`` PostgreSQL read from the cell ``text`` is the value the column
    type would take from it. PostgreSQL reads more than the type does (spaces, a plus sign, an
    exponent, leading zeros, a minus sign, NaN, places beyond two, which it rounds); only a cell
    written exactly as PostgreSQL writes the number back (digits, a point and at most two places,
    not negative, below 10^12) is let through. Other rows are left out, so the file is declined
    and the row-by-row pass reads or names them. (As cheap as the cast; a regular expression
    cost a second more per million cells.)"""
    return (
        f"{number}::text = {text} AND {text} NOT LIKE '%%.___%%' "
        f"AND {number} >= 0 AND {number} < 1000000000000"
    )


def _within(day: str, window: DateWindow) -> str:
    """SQL: the date ``day`` lies in ``window`` (dates we computed, not user input)."""
    return f"{day} BETWEEN DATE '{window.first.isoformat()}' AND DATE '{window.last.isoformat()}'"


def _first_month(header: tabular.CsvHeader) -> Month | None:
    """The first data row's billing month, written exactly as ``YYYY-MM``; else None."""
    position = header.positions.get("billing_month")
    if position is None or position >= len(header.first_row):
        return None
    text = header.first_row[position]
    if not _PLAIN_MONTH.match(text):
        return None
    try:
        return business_window().check_month(Month.parse(text))
    except ValueError:
        return None


def _month(day: Any) -> Month:
    """A staged billing month (a date, or ISO text on SQLite) as a Month."""
    return Month.of(day if isinstance(day, dt.date) else dt.date.fromisoformat(day))


def _suffix(ctx: tabular.ImportContext) -> str:
    return str(ctx.job.pk if ctx.job is not None and ctx.job.pk else id(ctx))


def _types(pairs: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Pick the PostgreSQL or SQLite type of each staging column."""
    postgres = connection.vendor == "postgresql"
    return [(name, pg if postgres else lite) for name, pg, lite in pairs]


def _schedule_snapshots(ctx: tabular.ImportContext) -> None:
    """Retake the county snapshots once the import has committed (docs/rules.md#arrears)."""
    as_of = timezone.localdate(ctx.now).isoformat()
    transaction.on_commit(lambda: take_snapshots.delay(as_of))


class _StagedDataset(tabular.Dataset):
    roles = WRITING_ROLES
    run_async = True
    stage_row_numbers = True
    batch_size = 20_000
    # Duplicates are found in SQL on the staging table (with their rows), not in a Python dict.
    key_columns = ()
    staging_columns: list[tuple[str, str, str]]

    def table(self, ctx: tabular.ImportContext) -> staging.StagingTable:
        return ctx.state["table"]

    def begin(self, ctx: tabular.ImportContext) -> None:
        table = staging.StagingTable(
            f"arrears_stage_{self.name}_{_suffix(ctx)}", _types(self.staging_columns)
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
    label = gettext_lazy("Arrears accounts")
    description = gettext_lazy(
        "Customer accounts; existing account numbers are updated. County staff may "
        "only import accounts of their county."
    )
    columns = (
        tabular.Text("account_no", max_length=32),
        tabular.CountyCode("county_code"),
        tabular.BusinessLineCode("business_line"),
        tabular.Text("customer_name", max_length=200),
        # Fixed lines opened long before the business window began are still billed.
        StagedDate("opened_on", first_year=ACCOUNTS_OPENED_FROM),
        tabular.Choice("status", Account.Status.values),
        StagedDate("status_changed_on", required=False),
        # A contract may run for decades ahead (a dedicated line's lease).
        StagedDate("contract_end", required=False, years_ahead=CONTRACT_YEARS_AHEAD),
        StagedMoney("deposit", required=False),
        Phone("contact_phone", max_length=32, required=False),
        tabular.Text("address", max_length=300, required=False),
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
        ("contact_phone", "text", "text"),
        ("address", "text", "text"),
    ]

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        errors = []
        if not cast(re.Pattern[str], account_number.regex).match(values[0]):
            errors.append(
                (
                    "account_no",
                    _("%(rule)s Got %(value)r.")
                    % {"rule": account_number.message, "value": values[0]},
                )
            )
        opened_on, changed_on = values[4], values[6]
        if changed_on is not None and changed_on < opened_on:
            errors.append(
                ("status_changed_on", _("is before opened_on (%(day)s)") % {"day": opened_on})
            )
        return errors

    def errors_across_rows(self, ctx: tabular.ImportContext) -> tabular.ImportRejected | None:
        """Account numbers the file repeats and, for a county user, numbers another county
        holds (a county user may add accounts and update their own, not another county's)."""
        table = self.table(ctx)
        own = ctx.county_id if not ctx.city_wide else None
        return tabular.merged(
            staging.duplicate_errors(table, ["account_no"], "account_no", _("account {}")),
            self._outside_county(table, own, ctx) if own is not None else None,
        )

    #: The columns an import writes, after the key.
    WRITTEN = (
        "county_id",
        "business_line_id",
        "customer_name",
        "opened_on",
        "status",
        "status_changed_on",
        "contract_end",
        "deposit",
    )
    #: Contact details collectors add: an empty cell, or a file without the column, keeps
    #: what is stored (the billing system's export may not carry them).
    KEPT_WHEN_EMPTY = ("contact_phone", "address")

    def apply(self, ctx: tabular.ImportContext) -> int:
        """Update the accounts the file changes, insert the new ones; an account the file
        repeats exactly is not written at all (a month's full list of a million accounts
        changes a few thousand). Returns the rows applied: every row of the file."""
        table = self.table(ctx)
        table.analyze()
        staging.more_memory_for_this_transaction()
        if connection.vendor == "postgresql":
            # Serialises accounts imports, before any check reads the accounts: two inserting
            # the same new account would collide, and a county's check could pass on a number
            # another county's import is about to add.
            staging.execute("SELECT pg_advisory_xact_lock(%s)", [_ACCOUNTS_LOCK_KEY])
        rejected = self.errors_across_rows(ctx)
        if rejected:
            raise rejected
        own = ctx.county_id if not ctx.city_wide else None
        moved = self._moved_account_ids(table, ctx)
        differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
        changed = " OR ".join(
            [f"a.{column} {differs} s.{column}" for column in self.WRITTEN]
            + [
                f"(s.{column} IS NOT NULL AND a.{column} <> s.{column})"
                for column in self.KEPT_WHEN_EMPTY
            ]
        )
        guard = "AND a.county_id = %s" if own is not None else ""
        # Renewals (docs/rules.md#renewals): contracts the file moves later, compared with
        # the stored rows before the update overwrites them; one INSERT … SELECT.
        staging.execute(
            "INSERT INTO arrears_renewal (account_id, old_contract_end, new_contract_end, "
            f"recorded_at) SELECT a.id, a.contract_end, s.contract_end, %s FROM {table.name} s "
            "JOIN arrears_account a ON a.account_no = s.account_no "
            f"WHERE s.contract_end > a.contract_end {guard}",
            [
                connection.ops.adapt_datetimefield_value(ctx.now),
                *([own] if own is not None else []),
            ],
        )
        staging.execute(
            "UPDATE arrears_account AS a SET "
            + ", ".join(
                [f"{column} = s.{column}" for column in self.WRITTEN]
                + [
                    f"{column} = COALESCE(s.{column}, a.{column})"
                    for column in self.KEPT_WHEN_EMPTY
                ]
            )
            + f" FROM {table.name} AS s WHERE a.account_no = s.account_no AND ({changed}) {guard}",
            [own] if own is not None else [],
        )
        columns = ", ".join(("account_no", *self.WRITTEN, *self.KEPT_WHEN_EMPTY))
        selected = ", ".join(
            ("account_no", *self.WRITTEN, *(f"COALESCE({c}, '')" for c in self.KEPT_WHEN_EMPTY))
        )
        staging.execute(
            f"INSERT INTO arrears_account ({columns}) SELECT {selected} FROM {table.name} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM arrears_account a WHERE a.account_no = s.account_no)"
        )
        accounts.bills_follow_accounts(moved)
        _schedule_snapshots(ctx)
        return ctx.state["staged"]

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
    def _outside_county(
        table: staging.StagingTable, own: int, ctx: tabular.ImportContext
    ) -> tabular.ImportRejected | None:
        """Rows naming an account number another county holds, or None. Account numbers are unique
        city-wide, so the row is refused (it would take the account over); the message names
        neither the county nor that the account exists there
        (docs/roles-and-scoping.md#county-scoping: another county's
        account is indistinguishable from a nonexistent one), only who may not import it."""
        sql = (
            f"FROM {table.name} s JOIN arrears_account a ON a.account_no = s.account_no "
            f"WHERE a.county_id <> %s"
        )
        total = staging.fetch(f"SELECT COUNT(*) {sql}", [own])[0][0]
        if not total:
            return None
        rows = staging.fetch(
            f"SELECT s.row_no, s.account_no {sql} ORDER BY s.row_no LIMIT %s",
            [own, staging.max_errors()],
        )
        own_code = next((code for code, pk in ctx.counties.items() if pk == own), _("your county"))
        return staging.rows_to_errors(
            [
                (
                    row_no,
                    "account_no",
                    _(
                        "account %(no)s cannot be imported by %(county)s: "
                        "ask the city marketing department"
                    )
                    % {"no": no, "county": own_code},
                )
                for row_no, no in rows
            ],
            total,
        )


@tabular.register
class BillsDataset(_StagedDataset):
    name = "bills"
    label = gettext_lazy("Arrears bills")
    description = gettext_lazy(
        "Monthly bills of existing accounts, usually one month per file; a bill "
        "imported again for the same account and month is updated, never doubled."
    )
    columns = (
        tabular.Text("account_no", max_length=32),
        BillingMonth("billing_month"),
        StagedMoney("amount_billed"),
        StagedMoney("amount_paid"),
        PAID_ON,
    )
    staging_columns = [
        ("row_no", "integer", "integer"),
        ("account_no", "text", "text"),
        ("billing_month", "date", "text"),
        ("amount_billed", "numeric(14,2)", "numeric"),
        ("amount_paid", "numeric(14,2)", "numeric"),
        ("paid_on", "date", "text"),
    ]

    copies_csv = True
    KEY = ["account_no", "billing_month"]
    DESCRIBE = gettext_lazy("bill of account {} for {}")

    def errors_across_rows(self, ctx: tabular.ImportContext) -> tabular.ImportRejected | None:
        table = self.table(ctx)
        own = ctx.county_id if not ctx.city_wide else None
        return tabular.merged(
            staging.duplicate_errors(table, self.KEY, "account_no", self.DESCRIBE),
            self._unmatched(table, own),
        )

    def apply(self, ctx: tabular.ImportContext) -> int:
        table = self.table(ctx)
        table.analyze()
        staging.more_memory_for_this_transaction()
        key, describe = self.KEY, self.DESCRIBE
        if connection.vendor != "postgresql":
            rejected = staging.duplicate_errors(table, key, "account_no", describe)
            if rejected:
                raise rejected
        own = ctx.county_id if not ctx.city_wide else None
        scope = "a.county_id = %s" if own is not None else "true"
        months = staging.fetch(
            f"SELECT billing_month, COUNT(*) FROM {table.name} GROUP BY billing_month ORDER BY 1"
        )
        written = 0
        try:
            for day, rows in months:
                # Bills copy their account's county so per-county figures need no join.
                written += bill_months.write_month(
                    month=_month(day),
                    select_sql=(
                        f"SELECT a.id AS account_id, a.county_id, s.amount_billed, "
                        f"s.amount_paid, s.paid_on FROM {table.name} s "
                        f"JOIN arrears_account a ON a.account_no = s.account_no "
                        f"WHERE s.billing_month = %s AND {scope}"
                    ),
                    params=[day, *([own] if own is not None else [])],
                    rows=rows,
                )
        except partitions.DuplicateBills:
            rejected = staging.duplicate_errors(table, key, "account_no", describe)
            if rejected is None:  # the database saw a duplicate the staged rows do not show
                raise
            raise rejected
        if written < ctx.state["staged"]:
            raise self._unmatched(table, own)
        _schedule_snapshots(ctx)
        return written

    # The direct CSV load (PostgreSQL): the file is COPied as text into a TEMP table and written
    # by one INSERT … SELECT that converts each cell and keeps only the rows whose cells mean
    # exactly what the column types would read from them. Only the usual file (one month,
    # every cell plain, every account known and in scope, no key twice) is written this way;
    # anything else is declined and takes the row-by-row pass, which names every problem. So
    # the two paths accept the same files.

    def copy_csv(
        self, source: Any, header: tabular.CsvHeader, ctx: tabular.ImportContext
    ) -> int | None:
        if connection.vendor != "postgresql":
            return None
        month = _first_month(header)
        if month is None:
            return None
        name, width = f"arrears_raw_{self.name}_{_suffix(ctx)}", len(header.names)
        raw: staging.RawCsvTable | None = None
        if side_load.usable(source):
            raw = side_load.SideCsvTables(name, width, parts=settings.ARREARS_IMPORT_STREAMS)
            try:
                rows = raw.copy_from(source)
            except side_load.SidesUnavailable:
                raw = None
        if raw is None:
            raw = staging.RawCsvTable(name, width)
            rows = raw.copy_from(source)
        if rows is None:
            raw.drop()
            return None
        ctx.state.update(raw=raw, raw_rows=rows, raw_month=month, raw_header=header)
        return rows

    def apply_copied(self, ctx: tabular.ImportContext) -> int | None:
        raw: staging.RawCsvTable = ctx.state["raw"]
        rows: int = ctx.state["raw_rows"]
        month: Month = ctx.state["raw_month"]
        cell = {
            name: raw.column(ctx.state["raw_header"].positions.get(name))
            for name in self.column_names()
        }
        own = ctx.county_id if not ctx.city_wide else None
        scope = "AND a.county_id = %s" if own is not None else ""
        paid_on = PAID_ON.window()
        select_sql = (
            f"SELECT a.id AS account_id, a.county_id, v.billed AS amount_billed, "
            f"v.paid AS amount_paid, v.paid_on FROM ("
            f"  SELECT {cell['account_no']} AS account_no, {cell['billing_month']} AS month, "
            f"  {cell['amount_billed']} AS billed_text, {cell['amount_paid']} AS paid_text, "
            f"  {cell['paid_on']} AS paid_on_text, "
            # Read as numeric, not numeric(14,2): the column's rounding is spent once, on the
            # write, and the checks below leave only values it keeps as they are.
            f"  {cell['amount_billed']}::numeric AS billed, "
            f"  {cell['amount_paid']}::numeric AS paid, "
            f"  NULLIF({cell['paid_on']}, '')::date AS paid_on "
            # OFFSET 0 keeps the subquery whole, so each cell is converted once, not per use.
            f"  FROM {raw.name} OFFSET 0"
            f") v JOIN arrears_account a ON a.account_no = v.account_no "
            f"WHERE v.month = %s "
            f"AND {_plain_amount('v.billed', 'v.billed_text')} "
            f"AND {_plain_amount('v.paid', 'v.paid_text')} "
            f"AND (v.paid_on_text IS NULL OR v.paid_on_text = '' "
            f"     OR (v.paid_on::text = v.paid_on_text AND {_within('v.paid_on', paid_on)})) "
            f"{scope}"
        )
        for setting in staging.checked_select_settings():
            staging.execute(f"SET LOCAL {setting}")
        try:
            written = bill_months.write_month(
                month=month,
                select_sql=select_sql,
                params=[str(month), *([own] if own is not None else [])],
                rows=rows,
                sides=raw if isinstance(raw, side_load.SideCsvTables) else None,
            )
        except (partitions.DuplicateBills, DataError):
            return None  # a key twice, or a cell PostgreSQL cannot convert
        if written != rows:
            return None  # a row of another month, a cell not as plain, an account not found
        staging.execute("RESET enable_nestloop")
        _schedule_snapshots(ctx)
        return written

    def discard(self, ctx: tabular.ImportContext) -> None:
        raw = ctx.state.get("raw")
        if raw is not None:
            raw.drop()
        super().discard(ctx)

    @staticmethod
    def _unmatched(table: staging.StagingTable, own: int | None) -> tabular.ImportRejected:
        """Rows naming an account the uploader cannot see: an unknown one or, for a county
        user, another county's. Both get the same message: another county's account must be
        indistinguishable from one that does not exist (docs/roles-and-scoping.md#county-scoping),
        so its county is not even
        looked up."""
        outside = "OR a.county_id <> %s" if own is not None else ""
        params = [own] if own is not None else []
        sql = (
            f"FROM {table.name} s LEFT JOIN arrears_account a ON a.account_no = s.account_no "
            f"WHERE a.id IS NULL {outside}"
        )
        total = staging.fetch(f"SELECT COUNT(*) {sql}", params)[0][0]
        rows = staging.fetch(
            f"SELECT s.row_no, s.account_no {sql} ORDER BY s.row_no LIMIT %s",
            [*params, staging.max_errors()],
        )
        return staging.rows_to_errors(
            [
                (
                    row_no,
                    "account_no",
                    _("unknown account %(no)s: import it with the accounts first") % {"no": no},
                )
                for row_no, no in rows
            ],
            total,
        )
