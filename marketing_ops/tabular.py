"""The one upload pipeline (SPEC §9): every import in every app goes through here.

A dataset declares its columns and how to write; the pipeline does the rest, the same way for
all of them:

1. limits before parsing — bytes, XLSX uncompressed size and compression ratio read from the zip
   index, and the row count (newlines counted while hashing);
2. the content hash: a file already imported into the same dataset is refused, naming the import
   when the uploader may open it (another county's import is never named to a county user);
3. one streaming pass over CSV (UTF-8, BOM allowed) or XLSX (first sheet, read by
   python-calamine; by openpyxl read-only with defusedxml for a sheet too large for memory or
   holding error cells) — headers matched case-insensitively after trimming, each cell parsed
   by its column type, every error collected as ``row, column, message`` (row as a spreadsheet
   shows it, the header being row 1);
4. valid rows are handed to the dataset in batches (``stage``) while the file streams, so a
   million-row file is never held in memory (a sheet read by calamine is, up to its limit);
5. only when the whole file is valid, ``apply`` writes inside one transaction, together with the
   job's ``done`` status; any error rejects the whole file and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, ClassVar
from zlib import error as zlib_error

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketing_ops.access import bound_county_id, has_role, is_city_wide
from marketing_ops.periods import Month

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
_TWO_PLACES = Decimal("0.01")
_PLAIN_AMOUNT = re.compile(r"-?\d{1,13}(?:\.\d{1,2})?\Z")
#: Memoised parses per column (dates and months repeat across a file); bounded.
_MEMO_LIMIT = 20_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class RowError:
    """One problem in an upload. ``row`` is None for problems with the file as a whole."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"{self.row if self.row is not None else '-'}, {self.column or '-'}, {self.message}"


class ImportRejected(Exception):
    """The file is rejected as a whole; ``errors`` says why."""

    def __init__(self, errors: list[RowError] | RowError, total: int | None = None):
        self.errors = [errors] if isinstance(errors, RowError) else list(errors)
        self.total = total if total is not None else len(self.errors)
        super().__init__("; ".join(str(e) for e in self.errors[:3]))


def file_error(message: str) -> ImportRejected:
    return ImportRejected(RowError(None, "", message))


def merged(*rejections: ImportRejected | None) -> ImportRejected | None:
    """Several sets of errors of one file as one, in row order (errors of the whole file
    first); None when none of them holds an error."""
    found = [r for r in rejections if r is not None and (r.errors or r.total)]
    if not found:
        return None
    errors = sorted(
        (e for r in found for e in r.errors), key=lambda e: (e.row is not None, e.row or 0)
    )
    return ImportRejected(errors[: settings.UPLOAD_MAX_ERRORS], sum(r.total for r in found))


# --------------------------------------------------------------------------- columns


class Column:
    """A column of a dataset. ``parse`` turns a non-blank cell into a value or raises ValueError
    whose text is shown to the user as the message."""

    #: ``parse("")`` raises ValueError (true for every type but text).
    parse_rejects_blank = True

    def __init__(
        self, name: str, *, required: bool = True, blank: bool = False, default: Any = None
    ):
        self.name = name
        self.required = required  # the column must be in the header
        self.blank = blank or not required  # an empty cell is allowed (then ``default``)
        self.default = default

    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        return self.parse

    def parse(self, raw: Any) -> Any:
        return raw if isinstance(raw, str) else str(raw)

    def describe(self) -> str:
        return "text"


class Text(Column):
    parse_rejects_blank = False

    def __init__(self, name: str, *, max_length: int = 255, **kwargs: Any):
        super().__init__(name, **kwargs)
        self.max_length = max_length

    def parse(self, raw: Any) -> str:
        if raw.__class__ is str and len(raw) <= self.max_length and "\x00" not in raw:
            return raw
        value = raw if isinstance(raw, str) else _plain(raw)
        if len(value) > self.max_length:
            raise ValueError(f"longer than {self.max_length} characters")
        if "\x00" in value:
            # PostgreSQL cannot store a NUL character; a CSV may still carry one.
            raise ValueError("contains a NUL character; remove it and upload again")
        return value


