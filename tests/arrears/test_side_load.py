"""The direct CSV load through side connections (arrears.bulk.side_load): the parts of a
large bills file are COPied and checked by side connections while the import's connection
writes what they produce. The same files must give the same result as the row-by-row pass, a
side's failure must decline the file and leave nothing behind, and no side connection may
outlive its import.

Side connections see only committed rows, so the PostgreSQL tests here are transactional (and,
as the flush after each takes the migrations' rows with it, make the business lines they use)."""

import datetime as dt
import io
import struct
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from arrears.bulk import side_load
from arrears.imports import BillsDataset
from arrears.models import Account, Bill
from arrears.services import bill_totals
from marketing_ops.models import BusinessLine, ImportJob
from marketing_ops.services import import_submit
from tests.arrears.conftest import bulk_accounts
from tests.arrears.test_bill_months import ACCOUNTS, SAME_RESULT_FILES, bills, outcome

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="side connections are PostgreSQL's"
)
committed = pytest.mark.django_db(transaction=True)


# --------------------------------------------------------------------------- cutting the file


def _pieces(data: bytes, parts: int) -> list[bytes]:
    return [data[start:end] for start, end in side_load.line_bounds(io.BytesIO(data), parts)]


def test_the_file_is_cut_into_whole_lines_that_add_up_to_it():
    data = b"".join(b"line %d,%s\n" % (n, b"x" * (n % 7)) for n in range(1000))
    for parts in (2, 3, 4, 7):
        pieces = _pieces(data, parts)
        assert b"".join(pieces) == data
        assert len(pieces) == parts
        assert all(piece.endswith(b"\n") for piece in pieces)


def test_a_file_with_a_quote_is_one_piece_as_a_quoted_cell_may_hold_a_line_break():
    data = b'a,b\n1,"two\nlines"\n3,4\n' * 50
    assert _pieces(data, 2) == [data]


def test_a_small_file_gives_no_empty_pieces():
    assert _pieces(b"header\nrow\n", 8) == [b"header\n", b"row\n"]
    assert _pieces(b"header only", 2) == [b"header only"]
    assert _pieces(b"", 2) == []


# --------------------------------------------------------------------------- the merged stream

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)


def _tuple(value: int) -> bytes:
    return struct.pack("!hiq", 1, 8, value)


def test_the_rows_of_several_sides_reach_the_import_as_one_binary_copy_stream():
    stream = side_load._MergedStream(2)

    def side(values: range) -> None:
        rows = stream.producer()
        rows.write(HEADER + _tuple(values[0]))  # the header comes with the first row
        for value in values[1:]:
            rows.write(_tuple(value))
        rows.write(b"\xff\xff")
        rows.flush()
        stream.finished()

    sides = [threading.Thread(target=side, args=(r,)) for r in (range(0, 5000), range(5000, 9000))]
    for thread in sides:
        thread.start()
    received = b""
    while chunk := stream.read(65536):
        received += chunk
    for thread in sides:
        thread.join()
    assert received.startswith(HEADER) and received.endswith(b"\xff\xff")
    body = received[len(HEADER) : -2]
    values = [struct.unpack("!hiq", body[i : i + 14])[2] for i in range(0, len(body), 14)]
    assert sorted(values) == list(range(9000))


def test_a_side_gives_up_when_the_import_stops_reading():
    stream = side_load._MergedStream(1)
    rows = stream.producer()
    rows.write(HEADER)
    stream.stop()
    with pytest.raises(side_load._Stopped):
        for _ in range(side_load._QUEUED + 2):
            rows.write(b"x" * side_load._CHUNK)


# --------------------------------------------------------------------------- imports (PostgreSQL)


@pytest.fixture
def lines(transactional_db, settings):
    settings.ARREARS_IMPORT_STREAM_MIN_BYTES = 0  # every file takes the side connections
    for code in ("BROADBAND", "FIXED_PHONE"):
        BusinessLine.objects.get_or_create(code=code, defaults={"name": code.title()})
    return BusinessLine.objects.get(code="BROADBAND")


@pytest.fixture
def committed_accounts(lines, county_a, county_b, admin_user):
    job = import_submit(
        dataset="accounts",
        fileobj=io.BytesIO(ACCOUNTS.encode()),
        file_name="accounts.csv",
        user=admin_user,
        background=False,
    )
    assert job.status == ImportJob.Status.DONE, job.errors


def _submit(text: str, user):
    data = text.encode("latin-1" if "\xe9" in text else "utf-8")
    return import_submit(
        dataset="bills",
        fileobj=io.BytesIO(data),
        file_name="bills.csv",
        user=user,
        background=False,
    )


