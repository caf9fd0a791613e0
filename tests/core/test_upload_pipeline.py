"""The one upload pipeline, marketing_ops.tabular (docs/file-formats.md): whole-file validation
with row and
column, limits before parsing, nothing half-lands, the same file is not applied twice."""

import io
import re
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from django.test import override_settings

from marketing_ops import tabular
from marketing_ops.models import County, ImportJob
from marketing_ops.tabular import readers
from marketing_ops.xlsx import Sheet, workbook_bytes
from tests.core.conftest import COUNTY_HEADERS, csv_bytes, submit, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = "code,name,kind,sort_order\nC11,Eleven County,county,11\nC12,Twelve District,district,12\n"


def errors_of(job) -> list[tuple]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if any reader starts parsing cells."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was parsed although a limit should have refused it")

    monkeypatch.setattr(readers, "_csv_rows", refuse)
    monkeypatch.setattr(readers, "_xlsx_rows", refuse)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# --------------------------------------------------------------------------- headers


def test_a_good_csv_is_imported_and_recorded(admin_user):
    job = submit("counties", csv_bytes(GOOD), admin_user, "counties.csv")
    assert job.status == ImportJob.Status.DONE
    assert (job.rows, job.applied, job.errors) == (2, 2, [])
    assert job.created_by == admin_user
    assert len(job.sha256) == 64
    assert job.started_at and job.finished_at
    assert County.objects.get(code="C12").kind == "district"


