"""The file before its cells: limits checked and the content hashed before anything is parsed,
then the rows of a CSV file or of a workbook's first sheet, read as a stream."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from zlib import error as zlib_error

from django.conf import settings
from django.utils.translation import gettext as _

from marketing_ops.tabular.errors import ImportRejected, file_error

CHUNK = 1024 * 1024

#: How a CSV file's text is read (docs/file-formats.md#encodings): UTF-8 with or without a BOM,
#: else GB18030 — what Excel on a Chinese system saves as "CSV (comma delimited)"; it is a
#: superset of GBK and GB2312.
UTF8 = "utf-8-sig"
GB18030 = "gb18030"


@dataclass
class Inspected:
    kind: str  # "csv" or "xlsx"
    sha256: str
    size: int
    rows_total: int | None
    #: CSV: the text encoding its rows are read in (``UTF8`` or ``GB18030``).
    encoding: str = UTF8
    #: XLSX: the cells a reader walks (last row × last column of the cells the sheets hold,
    #: blank ones between included; a declared dimension does not count), estimated from the
    #: XML's size when the cells carry no reference.
    cells: int | None = None


def encoding_error() -> ImportRejected:
    return file_error(
        _(
            "The file is neither UTF-8 nor GB18030/GBK text, the encodings a CSV file may be "
            "in: save it as 'CSV UTF-8' or 'CSV (comma delimited)' from Excel, or as XLSX."
        )
    )


def _decodes(fileobj: IO[bytes], encoding: str) -> bool:
    """Whether the whole file is text in ``encoding`` (read in chunks; a character split
    between two chunks is fine)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    fileobj.seek(0)
    try:
        while chunk := fileobj.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        fileobj.seek(0)
    return True


def inspect_file(fileobj: IO[bytes], file_name: str) -> Inspected:
    """Hash the file and check every limit, all before a single cell is parsed."""
    limits = settings
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > limits.UPLOAD_MAX_BYTES:
        raise file_error(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": f"{size:,}", "limit": f"{limits.UPLOAD_MAX_BYTES:,}"}
        )
    if size == 0:
        raise file_error(_("The file is empty."))
    head = fileobj.read(4)
    fileobj.seek(0)
    suffix = Path(file_name).suffix.lower()
    is_zip = head == b"PK\x03\x04"
    if suffix in (".xls", ".xlsm", ".ods", ".numbers") or (is_zip and suffix not in ("", ".xlsx")):
        raise file_error(
            _("Unsupported file type %(suffix)r: upload CSV (UTF-8) or XLSX.") % {"suffix": suffix}
        )
    kind = "xlsx" if is_zip else "csv"
    if suffix == ".xlsx" and not is_zip:
        raise file_error(_("The file is named .xlsx but is not an XLSX workbook."))

    digest = hashlib.sha256()
    newlines = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = kind == "csv"
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
        if kind == "csv":
            newlines += chunk.count(b"\n")
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    fileobj.seek(0)
    encoding = UTF8
    if kind == "csv":
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
        if not is_utf8:
            if not _decodes(fileobj, GB18030):
                raise encoding_error()
            encoding = GB18030
    rows_total = None
    cells = None
    if kind == "xlsx":
        _check_xlsx_zip(fileobj)
        scan = _scan_sheets(fileobj)
        # Cells without references: at most one cell for every 4 bytes of the sheets' XML.
        cells = scan.cells if scan.cells is not None else scan.xml // 4
        if scan.cells is not None and cells > limits.UPLOAD_MAX_CELLS:
            raise file_error(
                _(
                    "The workbook's cells span %(cells)s cells (last row × last column, blank "
                    "ones included); the limit is %(limit)s. Delete what lies outside the "
                    "table — stray cells far to the right or below — and upload again."
                )
                % {"cells": f"{cells:,}", "limit": f"{limits.UPLOAD_MAX_CELLS:,}"}
            )
    else:
        # Data rows: lines minus the header (a final line without a newline counts too).
        fileobj.seek(size - 1)
        last = fileobj.read(1)
        fileobj.seek(0)
        rows_total = max(newlines + (0 if last == b"\n" else 1) - 1, 0)
        if rows_total > limits.UPLOAD_MAX_ROWS:
            raise file_error(
                _("The file has %(rows)s rows; the limit is %(limit)s.")
                % {"rows": f"{rows_total:,}", "limit": f"{limits.UPLOAD_MAX_ROWS:,}"}
            )
    return Inspected(
        kind=kind,
        sha256=digest.hexdigest(),
        size=size,
        rows_total=rows_total,
        encoding=encoding,
        cells=cells,
    )