def _sides_open(wait: float = 10.0) -> int:
    """Side connections still open on the server. A server process ends a little after its
    client closes the connection (it rolls back and drops its TEMP table first), so the count is
    read again until it is 0 or ``wait`` seconds have passed."""
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s",
                [side_load.APPLICATION_NAME],
            )
            count = cursor.fetchone()[0]
        if count == 0 or time.monotonic() >= deadline:
            return count
        time.sleep(0.05)


def _load_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_class WHERE relname LIKE 'arrears_bill_load_%%'")
        return cursor.fetchone()[0]


@pytest.fixture
def sides_used(monkeypatch):
    """How many times the rows came through side connections."""
    used = []
    copy = side_load.SideCsvTables.copy_rows_into

    def spy(self, *args, **kwargs):
        used.append(len(self.sides))
        return copy(self, *args, **kwargs)

    monkeypatch.setattr(side_load.SideCsvTables, "copy_rows_into", spy)
    return used


#: Files that exercise every way out of the direct load: written, declined by a check, a cell
#: PostgreSQL cannot read, a file COPY cannot read, one piece only (a quote).
SIDE_FILES = [
    "plain",
    "three decimal places",
    "a negative amount",
    "not a number",
    "an impossible date",
    "a date in another format",
    "two months",
    "an unknown account last",
    "the same bill twice",
    "a blank line",
    "a short row",
    "quoted cells and an extra column",
    "a BOM and CRLF",
    "not UTF-8",
]


@postgres_only
@committed
@pytest.mark.parametrize("name", SIDE_FILES)
def test_the_side_load_and_the_row_by_row_pass_give_the_same_result(
    name, committed_accounts, admin_user, monkeypatch
):
    text = SAME_RESULT_FILES[name]
    with monkeypatch.context() as patched, transaction.atomic():
        patched.setattr(BillsDataset, "copies_csv", False)
        row_by_row = outcome(_submit(text, admin_user))
        transaction.set_rollback(True)
    assert outcome(_submit(text, admin_user)) == row_by_row
    assert _sides_open() == 0
    assert _load_tables() == 0


