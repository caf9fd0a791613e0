"""The direct CSV load of a large bills file through side connections (PostgreSQL,
bench/README.md#targets).

In the plain direct load one backend does all the work one after the other: the COPY of the
file, the casts, checks and account join of every row, and the write of the month. Here most of
it runs side by side, on as many cores as the database has to give:

- the file is cut at line boundaries into ``ARREARS_IMPORT_STREAMS`` parts (one part when it
  holds a quote, which might hide a line break inside a cell), and each part is COPied at the
  same time by its own side connection into a TEMP table of that connection, all with one name;
- each side runs the same checked ``SELECT`` over its part and sends the rows out as binary
  ``COPY … TO STDOUT``;
- the import's own connection writes them with one ``COPY … FROM STDIN (FORMAT binary)``
  (FREEZE into a month's fresh table) while the sides still produce them, taking chunks of
  rows from whichever side has one ready.

A side connection sees only what is committed, so the sides are used only when the import runs
in no transaction of its caller's, whose accounts they could not see (``usable``); otherwise
the plain direct load runs, in the import's connection. A side that fails makes the write fail
with a DataError, as a cell PostgreSQL cannot convert does in the plain load: the file is then
declined and takes the row-by-row pass, which names every problem.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import DataError, connection

from arrears.bulk.staging import RawCsvTable, checked_select_settings

logger = logging.getLogger(__name__)

#: Bytes read from the upload at a time (a part's COPY, the quote scan); bytes of rows handed
#: from a side to the import at a time.
_CHUNK = 1 << 20
#: Chunks of rows that may wait for the import's connection (memory: _QUEUED × _CHUNK).
_QUEUED = 32
#: How the side connections name themselves to the server (``pg_stat_activity``).
APPLICATION_NAME = "marketing_ops bills import side"


class SidesUnavailable(Exception):
    """No side connection could be opened (e.g. the server's connection limit)."""


def usable(source: IO[bytes]) -> bool:
    """Whether a file this large is worth side connections, and they would see what the import's
    connection sees (no caller's transaction is open)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    if int(settings.ARREARS_IMPORT_STREAMS) < 1:
        return False
    return _size(source) >= int(settings.ARREARS_IMPORT_STREAM_MIN_BYTES)


@dataclass(frozen=True)
class SideCsvTables(RawCsvTable):
    """``RawCsvTable`` spread over side connections: each holds a TEMP table ``name`` with one
    part of the file, in the file's columns ``c0 … c{width-1}``."""

    parts: int = 2
    sides: list[Any] = field(default_factory=list, compare=False, repr=False)
    #: The data rows of each side's part, in the file's order.
    part_rows: list[int] = field(default_factory=list, compare=False, repr=False)

    def copy_from(self, source: IO[bytes]) -> int | None:
        """COPY the parts at once; the data rows of the whole file, or None when PostgreSQL
        cannot read a part as CSV of this width. Raises SidesUnavailable."""
        from psycopg2 import errors as pg_errors

        bounds = line_bounds(source, self.parts)
        try:
            self.sides.extend(_connect() for _ in bounds)
        except Exception as exc:
            self.drop()
            raise SidesUnavailable from exc
        lock = threading.Lock()
        columns = ", ".join(f"c{i} text" for i in range(self.width))

        def load(side: Any, start: int, end: int) -> int:
            with side.cursor() as cursor:
                cursor.execute(f"CREATE TEMP TABLE {self.name} ({columns})")
                header = "true" if start == 0 else "false"
                cursor.copy_expert(
                    f"COPY {self.name} FROM STDIN WITH (FORMAT csv, HEADER {header})",
                    _Range(source, lock, start, end),
                    size=_CHUNK,
                )
                return cursor.rowcount

        spans = zip(self.sides, bounds, strict=True)
        results = _run_all([(load, (side, start, end)) for side, (start, end) in spans])
        for outcome in results:
            if isinstance(outcome, pg_errors.DataError):
                # A row of another width, a broken quote, text that is not UTF-8, a NUL byte.
                return None
            if isinstance(outcome, BaseException):
                self.drop()
                raise outcome
        self.part_rows[:] = results
        return sum(results)

    def copy_rows_into(
        self,
        table: str,
        columns: str,
        select_sql: str,
        params: Sequence[Any],
        *,
        freeze: bool,
        first_id: int | None = None,
    ) -> int:
        """Run ``select_sql`` over every part and write its rows into ``table`` (``columns``, in
        the select's order and types) of the import's connection; the rows written. FREEZE needs
        ``table`` created in the current transaction. With ``first_id``, the rows also get ids
        (column ``id``) from ``first_id`` on, at most one per row of the file, so that the import
        does not draw them from a sequence one by one. Raises DataError when a side fails."""
        options = "FORMAT binary, FREEZE" if freeze else "FORMAT binary"
        if first_id is not None:
            columns = f"id, {columns}"
        copy_in = f"COPY {table} ({columns}) FROM STDIN ({options})"
        copy_out = []
        offset = first_id
        for side, rows in zip(self.sides, self.part_rows, strict=True):
            with side.cursor() as cursor:
                query = cursor.mogrify(select_sql, list(params)).decode()
            if offset is not None:
                # This part's ids follow the earlier parts' (the file's rows, at most).
                query = (
                    f"SELECT {offset - 1}::bigint + row_number() OVER () AS id, s.* "
                    f"FROM ({query}) AS s"
                )
                offset += rows
            copy_out.append(f"COPY ({query}) TO STDOUT (FORMAT binary)")
        stream = _MergedStream(len(self.sides))
        failures: list[BaseException | None] = [None] * len(self.sides)

        def produce(index: int) -> None:
            rows = stream.producer()
            try:
                with self.sides[index].cursor() as cursor:
                    cursor.copy_expert(copy_out[index], rows)
                rows.flush()
            except BaseException as exc:
                failures[index] = exc
                stream.stop()  # the import's COPY ends; the file will be declined
            finally:
                stream.finished()

        threads = [threading.Thread(target=produce, args=(i,)) for i in range(len(self.sides))]
        for thread in threads:
            thread.start()
        try:
            with connection.wrap_database_errors, connection.cursor() as cursor:
                cursor.copy_expert(copy_in, stream, _CHUNK)
                written = cursor.rowcount
            _reraise(failures)
        except BaseException:
            stream.stop()  # a side waiting to hand over rows gives up
            for side in self.sides:
                _cancel(side)
            raise
        finally:
            for thread in threads:
                thread.join()
        return written

    def drop(self) -> None:
        """Close the side connections; their TEMP tables go with them."""
        for side in self.sides:
            with contextlib.suppress(Exception):  # already gone
                side.close()
        self.sides.clear()


#: A binary COPY stream's fixed header (signature, flags, no extension) and its trailer.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_BINARY_TRAILER = b"\xff\xff"


class _MergedStream:
    """One binary COPY stream made of the tuples of several: the file-like object the import's
    ``COPY … FROM STDIN`` reads while the sides' ``COPY … TO STDOUT`` write into their
    ``producer()``s. Each side's rows are handed over in chunks of whole tuples, in whatever
    order the sides produce them; at most ``_QUEUED`` chunks wait at a time."""

    def __init__(self, producers: int) -> None:
        self.chunks: queue.Queue[bytes] = queue.Queue(maxsize=_QUEUED)
        self.running = producers
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.started = False

    def producer(self) -> _Producer:
        return _Producer(self)

    def put(self, chunk: bytes) -> None:
        while not self.stopped.is_set():
            try:
                self.chunks.put(chunk, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Stopped

    def finished(self) -> None:
        """A side is done (or failed): the last one ends the stream."""
        with self.lock:
            self.running -= 1
            last = self.running == 0
        if last:
            with contextlib.suppress(_Stopped):
                self.put(b"")

    def stop(self) -> None:
        self.stopped.set()

    def read(self, size: int = -1) -> bytes:
        if not self.started:
            self.started = True
            return _BINARY_HEADER
        while not self.stopped.is_set():
            try:
                chunk = self.chunks.get(timeout=0.1)
            except queue.Empty:
                continue
            if chunk:
                return chunk
            self.stopped.set()  # the end, once
            return _BINARY_TRAILER
        return b""  # stopped: a side failed, and the file will be declined


class _Producer:
    """What a side's ``COPY … TO STDOUT (FORMAT binary)`` writes into, one tuple per call: the
    header (with the first tuple) and the trailer are left out, the tuples gathered in chunks."""

    def __init__(self, stream: _MergedStream) -> None:
        self.stream = stream
        self.buffer = bytearray()
        self.first = True

    def write(self, data: bytes) -> None:
        if self.first:
            self.first = False
            if not data.startswith(_BINARY_HEADER):
                raise DataError("unexpected binary COPY header")
            data = data[len(_BINARY_HEADER) :]
        elif data == _BINARY_TRAILER:
            return
        self.buffer += data
        if len(self.buffer) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.stream.put(bytes(self.buffer))
            self.buffer.clear()


class _Stopped(Exception):
    """The import stopped reading the rows."""


def line_bounds(source: IO[bytes], parts: int) -> list[tuple[int, int]]:
    """``(start, end)`` byte offsets of up to ``parts`` non-empty pieces of the file, each ending
    at a line break; one piece when the file holds a quote character (a quoted cell may hold a
    line break, which is not the end of a row)."""
    size = _size(source)
    if parts < 2 or _holds_quote(source):
        return [(0, size)]
    cuts = [0]
    for k in range(1, parts):
        source.seek(max(size * k // parts, cuts[-1]))
        source.readline()
        cuts.append(source.tell())
    cuts.append(size)
    source.seek(0)
    return [(start, end) for start, end in zip(cuts, cuts[1:], strict=False) if end > start]


@dataclass
class _Range:
    """A file-like reader of ``[start, end)`` of a file several threads read at once."""

    source: IO[bytes]
    lock: threading.Lock
    start: int
    end: int

    def read(self, size: int = -1) -> bytes:
        left = self.end - self.start
        if size < 0 or size > left:
            size = left
        if size <= 0:
            return b""
        with self.lock:
            self.source.seek(self.start)
            data = self.source.read(size)
        self.start += len(data)
        return data


def _connect() -> Any:
    """A side connection with the import's session settings. All it does is one transaction,
    never committed (its TEMP table goes when it closes); each statement sees what is committed
    when it starts, as the import's own statements do."""
    import psycopg2

    params = {**connection.get_connection_params(), "application_name": APPLICATION_NAME}
    side = psycopg2.connect(**params)
    with side.cursor() as cursor:
        for setting in checked_select_settings():
            cursor.execute(f"SET {setting}")
    return side


def _run_all(calls: list[tuple[Any, tuple]]) -> list[Any]:
    """Run each ``(function, args)`` in its own thread; their results, or the exceptions they
    raised, in order."""
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        function, args = calls[index]
        try:
            results[index] = function(*args)
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _reraise(failures: Sequence[BaseException | None]) -> None:
    """Raise what made a side fail, if one did (not the sides that then stopped): a cell it
    could not convert as the DataError the plain direct load would raise (the file is declined),
    anything else as it is."""
    from psycopg2 import DataError as CellError

    failed = [f for f in failures if f is not None and not isinstance(f, _Stopped)]
    if not failed:
        return
    failure = failed[0]
    if isinstance(failure, CellError):
        logger.info("a side of a bills import could not convert a cell: %s", failure)
        raise DataError(str(failure)) from failure
    raise failure


def _cancel(side: Any) -> None:
    with contextlib.suppress(Exception):  # the connection is already gone
        side.cancel()


def _size(source: IO[bytes]) -> int:
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


def _holds_quote(source: IO[bytes]) -> bool:
    source.seek(0)
    try:
        while chunk := source.read(_CHUNK):
            if b'"' in chunk:
                return True
        return False
    finally:
        source.seek(0)