class Integer(Column):
    def __init__(
        self, name: str, *, min_value: int | None = 0, max_value: int | None = None, **kw: Any
    ):
        super().__init__(name, **kw)
        self.min_value, self.max_value = min_value, max_value

    def parse(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError(f"expected a whole number, got {raw!r}")
        if isinstance(raw, float):
            if not raw.is_integer():
                raise ValueError(f"expected a whole number, got {raw!r}")
            value = int(raw)
        elif isinstance(raw, int):
            value = raw
        else:
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(f"expected a whole number, got {raw!r}")
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                raise ValueError(f"must not be negative, got {value}")
            raise ValueError(f"must be at least {self.min_value}, got {value}")
        if self.max_value is not None and value > self.max_value:
            raise ValueError(f"must be at most {self.max_value}, got {value}")
        return value

    def describe(self) -> str:
        return "whole number"


class Money(Column):
    """A plain decimal with at most 2 places (yuan), e.g. ``1234.50``; never a float."""

    def __init__(self, name: str, *, allow_negative: bool = False, **kwargs: Any):
        super().__init__(name, **kwargs)
        self.allow_negative = allow_negative

    def parse(self, raw: Any) -> Decimal:
        # Fast path for the common plain text "1234.50": the pattern already proves the places.
        if raw.__class__ is str and _PLAIN_AMOUNT.match(raw):
            if raw[0] == "-" and not self.allow_negative:
                raise ValueError(f"must not be negative, got {raw}")
            value = Decimal(raw)
            return value if raw[-3:-2] == "." else value.quantize(_TWO_PLACES)
        return self._parse_other(raw)

    def _parse_other(self, raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise ValueError(f"expected an amount like 1234.50, got {raw!r}")
        text = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, float) else str(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"expected an amount like 1234.50, got {text!r}")
        if not value.is_finite():
            raise ValueError(f"expected an amount like 1234.50, got {text!r}")
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(f"at most 2 decimal places, got {text}")
        if value < 0 and not self.allow_negative:
            raise ValueError(f"must not be negative, got {text}")
        if abs(value) >= Decimal("1e13"):
            raise ValueError(f"amount too large: {text}")
        return value.quantize(_TWO_PLACES)

    def describe(self) -> str:
        return "amount (yuan, 2 places)"


class Date(Column):
    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        return _memoised(self.parse)

    def parse(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = raw if isinstance(raw, str) else str(raw)
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")

    def describe(self) -> str:
        return "date YYYY-MM-DD"


class MonthColumn(Column):
    def parser(self, ctx: ImportContext) -> Callable[[Any], Any]:
        return _memoised(self.parse)

    def parse(self, raw: Any) -> Month:
        # A spreadsheet turns "2026-03" typed into a cell into the date 2026-03-01.
        if isinstance(raw, dt.date) and raw.day == 1:
            return Month(raw.year, raw.month)
        try:
            return Month.parse(raw if isinstance(raw, str) else str(raw))
        except ValueError:
            raise ValueError(f"expected a month as YYYY-MM, got {raw!r}")

    def describe(self) -> str:
        return "month YYYY-MM"


class Choice(Column):
    """One of fixed values, matched case-insensitively; ``choices`` maps input → stored value."""

    def __init__(self, name: str, choices: dict[str, Any] | Iterable[str], **kwargs: Any):
        super().__init__(name, **kwargs)
        pairs = choices.items() if isinstance(choices, dict) else ((c, c) for c in choices)
        self.choices = {str(k).lower(): v for k, v in pairs}
        self.shown = ", ".join(str(k) for k in (choices if isinstance(choices, dict) else choices))

    def parse(self, raw: Any) -> Any:
        key = (raw if isinstance(raw, str) else _plain(raw)).lower()
        try:
            return self.choices[key]
        except KeyError:
            raise ValueError(f"expected one of {self.shown}, got {raw!r}")

    def describe(self) -> str:
        return f"one of {self.shown}"


class YesNo(Choice):
    def __init__(self, name: str, **kwargs: Any):
        super().__init__(name, {"Y": True, "N": False}, **kwargs)
        self.choices.update({"yes": True, "no": False, "true": True, "false": False})


class CountyCode(Column):
    """A county code that exists; a county user may only name their own county."""

    def parser(self, ctx: ImportContext) -> Callable[[Any], int]:
        counties = ctx.counties
        own = ctx.county_id
        own_code = next((c for c, pk in counties.items() if pk == own), None)

        def parse(raw: Any) -> int:
            code = raw if isinstance(raw, str) else _plain(raw)
            county_id = counties.get(code) or counties.get(code.upper())
            if county_id is None:
                raise ValueError(f"unknown county code {code!r}")
            if own is not None and county_id != own:
                raise ValueError(f"county {code} is outside your county ({own_code})")
            return county_id

        if not ctx.city_wide and own is None:
            return _reject("your account is not bound to a county; ask an administrator")
        return parse

    def describe(self) -> str:
        return "county code"


class BusinessLineCode(Column):
    def parser(self, ctx: ImportContext) -> Callable[[Any], int]:
        lines = ctx.lines

        def parse(raw: Any) -> int:
            code = raw if isinstance(raw, str) else _plain(raw)
            line_id = lines.get(code) or lines.get(code.upper())
            if line_id is None:
                raise ValueError(f"unknown business line {code!r}")
            return line_id

        return parse

    def describe(self) -> str:
        return "business line code"


def _memoised(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Cache a column's parses of text cells; errors are not cached (they are rare)."""
    memo: dict[str, Any] = {}

    def cached(raw: Any) -> Any:
        if raw.__class__ is not str:
            return parse(raw)
        try:
            return memo[raw]
        except KeyError:
            value = parse(raw)
            if len(memo) < _MEMO_LIMIT:
                memo[raw] = value
            return value

    return cached


def _reject(message: str) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:
        raise ValueError(message)

    return parse


def _plain(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    return str(raw)


# --------------------------------------------------------------------------- datasets


@dataclass
class ImportContext:
    """What a dataset may know while importing: who, which job, lookups loaded once."""

    job: Any
    user: Any
    now: dt.datetime
    city_wide: bool
    county_id: int | None
    state: dict[str, Any] = field(default_factory=dict)
    _counties: dict[str, int] | None = None
    _lines: dict[str, int] | None = None

    @property
    def counties(self) -> dict[str, int]:
        if self._counties is None:
            from marketing_ops.models import County

            self._counties = dict(County.objects.values_list("code", "id"))
        return self._counties

    @property
    def lines(self) -> dict[str, int]:
        if self._lines is None:
            from marketing_ops.models import BusinessLine

            self._lines = dict(BusinessLine.objects.values_list("code", "id"))
        return self._lines


class Dataset:
    """Subclass per §9 dataset and ``register`` it from the app's ``imports.py``.

    The default staging keeps validated rows in memory (fine for small datasets); large datasets
    override ``begin``/``stage``/``apply``/``discard`` to stream into a staging table.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    #: Roles allowed to upload this dataset.
    roles: ClassVar[tuple[str, ...]] = ("city_admin",)
    #: Columns whose values must be unique within the file ("duplicate … also in row N").
    key_columns: ClassVar[tuple[str, ...]] = ()
    #: Run uploads from the page in the background (Celery) with a progress bar.
    run_async: ClassVar[bool] = False
    batch_size: ClassVar[int] = 5000
    #: Stage each row as ``(row_no, *values)`` so checks made later in SQL can name the row.
    stage_row_numbers: ClassVar[bool] = False
    description: ClassVar[str] = ""
    #: The dataset can take a CSV file straight into the database (``copy_csv`` and
    #: ``apply_copied``), validating it there; a file it declines takes the row-by-row pass.
    copies_csv: ClassVar[bool] = False

    def begin(self, ctx: ImportContext) -> None:
        ctx.state["rows"] = []

    def validate_row(self, values: tuple, ctx: ImportContext) -> list[tuple[str, str]]:
        """Rules across the columns of one row: ``[(column, message)]``."""
        return []

    def errors_across_rows(self, ctx: ImportContext) -> ImportRejected | None:
        """Errors that only the rows together show (duplicates, unknown accounts), found among
        the staged rows; None when there are none. Also run when other rows failed, so that a
        rejected file names all its errors at once: a dataset that defines it keeps staging
        the rows that parse after one fails."""
        return None

    def stage(self, batch: list[tuple], ctx: ImportContext) -> None:
        ctx.state["rows"].extend(batch)

    def apply(self, ctx: ImportContext) -> int:
        """Write everything staged; runs inside a transaction. Returns records written."""
        raise NotImplementedError  # every dataset defines its own write

    def discard(self, ctx: ImportContext) -> None:
        ctx.state.clear()

    def copy_csv(self, source: IO[bytes], header: CsvHeader, ctx: ImportContext) -> int | None:
        """Load a CSV file as it is (no row-by-row pass) and return its number of data rows, or
        None to decline it. Runs before the import's transaction; ``discard`` cleans up."""
        return None

    def apply_copied(self, ctx: ImportContext) -> int | None:
        """Check and write what ``copy_csv`` loaded, inside the import's transaction; return the
        records written, or None to decline the file (then everything done here is rolled back
        and the file takes the row-by-row pass, which names every error). Only a file the
        row-by-row pass would accept as it is may be written here."""
        return None

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    @classmethod
    def index_of(cls, name: str) -> int:
        return cls.column_names().index(name)


_REGISTRY: dict[str, type[Dataset]] = {}


def register(dataset: type[Dataset]) -> type[Dataset]:
    """Class decorator: make a dataset available to upload pages, the API and ``import_data``."""
    _REGISTRY[dataset.name] = dataset
    return dataset


def get_dataset(name: str) -> type[Dataset]:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}")


def datasets() -> dict[str, type[Dataset]]:
    return dict(sorted(_REGISTRY.items()))


def datasets_for(user: Any) -> list[type[Dataset]]:
    return [d for d in datasets().values() if has_role(user, *d.roles)]


# --------------------------------------------------------------------------- file checks


@dataclass
class Inspected:
    kind: str  # "csv" or "xlsx"
    sha256: str
    size: int
    rows_total: int | None


def inspect_file(fileobj: IO[bytes], file_name: str) -> Inspected:
    """Hash the file and check every limit, all before a single cell is parsed."""
    limits = settings
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > limits.UPLOAD_MAX_BYTES:
        raise file_error(
            f"The file is {size:,} bytes; the limit is {limits.UPLOAD_MAX_BYTES:,} bytes."
        )
    if size == 0:
        raise file_error("The file is empty.")
    head = fileobj.read(4)
    fileobj.seek(0)
    suffix = Path(file_name).suffix.lower()
    is_zip = head == b"PK\x03\x04"
    if suffix in (".xls", ".xlsm", ".ods", ".numbers") or (is_zip and suffix not in ("", ".xlsx")):
        raise file_error(f"Unsupported file type {suffix!r}: upload CSV (UTF-8) or XLSX.")
    kind = "xlsx" if is_zip else "csv"
    if suffix == ".xlsx" and not is_zip:
        raise file_error("The file is named .xlsx but is not an XLSX workbook.")

    digest = hashlib.sha256()
    newlines = 0
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        if kind == "csv":
            newlines += chunk.count(b"\n")
    fileobj.seek(0)
    rows_total = None
    if kind == "xlsx":
        _check_xlsx_zip(fileobj)
    else:
        # Data rows: lines minus the header (a final line without a newline counts too).
        fileobj.seek(size - 1)
        last = fileobj.read(1)
        fileobj.seek(0)
        rows_total = max(newlines + (0 if last == b"\n" else 1) - 1, 0)
        if rows_total > limits.UPLOAD_MAX_ROWS:
            raise file_error(
                f"The file has {rows_total:,} rows; the limit is {limits.UPLOAD_MAX_ROWS:,}."
            )
    return Inspected(kind=kind, sha256=digest.hexdigest(), size=size, rows_total=rows_total)


def _check_xlsx_zip(fileobj: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise file_error("The file is not a valid XLSX workbook (damaged zip).")
    finally:
        fileobj.seek(0)
    uncompressed = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if uncompressed > settings.UPLOAD_MAX_XLSX_UNCOMPRESSED:
        raise file_error(
            f"The workbook unpacks to {uncompressed:,} bytes; "
            f"the limit is {settings.UPLOAD_MAX_XLSX_UNCOMPRESSED:,}."
        )
    ratio = uncompressed / compressed
    if ratio > settings.UPLOAD_MAX_XLSX_RATIO:
        raise file_error(
            f"The workbook's compression ratio is {ratio:,.0f}:1; the limit is "
            f"{settings.UPLOAD_MAX_XLSX_RATIO}:1 (a file this compressed is refused unread)."
        )


# --------------------------------------------------------------------------- reading


def _csv_rows(fileobj: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text, strict=True)
    except UnicodeDecodeError:
        raise file_error("The file is not UTF-8 text: save it as 'CSV UTF-8' or as XLSX.")
    except csv.Error as exc:
        raise file_error(f"The CSV file is malformed: {exc}.")
    finally:
        text.detach()


def _xlsx_rows(fileobj: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows as openpyxl gives them (None for a blank cell, int for a whole
    number), read by python-calamine when it can: its Rust reader takes a second for 100,000
    rows where openpyxl takes twenty (SPEC §13: XLSX import ≥ 20,000 rows/s).

    calamine holds the sheet in memory as a dense grid (~80 bytes a cell, blank ones included:
    a 5 KB file with cells at A1 and ZZ200000 takes 4 GB). So a sheet whose grid — last row ×
    last column, read from the cell references — exceeds ``UPLOAD_XLSX_FAST_MAX_CELLS`` streams
    through openpyxl instead, as does one whose cells do not all carry a reference. openpyxl also
    reads a workbook with error cells (#N/A, #REF!, …), which calamine reads as blanks, so that
    the error is named in the row's message."""
    scan = _scan_sheets(fileobj)
    too_large = scan.grid > settings.UPLOAD_XLSX_FAST_MAX_CELLS or scan.xml > _FAST_MAX_XML
    if scan.errors or too_large:
        yield from _openpyxl_rows(fileobj)
        return
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        if not workbook.sheet_names:
            raise file_error("The workbook has no sheet.")
        sheet = workbook.get_sheet_by_index(0)
    except ImportRejected:
        raise
    except Exception as exc:  # calamine raises its own types for a broken workbook
        raise file_error(f"The workbook cannot be read: {exc}.")
    # calamine's rows start at the first used column; openpyxl's (and the sheet's) at A.
    pad = (None,) * sheet.start[1] if sheet.start else ()
    cell = _calamine_cell
    for row in sheet.iter_rows():
        yield (*pad, *map(cell, row))


def _calamine_cell(value: Any) -> Any:
    if value.__class__ is float:
        # A whole number is stored as "12" in the sheet: openpyxl reads it as int 12.
        return int(value) if value.is_integer() and -(2**53) < value < 2**53 else value
    if value == "":
        return None
    return value


# Cell type "e" (an Excel error); quotes either way, spaces around "=" allowed.
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")
_CELL_REF = rb'c r="([A-Z]{1,3})([0-9]{1,7})"'
# Literal starts keep these fast; cells and dimensions with a namespace prefix (<x:c …>) are
# looked for only where one appears.
_REF_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})')
_REF_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s>/]")
_PREFIXED_REF = re.compile(rb"<\w+:" + _CELL_REF)
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"'
)


def _has_error_cell(piece: bytes) -> bool:
    if b't="e"' in piece or b"t='e'" in piece:
        return True
    # The regular expression (slow: it cannot start from a literal) only for spaced-out forms.
    return (b"t =" in piece or b"t= " in piece) and bool(_ERROR_CELL.search(piece))


#: calamine also keeps every string of the sheet: above this much XML (sheets and shared
#: strings, unpacked) openpyxl reads instead, whatever the grid. 100,000 rows of bills written
#: with inline strings are 26 MB.
_FAST_MAX_XML = 160 * 1024 * 1024


@dataclass(frozen=True)
class _SheetScan:
    errors: bool  # a cell of type "e" (an Excel error)
    grid: int  # last row × last column over the sheets; huge when a cell has no reference
    xml: int  # bytes of the sheets' and shared strings' XML, unpacked (from the zip's index)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_sheets(fileobj: IO[bytes]) -> _SheetScan:
    """A byte search of the worksheets' XML as it unpacks (the zip's limits were checked
    before): error cells, and the size of the grid calamine would allocate — from the cells'
    references (``r="AB12"``) and the sheet's declared dimension, whichever is larger. Pieces
    are cut after a ``>``, so no cell tag is split between two of them."""
    errors, grid, xml = False, 0, 0
    try:
        with zipfile.ZipFile(fileobj) as archive:
            for info in archive.infolist():
                name = info.filename
                if name == "xl/sharedStrings.xml":
                    xml += info.file_size
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                xml += info.file_size
                rows = columns = tags = refs = 0
                with archive.open(info) as part:
                    carry = b""
                    while True:
                        chunk = part.read(1 << 20)
                        data = carry + chunk
                        cut = data.rfind(b">") + 1 if chunk else len(data)
                        piece, carry = data[:cut], data[cut:]
                        if not piece:
                            if not chunk:
                                break
                            continue
                        errors = errors or _has_error_cell(piece)
                        tags += piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/")
                        refs += piece.count(b'<c r="')
                        letters = set(_REF_COLUMN.findall(piece))
                        numbers = set(_REF_ROW.findall(piece))
                        if b":c" in piece:  # cells written with a namespace prefix, <x:c …>
                            tags += len(_PREFIXED_CELL.findall(piece))
                            prefixed = _PREFIXED_REF.findall(piece)
                            refs += len(prefixed)
                            letters.update(letter for letter, _ in prefixed)
                            numbers.update(number for _, number in prefixed)
                        if letters:
                            columns = max(columns, *map(_column_number, letters))
                        if numbers:
                            rows = max(rows, *map(int, numbers))
                        if b"dimension" in piece:
                            dimension = _DIMENSION.search(piece)
                            if dimension:
                                rows = max(rows, int(dimension[2]))
                                columns = max(columns, _column_number(dimension[1]))
                        if not chunk:
                            break
                # A cell without a reference (or with its attributes in another order) leaves
                # the grid unknown: take the streaming reader.
                grid = max(grid, rows * columns if refs == tags else 2**62)
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error):
        pass  # the reader names the damage
    finally:
        fileobj.seek(0)
    return _SheetScan(errors=errors, grid=grid, xml=xml)


def _openpyxl_rows(fileobj: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    import openpyxl  # uses defusedxml for every XML part when it is installed

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise file_error(f"The workbook cannot be read: {exc}.")
    try:
        if not workbook.worksheets:
            raise file_error("The workbook has no sheet.")
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


# --------------------------------------------------------------------------- the run


@dataclass
class _Bound:
    index: int
    column: Column
    parse: Callable[[Any], Any]


@dataclass(frozen=True)
class CsvHeader:
    """A CSV file's header as the pipeline matched it, for a dataset's ``copy_csv``."""

    names: list[str]  # the file's header cells, in file order
    positions: dict[str, int]  # dataset column name → position in the file (absent: missing)
    first_row: list[str]  # the first data row's cells (empty when the file has none)


def _bind_header(
    header: list[Any] | tuple[Any, ...], dataset: type[Dataset], ctx: ImportContext
) -> list[_Bound | None]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name and name in seen:
            errors.append(
                RowError(
                    1, name, f"column appears twice (columns {seen[name] + 1} and {position + 1})"
                )
            )
        seen.setdefault(name, position)
    bound: list[_Bound | None] = []
    for column in dataset.columns:
        index = seen.get(column.name.lower())
        if index is None:
            if column.required:
                errors.append(RowError(1, column.name, "required column is missing"))
            bound.append(None)
        else:
            bound.append(_Bound(index, column, column.parser(ctx)))
    if errors:
        expected = ", ".join(c.name + ("" if c.required else "?") for c in dataset.columns)
        errors.append(RowError(1, "", f"expected columns: {expected}"))
        raise ImportRejected(errors)
    return bound


def _fast_cell(column: Column, parse: Callable[[Any], Any]) -> Callable[[str], Any]:
    """A column's parser for text cells with the blank rule folded in (the CSV fast path)."""
    if column.blank:
        default = column.default
        return lambda raw: parse(raw) if raw else default
    if column.parse_rejects_blank:
        return parse  # an empty cell fails the parse; the slow path names the error

    def required(raw: str) -> Any:
        if raw:
            return parse(raw)
        raise ValueError("a value is required")

    return required


def _stream(
    dataset: Dataset,
    rows: Iterator[Any],
    ctx: ImportContext,
    progress: Callable[[int], None],
    text_cells: bool = False,
) -> tuple[int, list[RowError], int]:
    """Validate every row and stage the valid ones; returns (rows, errors kept, error total).

    ``text_cells`` (CSV) enables a fast path: a row whose cells all parse is built in one
    comprehension; only a row that fails is parsed again cell by cell to name every error.
    """
    max_errors = settings.UPLOAD_MAX_ERRORS
    max_rows = settings.UPLOAD_MAX_ROWS
    try:
        header = next(rows)
    except StopIteration:
        raise file_error("The file is empty: the header row is missing.")
    bound = _bind_header(header, dataset, ctx)
    plan = [
        (b.index, b.parse, b.column.name, b.column.blank, b.column.default) if b else None
        for b in bound
    ]
    # Columns absent from the header read an empty cell past the end of every row.
    fast_plan = [
        (b.index, _fast_cell(b.column, b.parse)) if b else (len(header) + 10**6, None)
        for b in bound
    ]
    has_missing = any(b is None for b in bound)
    fast = text_cells and not has_missing
    key_positions = [dataset.index_of(name) for name in dataset.key_columns]
    keys: dict[tuple, int] = {}
    check_row = type(dataset).validate_row is not Dataset.validate_row
    stage_all = type(dataset).errors_across_rows is not Dataset.errors_across_rows
    numbered = dataset.stage_row_numbers
    errors: list[RowError] = []
    error_total = 0
    batch: list[tuple] = []
    count = 0
    for row_no, cells in enumerate(rows, start=2):
        if not any(cells):
            continue  # a wholly empty line (often at the end of a spreadsheet) is not a row
        count += 1
        if count > max_rows:
            raise file_error(f"The file has more than {max_rows:,} rows.")
        row = None
        if fast:
            try:
                row = tuple([parse(cells[index].strip()) for index, parse in fast_plan])
            except (ValueError, IndexError):
                row = None
        if row is None:
            row_errors: list[RowError] = []
            row = _parse_row(cells, plan, row_no, row_errors)
            if row_errors:
                error_total += len(row_errors)
                errors.extend(row_errors[: max(max_errors - len(errors), 0)])
                continue
        if key_positions:
            key = tuple(row[p] for p in key_positions)
            first = keys.get(key)
            if first is not None:
                error_total += 1
                if len(errors) < max_errors:
                    shown = ", ".join(str(k) for k in key)
                    errors.append(
                        RowError(
                            row_no,
                            dataset.key_columns[0],
                            f"duplicate {shown}: also in row {first}",
                        )
                    )
                continue
            keys[key] = row_no
        if check_row:
            problems = dataset.validate_row(row, ctx)
            if problems:
                error_total += len(problems)
                for column, message in problems:
                    if len(errors) < max_errors:
                        errors.append(RowError(row_no, column, message))
                continue
        if stage_all or not error_total:
            batch.append((row_no, *row) if numbered else row)
            if len(batch) >= dataset.batch_size:
                dataset.stage(batch, ctx)
                batch = []
                progress(count)
    if batch and (stage_all or not error_total):
        dataset.stage(batch, ctx)
    if count == 0:
        raise file_error("The file has a header but no data rows.")
    progress(count)
    return count, errors, error_total


def _parse_row(cells: Any, plan: list, row_no: int, errors: list[RowError]) -> tuple:
    """Parse one row cell by cell, collecting an error for every bad cell."""
    width = len(cells)
    values: list[Any] = []
    for step in plan:
        if step is None:
            values.append(None)
            continue
        index, parse, name, blank_ok, default = step
        raw = cells[index] if index < width else None
        if raw.__class__ is str:
            raw = raw.strip() or None
        if raw is None:
            values.append(default)
            if not blank_ok:
                errors.append(RowError(row_no, name, "a value is required"))
            continue
        try:
            values.append(parse(raw))
        except ValueError as exc:
            values.append(None)
            errors.append(RowError(row_no, name, str(exc)))
    return tuple(values)


def _context(job: Any, user: Any) -> ImportContext:
    if user is None:
        # The command line (no --as) imports for the whole city; a queued job whose uploader
        # has since been deleted keeps the county recorded on the job.
        county_id = getattr(job, "county_id", None)
        return ImportContext(
            job=job, user=None, now=timezone.now(), city_wide=county_id is None, county_id=county_id
        )
    return ImportContext(
        job=job,
        user=user,
        now=timezone.now(),
        city_wide=is_city_wide(user),
        county_id=bound_county_id(user),
    )


def earlier_import(dataset_name: str, sha256: str, exclude_id: int | None = None) -> Any:
    from marketing_ops.models import ImportJob

    earlier = ImportJob.objects.filter(
        dataset=dataset_name, sha256=sha256, status=ImportJob.Status.DONE
    )
    if exclude_id:
        earlier = earlier.exclude(pk=exclude_id)
    return earlier.select_related("created_by").first()


def _may_open(job: Any, ctx: ImportContext) -> bool:
    """Whether the uploader may open ``job``'s page: the import pages' own rule
    (``ImportJob.objects.visible_to``), so an import that is a 404 for them is never named."""
    from marketing_ops.models import ImportJob

    if ctx.user is None:
        # The command line imports for the whole city; a job whose uploader has been deleted
        # keeps its county, and its errors are read by that county's users.
        return ctx.city_wide or job.county_id == ctx.county_id
    return ImportJob.objects.visible_to(ctx.user).filter(pk=job.pk).exists()


def _already_imported(job: Any, ctx: ImportContext) -> RowError:
    if not _may_open(job, ctx):
        # Another county's (or the city's) import: refused all the same, but its number, date
        # and uploader stay out of the message (SPEC §1).
        return RowError(
            None, "", f"This file was already imported into {job.dataset}; it is not applied twice."
        )
    local = timezone.localtime(job.finished_at or job.created_at)
    who = job.created_by.get_username() if job.created_by else "the command line"
    return RowError(
        None,
        "",
        f"This file was already imported into {job.dataset} as import #{job.pk} on "
        f"{local:%Y-%m-%d %H:%M} by {who}; it is not applied twice.",
    )


def _fail(job: Any, errors: list[RowError], total: int) -> Any:
    job.status = job.Status.FAILED
    job.errors = [e.as_dict() for e in errors]
    job.error_count = total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "error_count", "finished_at", "rows"])
    return job