@postgres_only
@committed
def test_the_sides_show_on_the_server_by_name_while_they_work_and_are_gone_after(
    committed_accounts, admin_user, monkeypatch
):
    seen = []
    copy = side_load.SideCsvTables.copy_rows_into

    def counting(self, *args, **kwargs):
        seen.append(_sides_open(wait=0))
        return copy(self, *args, **kwargs)

    monkeypatch.setattr(side_load.SideCsvTables, "copy_rows_into", counting)
    job = _submit(SAME_RESULT_FILES["plain"], admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (seen, _sides_open()) == ([2], 0)


@postgres_only
@committed
def test_a_plain_file_is_written_by_two_sides(committed_accounts, admin_user, sides_used):
    text = bills("A-001,2026-01,0.25,0,2026-09-01", "A-002,2026-01,1.25,1,2026-09-02")
    job = _submit(text, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert sides_used == [2]
    assert sorted(Bill.objects.values_list("account__account_no", "amount_billed", "paid_on")) == [
        ("A-001", Decimal("0.25"), dt.date(2026, 9, 1)),
        ("A-002", Decimal("1.25"), dt.date(2026, 9, 2)),
    ]
    assert bill_totals.differences() == []


@postgres_only
@committed
def test_a_month_of_many_bills_comes_through_both_sides_whole(
    lines, county_a, admin_user, sides_used
):
    bulk_accounts(county_a, lines, "M", 6000)
    text = bills(*(f"M-{n:04d},2026-03,{n}.10,{n % 50}," for n in range(1, 6001)))
    job = _submit(text, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.rows, job.applied, sides_used) == (6000, 6000, [2])
    assert Bill.objects.count() == 6000
    assert sum(Bill.objects.values_list("amount_billed", flat=True)) == sum(
        Decimal(f"{n}.10") for n in range(1, 6001)
    )
    assert bill_totals.differences() == []
    # The sides numbered the bills from a range taken from the ids' sequence: no id twice, and
    # a bill saved afterwards gets an id beyond them.
    ids = list(Bill.objects.values_list("id", flat=True))
    assert len(set(ids)) == 6000
    later = Bill.objects.create(
        account=Account.objects.get(account_no="M-0001"),
        county=county_a,
        billing_month=dt.date(2026, 4, 1),
        amount_billed=Decimal("1.00"),
        amount_paid=Decimal("0.00"),
    )
    assert later.pk > max(ids)


@postgres_only
@committed
def test_a_month_imported_again_through_the_sides_keeps_the_bills_the_file_leaves_out(
    committed_accounts, admin_user, sides_used
):
    _submit(SAME_RESULT_FILES["plain"], admin_user)
    text = bills("A-001,2026-03,111.00,0,", "A-002,2026-03,60.5,60.5,2026-04-09")
    job = _submit(text, admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert sorted(Bill.objects.values_list("account__account_no", "amount_billed")) == [
        ("A-001", Decimal("111.00")),
        ("A-002", Decimal("60.50")),
        ("B-001", Decimal("75.00")),  # not in the second file: kept
    ]
    assert sides_used == [2, 2]
    assert bill_totals.differences() == []


@postgres_only
@committed
def test_a_small_correction_through_the_sides_updates_the_month_in_place(
    committed_accounts, admin_user, settings, sides_used, make_account, county_a
):
    for number in range(3, 8):
        make_account(f"A-{number:03d}", county_a)
    _submit(bills(*(f"A-{n:03d},2026-03,10.00,0," for n in range(1, 8))), admin_user)
    settings.ARREARS_IMPORT_STREAMS = 1
    kept = Bill.objects.get(account__account_no="A-005").pk
    job = _submit(bills("A-005,2026-03,10.00,10.00,2026-04-09"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    bill = Bill.objects.get(account__account_no="A-005")
    assert (bill.pk, bill.amount_paid) == (kept, Decimal("10.00"))  # upserted, not rebuilt
    assert Bill.objects.count() == 7
    assert sides_used == [2, 1]
    assert bill_totals.differences() == []


@postgres_only
@committed
def test_a_county_user_through_the_sides_is_refused_another_countys_account(
    committed_accounts, staff_a
):
    job = _submit(bills("A-001,2026-03,1.00,0,", "B-001,2026-03,2.00,0,"), staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3
    assert job.errors[0]["message"] == "unknown account B-001: import it with the accounts first"
    assert not Bill.objects.exists()


@postgres_only
@committed
def test_a_cell_a_side_cannot_read_declines_the_file_which_the_row_by_row_pass_names(
    committed_accounts, admin_user, sides_used
):
    # The bad cell is in the second part: the first side is writing by then.
    job = _submit(bills("A-001,2026-03,1.00,0,", "B-001,2026-03,12x,0,"), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "amount_billed"
    assert not Bill.objects.exists()
    assert (_sides_open(), _load_tables()) == (0, 0)


@postgres_only
@committed
def test_without_side_connections_the_import_loads_the_file_itself(
    committed_accounts, admin_user, monkeypatch, sides_used
):
    def refused():
        raise side_load.SidesUnavailable  # e.g. the server's connection limit

    monkeypatch.setattr(side_load, "_connect", refused)
    job = _submit(SAME_RESULT_FILES["plain"], admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.applied, sides_used) == (3, [])


@pytest.mark.django_db
def test_sides_are_not_used_inside_a_callers_transaction(settings):
    settings.ARREARS_IMPORT_STREAM_MIN_BYTES = 0
    # The test runs in a transaction: side connections could not see its rows.
    assert side_load.usable(io.BytesIO(b"x" * 100)) is False


@postgres_only
@committed
def test_a_side_failing_for_another_reason_fails_the_import_and_leaves_nothing(
    committed_accounts, admin_user, monkeypatch
):
    def broken(self, data):
        raise RuntimeError("the side's rows could not be handed over")

    monkeypatch.setattr(side_load._Producer, "write", broken)
    with pytest.raises(RuntimeError):
        _submit(SAME_RESULT_FILES["plain"], admin_user)
    job = ImportJob.objects.get(dataset="bills")
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error" in job.errors[0]["message"]
    assert not Bill.objects.exists()
    assert (_sides_open(), _load_tables()) == (0, 0)


@postgres_only
@pytest.mark.celery_worker
def test_a_real_celery_worker_imports_a_bills_file_through_the_sides(
    celery_worker_live, committed_accounts, admin_user, sides_used
):
    from tests.arrears.test_background_import import finished

    data = SAME_RESULT_FILES["plain"].encode()
    job = import_submit(
        dataset="bills",
        fileobj=io.BytesIO(data),
        file_name="bills.csv",
        user=admin_user,
        background=True,
    )
    assert job.status == ImportJob.Status.QUEUED
    job = finished(job)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.rows, job.applied, sides_used) == (3, 3, [2])
    assert Bill.objects.count() == 3
    assert bill_totals.differences() == []