def _check_xlsx_zip(fileobj: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise file_error(_("The file is not a valid XLSX workbook (damaged zip)."))
    finally:
        fileobj.seek(0)
    uncompressed = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if uncompressed > settings.UPLOAD_MAX_XLSX_UNCOMPRESSED:
        raise file_error(
            _("The workbook unpacks to %(size)s bytes; the limit is %(limit)s.")
            % {"size": f"{uncompressed:,}", "limit": f"{settings.UPLOAD_MAX_XLSX_UNCOMPRESSED:,}"}
        )
    ratio = uncompressed / compressed
    if ratio > settings.UPLOAD_MAX_XLSX_RATIO:
        raise file_error(
            _(
                "The workbook's compression ratio is %(ratio)s:1; the limit is "
                "%(limit)s:1 (a file this compressed is refused unread)."
            )
            % {"ratio": f"{ratio:,.0f}", "limit": settings.UPLOAD_MAX_XLSX_RATIO}
        )


def _csv_rows(fileobj: IO[bytes], encoding: str = UTF8) -> Generator[list[Any], None, None]:
    """The rows of a CSV file in ``encoding`` (``Inspected.encoding``: what inspect_file found
    the whole file to be)."""
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        yield from csv.reader(text, strict=True)
    except UnicodeDecodeError:
        raise encoding_error()
    except csv.Error as exc:
        raise file_error(_("The CSV file is malformed: %(error)s.") % {"error": exc})
    finally:
        # Hand the upload back unclosed; a generator dropped after the upload itself was
        # closed (the request ended) has nothing left to hand back.
        if not fileobj.closed:
            text.detach()


def _xlsx_rows(fileobj: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows as openpyxl gives them (None for a blank cell, int for a whole
    number), read by python-calamine when it can: its Rust reader takes a second for 100,000
    rows where openpyxl takes twenty (bench/README.md#targets: XLSX import ≥ 20,000 rows/s).

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
            raise file_error(_("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
    except ImportRejected:
        raise
    except Exception as exc:  # calamine raises its own types for a broken workbook
        raise file_error(_("The workbook cannot be read: %(error)s.") % {"error": exc})
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
    #: last row × last column of the cells themselves (not the declared dimension), the most
    #: over the sheets, and the last column; None when a cell has no reference
    cells: int | None = None
    width: int | None = None


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
    cells: int | None = 0
    width: int | None = 0
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
                declared_rows = declared_columns = 0
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
                                declared_rows = max(declared_rows, int(dimension[2]))
                                declared_columns = max(
                                    declared_columns, _column_number(dimension[1])
                                )
                        if not chunk:
                            break
                # A cell without a reference (or with its attributes in another order) leaves
                # the grid unknown: take the streaming reader.
                known = refs == tags
                grid = max(
                    grid,
                    max(rows, declared_rows) * max(columns, declared_columns) if known else 2**62,
                )
                if cells is not None and width is not None and known:
                    cells, width = max(cells, rows * columns), max(width, columns)
                elif not known:
                    cells = width = None
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error):
        pass  # the reader names the damage
    finally:
        fileobj.seek(0)
    return _SheetScan(errors=errors, grid=grid, xml=xml, cells=cells, width=width)


def _openpyxl_rows(fileobj: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows, each as wide as the last column the cells reach (as calamine
    gives them; rows as they come when the cells carry no reference)."""
    width = _scan_sheets(fileobj).width
    import openpyxl  # uses defusedxml for every XML part when it is installed

    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise file_error(_("The workbook cannot be read: %(error)s.") % {"error": exc})
    try:
        if not workbook.worksheets:
            raise file_error(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension (A1:XFD1048576 in a crafted 5 KB file) would pad every
        # row to its width and fill the rows up to its height: read the cells as they are.
        sheet.reset_dimensions()
        pad = (None,) * (width or 0)
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row) if len(row) >= len(pad) else (*row, *pad[len(row) :])
    finally:
        workbook.close()