def _fail_unexpected(job: Any) -> None:
    """A bug or a database failure: the job must not stay "running" (and polled) for ever.

    ``apply`` runs in one transaction, so nothing was applied; the details go to the log.
    """
    logger.exception("import #%s %s stopped on an unexpected error", job.pk, job.dataset)
    message = (
        "The import stopped on an unexpected error and nothing was applied; "
        "an administrator can find the details in the log."
    )
    try:
        _fail(job, [RowError(None, "", message)], 1)
    except Exception:  # the database itself may be what failed
        logger.exception("import #%s could not be marked failed", job.pk)


class _Declined(Exception):
    """The dataset's direct CSV load declined the file: roll it back, take the row-by-row pass."""


def _copy_and_apply(
    dataset: Dataset, source: IO[bytes], ctx: ImportContext, job: Any, progress: Callable
) -> bool:
    """The dataset's direct CSV load: the file goes into the database as it is and is checked
    and written there, in one transaction with the job's ``done``. False when the dataset
    declines the file; then nothing of it was written."""
    header = _csv_header(source, type(dataset), ctx)
    source.seek(0)
    rows = dataset.copy_csv(source, header, ctx)
    if rows is None:
        return False
    progress(rows)
    try:
        with transaction.atomic():
            applied = dataset.apply_copied(ctx)
            if applied is None:
                raise _Declined
            _mark_done(job, rows, applied)
    except _Declined:
        return False
    return True