def test_a_missing_column_is_an_error_in_row_1_naming_the_column(admin_user):
    job = submit("counties", csv_bytes("code,name\nC11,Eleven\n"), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert (1, "kind", "required column is missing") in errors_of(job)
    assert not County.objects.filter(code="C11").exists()


def test_wrong_headers_list_every_missing_column_and_what_is_expected(admin_user):
    job = submit("counties", csv_bytes("county,title,type\nC11,Eleven,county\n"), admin_user)
    errors = errors_of(job)
    assert {(1, "code"), (1, "name"), (1, "kind")} <= {(row, col) for row, col, _ in errors}
    assert any("expected columns: code, name, kind, sort_order?" in m for _, _, m in errors)


def test_a_column_given_twice_is_an_error(admin_user):
    job = submit("counties", csv_bytes("code,name,kind,Code\nC11,E,county,C12\n"), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert any(r == 1 and "twice" in m for r, _, m in errors_of(job))


def test_headers_match_case_insensitively_after_trimming_and_extra_columns_are_ignored(
    admin_user,
):
    text = " CODE ,Name,notes,KIND\nC11,Eleven County,ignored,County\n"
    job = submit("counties", csv_bytes(text), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    county = County.objects.get(code="C11")
    assert (county.name, county.kind, county.sort_order) == ("Eleven County", "county", 0)


# --------------------------------------------------------------------------- cells


def test_every_bad_cell_is_reported_with_its_row_and_column(admin_user):
    text = (
        "code,name,kind,sort_order\n"
        "C11,,county,1\n"  # row 2: name missing
        "C12,Twelve,town,x\n"  # row 3: kind and sort_order wrong
        "C13,Thirteen,county,-4\n"  # row 4: negative
    )
    job = submit("counties", csv_bytes(text), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_count == 4
    located = {(row, column) for row, column, _ in errors_of(job)}
    assert located == {(2, "name"), (3, "kind"), (3, "sort_order"), (4, "sort_order")}
    messages = {(r, c): m for r, c, m in errors_of(job)}
    assert messages[(2, "name")] == "a value is required"
    assert "expected one of county, district" in messages[(3, "kind")]
    assert "whole number" in messages[(3, "sort_order")]
    assert "negative" in messages[(4, "sort_order")]
    assert not County.objects.filter(code__in=["C11", "C12", "C13"]).exists()


def test_a_duplicate_key_names_the_row_it_repeats(admin_user):
    text = "code,name,kind\nC11,Eleven,county\nC12,Twelve,county\nC11,Again,county\n"
    job = submit("counties", csv_bytes(text), admin_user)
    assert errors_of(job) == [(4, "code", "duplicate C11: also in row 2")]


def test_an_error_in_the_last_row_writes_nothing(admin_user, county_a):
    rows = "".join(f"C{n},County {n},county,{n}\n" for n in range(20, 60))
    text = "code,name,kind,sort_order\nC01,Renamed,district,1\n" + rows + "C99,Bad,town,1\n"
    before = County.objects.count()
    job = submit("counties", csv_bytes(text), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert errors_of(job) == [(43, "kind", "expected one of county, district, got 'town'")]
    assert County.objects.count() == before
    assert County.objects.get(code="C01").name == "Alpha District"


def test_a_failing_write_rolls_back_every_row(admin_user, monkeypatch):
    from marketing_ops.imports import CountiesDataset

    original = CountiesDataset.apply

    def apply_then_fail(self, ctx):
        original(self, ctx)
        raise RuntimeError("disk full")

    monkeypatch.setattr(CountiesDataset, "apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        submit("counties", csv_bytes(GOOD), admin_user)
    assert not County.objects.filter(code__in=["C11", "C12"]).exists()
    # The job does not stay "running" (its page would poll for ever).
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error and nothing was applied" in job.errors[0]["message"]


def test_a_nul_character_in_a_csv_cell_is_a_cell_error_not_a_crash(admin_user):
    job = submit("counties", b"code,name,kind\nC11,Ele\x00ven,county\n", admin_user)
    assert errors_of(job) == [(2, "name", "contains a NUL character; remove it and upload again")]
    assert not County.objects.filter(code="C11").exists()


# --------------------------------------------------------------------------- limits


@override_settings(UPLOAD_MAX_BYTES=40)
def test_a_file_over_the_size_limit_is_refused_before_parsing(admin_user, no_parsing):
    job = submit("counties", csv_bytes(GOOD), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert "the limit is 40 bytes" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


def _bomb(spaces: int) -> bytes:
    """A zip shaped like a workbook whose sheet XML is a huge run of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/worksheets/sheet1.xml", b" " * spaces)
    return buffer.getvalue()


def test_an_xlsx_with_an_extreme_compression_ratio_is_refused_before_parsing(
    admin_user, no_parsing
):
    content = _bomb(20_000_000)
    assert len(content) < 100_000
    job = submit("counties", content, admin_user, "bomb.xlsx")
    assert job.status == ImportJob.Status.FAILED
    message = job.errors[0]["message"]
    assert "compression ratio" in message
    assert "refused unread" in message


@override_settings(UPLOAD_MAX_XLSX_UNCOMPRESSED=1000, UPLOAD_MAX_XLSX_RATIO=10_000)
def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_parsing(admin_user, no_parsing):
    job = submit("counties", _bomb(5000), admin_user, "big.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert "unpacks to" in job.errors[0]["message"]


@override_settings(UPLOAD_MAX_ROWS=2)
def test_a_csv_over_the_row_limit_is_refused_before_parsing(admin_user, no_parsing):
    text = "code,name,kind\nC11,A,county\nC12,B,county\nC13,C,county\n"
    job = submit("counties", csv_bytes(text), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert "3 rows; the limit is 2" in job.errors[0]["message"]


@override_settings(UPLOAD_MAX_ROWS=2)
def test_an_xlsx_over_the_row_limit_is_refused_and_writes_nothing(admin_user):
    rows = [["C11", "A", "county"], ["C12", "B", "county"], ["C13", "C", "county"]]
    job = submit("counties", xlsx_bytes(COUNTY_HEADERS[:3], rows), admin_user, "rows.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert "more than 2 rows" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


@override_settings(UPLOAD_MAX_ROWS=2)
def test_blank_lines_do_not_count_towards_the_row_limit_of_an_xlsx(admin_user):
    rows = [["C11", "A", "county"], [None, None, None], ["C12", "B", "county"]]
    job = submit("counties", xlsx_bytes(COUNTY_HEADERS[:3], rows), admin_user, "rows.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors


# --------------------------------------------------------------------------- the same file twice


def test_the_same_file_twice_is_refused_naming_the_earlier_import(admin_user, city_user):
    first = submit("counties", csv_bytes(GOOD), admin_user, "first.csv")
    County.objects.filter(code="C11").update(name="Edited since")
    second = submit("counties", csv_bytes(GOOD), admin_user, "renamed.csv")
    assert second.status == ImportJob.Status.FAILED
    message = second.errors[0]["message"]
    assert f"import #{first.pk}" in message
    assert "admin1" in message
    assert County.objects.get(code="C11").name == "Edited since"


def test_a_rejected_file_may_be_uploaded_again_once_fixed_or_unchanged(admin_user):
    bad = csv_bytes("code,name,kind\nC11,Eleven,town\n")
    assert submit("counties", bad, admin_user).status == ImportJob.Status.FAILED
    # A failed import does not block the same bytes (it was never applied).
    assert submit("counties", bad, admin_user).errors[0]["column"] == "kind"


VISITS = "county_code,visits\nC01,3\n"
A_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def names_no_import(message: str, job: ImportJob) -> bool:
    """The message names neither the import, its uploader nor its date."""
    uploader = job.created_by.get_username() if job.created_by else "the command line"
    return f"#{job.pk}" not in message and uploader not in message and not A_DATE.search(message)


def test_a_county_user_is_not_told_about_another_countys_import_of_the_same_file(
    staff_a, staff_b, county_visits_dataset
):
    first = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_a)
    assert first.status == ImportJob.Status.DONE, first.errors
    again = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_b)
    assert again.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in again.errors] == [(None, "")]
    message = again.errors[0]["message"]
    assert "already imported" in message
    assert names_no_import(message, first)
    assert len(county_visits_dataset.applied) == 1


@pytest.mark.parametrize("again_by", ["staff_a", "city_user"], ids=["the uploader", "the city"])
def test_those_who_may_open_the_earlier_import_are_told_which_it_was(
    request, again_by, staff_a, county_visits_dataset
):
    first = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_a)
    user = request.getfixturevalue(again_by)
    again = submit(county_visits_dataset.name, csv_bytes(VISITS), user)
    message = again.errors[0]["message"]
    assert f"import #{first.pk}" in message
    assert "by staff_a" in message


def test_a_county_user_is_not_told_about_the_citys_import_of_the_same_file(
    city_user, staff_a, county_visits_dataset
):
    first = submit(county_visits_dataset.name, csv_bytes(VISITS), city_user)
    again = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_a)
    assert again.status == ImportJob.Status.FAILED
    assert names_no_import(again.errors[0]["message"], first)


def test_a_queued_upload_overtaken_by_another_countys_import_does_not_name_it(
    staff_a, staff_b, county_visits_dataset, django_capture_on_commit_callbacks
):
    # Queued first (its task waits for the commit), then the same bytes land for county A.
    with django_capture_on_commit_callbacks(execute=False):
        queued = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_b, background=True)
    first = submit(county_visits_dataset.name, csv_bytes(VISITS), staff_a)
    assert first.status == ImportJob.Status.DONE, first.errors
    job = tabular.run_job(ImportJob.objects.get(pk=queued.pk))
    assert job.status == ImportJob.Status.FAILED
    message = job.errors[0]["message"]
    assert "already imported" in message
    assert names_no_import(message, first)


# --------------------------------------------------------------------------- formats


def test_a_csv_with_a_byte_order_mark_is_read(admin_user):
    job = submit("counties", csv_bytes(GOOD, bom=True), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert County.objects.filter(code="C11").exists()


@pytest.mark.parametrize(
    "text, encoding",
    [
        ("code,name,kind\nC11,Café,county\n", "latin-1"),
        ("code,name,kind\nC11,十一,county\n", "utf-16"),
    ],
    ids=["Latin-1", "UTF-16"],
)
def test_a_csv_neither_utf8_nor_gb18030_is_refused_naming_the_encodings(text, encoding, admin_user):
    job = submit("counties", csv_bytes(text, encoding=encoding), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert "neither UTF-8 nor GB18030/GBK" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


def test_a_csv_saved_by_excel_on_a_chinese_system_is_read_as_gb18030(admin_user):
    text = "code,name,kind\r\nC11,城关区,district\r\nC12,𠀀乡,county\r\n"
    job = submit("counties", text.encode("gb18030"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert dict(County.objects.values_list("code", "name")) == {"C11": "城关区", "C12": "𠀀乡"}


def test_a_gbk_csv_split_across_read_chunks_is_read_whole(admin_user, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK", 7)  # a two-byte character straddles every chunk
    text = "code,name,kind\nC11,城关镇营业部,county\n"
    job = submit("counties", text.encode("gbk"), admin_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert County.objects.get(code="C11").name == "城关镇营业部"


def test_blank_lines_are_ignored_and_rows_keep_their_spreadsheet_numbers(admin_user):
    text = "code,name,kind\n\nC11,Eleven,county\n,,\n\nC12,Twelve,town\n\n"
    job = submit("counties", csv_bytes(text), admin_user)
    assert errors_of(job) == [(6, "kind", "expected one of county, district, got 'town'")]
    fixed = submit("counties", csv_bytes(text.replace("town", "county")), admin_user)
    assert fixed.status == ImportJob.Status.DONE
    assert fixed.rows == 2


def test_a_header_without_rows_is_refused(admin_user):
    job = submit("counties", csv_bytes("code,name,kind\n"), admin_user)
    assert "no data rows" in job.errors[0]["message"]


def test_an_empty_file_is_refused(admin_user):
    job = submit("counties", b"", admin_user)
    assert "empty" in job.errors[0]["message"]


@pytest.mark.parametrize("name", ["old.xls", "macro.xlsm", "sheet.ods"])
def test_other_spreadsheet_formats_are_refused_with_what_to_upload(admin_user, name):
    job = submit("counties", b"PK\x03\x04rest", admin_user, name)
    assert "upload CSV (UTF-8) or XLSX" in job.errors[0]["message"]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(admin_user):
    job = submit("counties", csv_bytes(GOOD), admin_user, "fake.xlsx")
    assert "not an XLSX workbook" in job.errors[0]["message"]


def test_an_xlsx_round_trips_through_export_and_import(admin_user):
    rows = [["C11", "Eleven County", "county", 11], ["C12", "Twelve District", "District", 12]]
    content = workbook_bytes([Sheet("Counties", COUNTY_HEADERS, rows)])
    job = submit("counties", content, admin_user, "counties.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.rows == 2
    twelve = County.objects.get(code="C12")
    assert (twelve.name, twelve.kind, twelve.sort_order) == ("Twelve District", "district", 12)


def test_bad_xlsx_cells_are_reported_with_row_and_column(admin_user):
    rows = [["C11", "Eleven", "county", 1.5], ["C12", "Twelve", "county", "two"]]
    job = submit("counties", xlsx_bytes(COUNTY_HEADERS, rows), admin_user, "bad.xlsx")
    assert [(r, c) for r, c, _ in errors_of(job)] == [(2, "sort_order"), (3, "sort_order")]


def test_openpyxl_parses_xml_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def _workbook(cells: dict[str, object]) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    for ref, value in cells.items():
        workbook.active[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_fast_xlsx_reader_gives_the_rows_openpyxl_gives():
    import datetime as dt

    # Data from C3 on (blank rows and columns before it), every kind of cell, a far cell.
    content = _workbook(
        {
            "C3": "account_no",
            "D3": "amount",
            "E3": "day",
            "F3": "flag",
            "C4": 12345,
            "D4": 43.08,
            "E4": dt.datetime(2026, 3, 2, 10, 30),
            "F4": True,
            "C5": " padded ",
            "D5": 100,
            "E5": dt.time(9, 15),
            "C6": "=1+1",  # a formula without a cached value reads as blank in both
            "H7": "far",
        }
    )
    fast = list(readers._xlsx_rows(content))
    content.seek(0)
    assert fast == list(readers._openpyxl_rows(content))
    assert fast[3][2:4] == (12345, 43.08)  # a whole number is an int, as openpyxl reads it
    assert fast[4][3] == 100 and isinstance(fast[4][3], int)


def test_a_date_cell_reads_as_a_date_for_date_and_month_columns():
    import datetime as dt

    content = _workbook({"A1": "day", "A2": dt.datetime(2026, 3, 1)})
    (value,) = list(readers._xlsx_rows(content))[1]
    assert tabular.Date("day").parse(value) == dt.date(2026, 3, 1)
    assert str(tabular.MonthColumn("month").parse(value)) == "2026-03"


def test_an_excel_error_cell_is_named_not_read_as_blank(admin_user):
    # calamine reads "#N/A" as blank: a workbook with error cells is read by openpyxl instead.
    content = _workbook(
        {"A1": "code", "B1": "name", "C1": "kind", "D1": "sort_order", "A2": "C11"}
        | {"B2": "Eleven", "C2": "county", "D2": "#N/A"}
    )
    assert readers._scan_sheets(content).errors
    job = submit("counties", content.getvalue(), admin_user, "errors.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert [(r, c) for r, c, _ in errors_of(job)] == [(2, "sort_order")]
    assert "#N/A" in job.errors[0]["message"]
    assert not readers._scan_sheets(_workbook({"A1": "code", "A2": "#N/A as text"})).errors


def _without_cell_references(content: io.BytesIO) -> io.BytesIO:
    """The same workbook with its cells' r="…" attributes removed (positions implied)."""
    import re

    out = io.BytesIO()
    with zipfile.ZipFile(content) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", data)
            target.writestr(info, data)
    out.seek(0)
    return out


def test_the_grid_calamine_would_allocate_is_measured_before_it_reads():
    # calamine holds last row × last column cells, blanks included: two cells far apart are
    # a large grid (a 5 KB file with A1 and ZZ200000 took 4 GB).
    assert readers._scan_sheets(_workbook({"A1": "x", "B2": "y"})).grid == 4
    assert readers._scan_sheets(_workbook({"A1": "x", "ZZ20000": "y"})).grid == 702 * 20000
    assert readers._scan_sheets(_workbook({"C3": "x", "AA10": "y"})).grid == 27 * 10
    assert 0 < readers._scan_sheets(_workbook({"A1": "x"})).xml < 10_000
    # Cells without a reference leave the grid unknown.
    bare = _without_cell_references(_workbook({"A1": "x", "B1": "y"}))
    assert readers._scan_sheets(bare).grid > 10**15


def test_a_sparse_sheet_or_one_without_cell_references_streams_through_openpyxl(
    admin_user, settings, monkeypatch
):
    read = []
    openpyxl_rows = readers._openpyxl_rows
    monkeypatch.setattr(readers, "_openpyxl_rows", lambda f: read.append(1) or openpyxl_rows(f))
    settings.UPLOAD_XLSX_FAST_MAX_CELLS = 40
    cells = {"A1": "code", "B1": "name", "C1": "kind", "D1": "sort_order"}
    # 8 cells, but a grid of 26 columns × 2 rows: more than 40.
    sparse = _workbook(cells | {"Z1": "note", "A2": "C11", "B2": "Eleven", "C2": "county"})
    job = submit("counties", sparse.getvalue(), admin_user, "sparse.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert read == [1]
    bare = _without_cell_references(_workbook(cells | {"A2": "C12", "B2": "T", "C2": "county"}))
    job = submit("counties", bare.getvalue(), admin_user, "bare.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert read == [1, 1]
    monkeypatch.setattr(readers, "_FAST_MAX_XML", 100)  # much XML (long strings): openpyxl too
    small = _workbook(cells | {"A2": "C13", "B2": "Thirteen", "C2": "county"})
    job = submit("counties", small.getvalue(), admin_user, "long-strings.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert read == [1, 1, 1]
    codes = County.objects.filter(code__in=["C11", "C12", "C13"]).values_list("code", flat=True)
    assert set(codes) == {"C11", "C12", "C13"}


def test_a_sheet_beyond_the_fast_readers_cell_budget_streams_through_openpyxl(
    admin_user, settings, monkeypatch
):
    def sheet(code: str) -> bytes:  # 8 cells
        return xlsx_bytes(COUNTY_HEADERS, [[code, f"County {code}", "county", 11]])

    read = []
    openpyxl_rows = readers._openpyxl_rows
    monkeypatch.setattr(readers, "_openpyxl_rows", lambda f: read.append(1) or openpyxl_rows(f))
    settings.UPLOAD_XLSX_FAST_MAX_CELLS = 8
    assert submit("counties", sheet("C11"), admin_user, "a.xlsx").status == ImportJob.Status.DONE
    assert read == []
    settings.UPLOAD_XLSX_FAST_MAX_CELLS = 7
    job = submit("counties", sheet("C12"), admin_user, "b.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert read == [1]
    assert County.objects.get(code="C12").sort_order == 11


# --------------------------------------------------------------------------- county scope


def test_a_county_user_may_upload_their_own_countys_rows(staff_a, county_visits_dataset):
    job = submit("test_county_visits", csv_bytes("county_code,visits\nC01,3\nc01,4\n"), staff_a)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.county == staff_a.profile.county
    assert [visits for _, visits in county_visits_dataset.applied] == [3, 4]


def test_a_county_user_uploading_another_countys_rows_is_refused(
    staff_a, county_b, county_visits_dataset
):
    text = "county_code,visits\nC01,3\nC02,4\nC01,5\n"
    job = submit("test_county_visits", csv_bytes(text), staff_a)
    assert job.status == ImportJob.Status.FAILED
    assert errors_of(job) == [(3, "county_code", "county C02 is outside your county (C01)")]
    assert county_visits_dataset.applied == []


def test_a_city_user_may_upload_rows_of_every_county(
    city_user, county_a, county_b, county_visits_dataset
):
    job = submit("test_county_visits", csv_bytes("county_code,visits\nC01,3\nC02,4\n"), city_user)
    assert job.status == ImportJob.Status.DONE, job.errors


def test_an_unknown_county_code_is_a_cell_error(city_user, county_a, county_visits_dataset):
    job = submit("test_county_visits", csv_bytes("county_code,visits\nC77,3\n"), city_user)
    assert errors_of(job) == [(2, "county_code", "unknown county code 'C77'")]


def test_a_role_outside_the_dataset_may_not_submit(staff_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submit("counties", csv_bytes(GOOD), staff_a)
    assert not ImportJob.objects.exists()