def _csv_header(source: IO[bytes], dataset: type[Dataset], ctx: ImportContext) -> CsvHeader:
    """Read and match the header (its errors are the row-by-row pass's) and the first row."""
    records = _csv_rows(source)
    try:
        names = next(records, None)
        if names is None:
            raise file_error("The file is empty: the header row is missing.")
        first_row = next(records, [])
    finally:
        records.close()
    bound = _bind_header(names, dataset, ctx)
    positions = {b.column.name: b.index for b in bound if b is not None}
    return CsvHeader(names=list(names), positions=positions, first_row=list(first_row))


def _mark_done(job: Any, rows: int, applied: int) -> None:
    job.status = job.Status.DONE
    job.rows = rows
    job.applied = applied
    job.errors = []
    job.error_count = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows", "applied", "errors", "error_count", "finished_at"])


def run_job(job: Any, fileobj: IO[bytes] | None = None, inspected: Inspected | None = None) -> Any:
    """Run an ImportJob to ``done`` or ``failed``. Safe to call twice: a finished job is left."""
    from marketing_ops.models import ImportJob

    if job.finished:
        return job
    dataset = get_dataset(job.dataset)()
    ctx = _context(job, job.created_by)
    job.status = ImportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(rows: int) -> None:
        job.rows = rows
        ImportJob.objects.filter(pk=job.pk).update(rows=rows)

    opened = fileobj is None
    source = job.file.open("rb") if opened else fileobj
    try:
        inspected = inspected or inspect_file(source, job.file_name)
        earlier = earlier_import(job.dataset, inspected.sha256, exclude_id=job.pk)
        if earlier:
            raise ImportRejected(_already_imported(earlier, ctx))
        if inspected.rows_total is not None and job.rows_total != inspected.rows_total:
            job.rows_total = inspected.rows_total
            ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        dataset.begin(ctx)
        try:
            copied = (
                inspected.kind == "csv"
                and dataset.copies_csv
                and _copy_and_apply(dataset, source, ctx, job, progress)
            )
            if not copied:
                source.seek(0)
                reader = _xlsx_rows(source) if inspected.kind == "xlsx" else _csv_rows(source)
                count, errors, total = _stream(
                    dataset, iter(reader), ctx, progress, text_cells=inspected.kind == "csv"
                )
                if total:
                    rejected = ImportRejected(errors, total)
                    raise merged(rejected, dataset.errors_across_rows(ctx)) or rejected
                with transaction.atomic():
                    _mark_done(job, count, dataset.apply(ctx))
        finally:
            dataset.discard(ctx)
    except ImportRejected as rejected:
        return _fail(job, rejected.errors, rejected.total)
    except IntegrityError:
        earlier = earlier_import(job.dataset, job.sha256, exclude_id=job.pk)
        if earlier is None:
            _fail_unexpected(job)
            raise
        return _fail(job, [_already_imported(earlier, ctx)], 1)
    except Exception:
        _fail_unexpected(job)
        raise
    finally:
        if opened:
            source.close()
    logger.info("import #%s %s: %s rows applied", job.pk, job.dataset, job.applied)
    return job


def submit(
    dataset_name: str,
    fileobj: IO[bytes],
    file_name: str,
    user: Any,
    *,
    background: bool | None = None,
) -> Any:
    """Accept an upload: check who may, check the size, record an ImportJob, run it.

    ``background`` (default: the dataset's ``run_async``) stores the file and queues a Celery
    task after commit; otherwise the job runs now and is returned finished.
    """
    from marketing_ops.models import ImportJob
    from marketing_ops.tasks import run_import_job

    dataset = get_dataset(dataset_name)
    if user is not None and not has_role(user, *dataset.roles):
        raise PermissionDenied(f"Your role may not import {dataset.label}.")
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    job = ImportJob(
        dataset=dataset.name,
        file_name=Path(file_name).name[:255],
        size=size,
        created_by=user,
        county_id=bound_county_id(user) if user else None,
    )
    try:
        inspected = inspect_file(fileobj, file_name)
    except ImportRejected as rejected:
        job.save()
        return _fail(job, rejected.errors, rejected.total)
    job.sha256 = inspected.sha256
    job.rows_total = inspected.rows_total
    earlier = earlier_import(dataset.name, inspected.sha256)
    if earlier:
        job.save()
        return _fail(job, [_already_imported(earlier, _context(job, user))], 1)
    run_later = dataset.run_async if background is None else background
    if not run_later:
        job.save()
        return run_job(job, fileobj, inspected)
    job.file.save(
        f"{dataset.name}-{inspected.sha256[:12]}{Path(file_name).suffix}", File(fileobj), save=False
    )
    job.save()
    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def template_headers(dataset: type[Dataset]) -> list[str]:
    return dataset.column_names()
