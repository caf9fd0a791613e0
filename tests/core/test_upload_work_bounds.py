"""The work an upload can cause is bounded before and while it is read (cells walked, blank ones
included, not just rows with values), and an upload too large for a web request runs in the
background (docs/file-formats.md#files)."""

from __future__ import annotations

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketing_ops.models import County, ImportJob
from tests.core.conftest import csv_bytes, submit

pytestmark = pytest.mark.django_db

WHOLE_GRID = "A1:XFD1048576"


def crafted_workbook(dimension: str = WHOLE_GRID, far_cell: str | None = None) -> bytes:
    """A counties workbook of one row whose sheet claims ``dimension``, optionally with one
    blank cell at ``far_cell`` (as a spreadsheet leaves after a cell was cleared)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "kind", "sort_order"])
    sheet.append(["C11", "Eleven County", "county", 11])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>',
                    b'<dimension ref="%s"/>' % dimension.encode(),
                    data,
                )
                if far_cell:
                    row = re.sub(r"[A-Z]", "", far_cell)
                    data = data.replace(
                        b"</sheetData>",
                        f'<row r="{row}"><c r="{far_cell}" t="inlineStr"><is><t></t></is></c>'
                        f"</row></sheetData>".encode(),
                    )
            target.writestr(info, data)
    content = out.getvalue()
    assert len(content) < 6_000  # a 5 KB file
    return content


def timed_submit(content: bytes, user, name: str = "crafted.xlsx") -> tuple[ImportJob, float]:
    started = time.perf_counter()
    job = submit("counties", content, user, name)
    return job, time.perf_counter() - started


def test_a_small_workbook_with_a_blank_cell_a_million_rows_down_is_bounded_work(
    admin_user, django_capture_on_commit_callbacks
):
    # Its blank rows used to be walked cell by cell across the claimed width (68–104 s in a
    # web request). Its cells span a million rows: it goes to the background, and is read there
    # by its cells, not by the grid it claims.
    content = crafted_workbook(far_cell="A1048576")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job, seconds = timed_submit(content, admin_user)
    assert job.status == ImportJob.Status.QUEUED
    assert seconds < 5
    started = time.perf_counter()
    for run in queued:
        run()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert time.perf_counter() - started < 5
    assert job.rows == 1
    assert County.objects.filter(code="C11").exists()


def test_a_workbook_whose_cells_span_more_than_the_cell_limit_is_refused_unread(
    admin_user, settings
):
    job, seconds = timed_submit(crafted_workbook(far_cell="XFD1048576"), admin_user)
    assert job.status == ImportJob.Status.FAILED
    message = job.errors[0]["message"]
    assert "17,179,869,184 cells" in message and "the limit is 40,000,000" in message
    assert "stray cells" in message
    assert seconds < 5

    settings.UPLOAD_MAX_CELLS = 1_000_000  # a million blank rows × 4 columns is over it
    job, seconds = timed_submit(crafted_workbook(far_cell="D1048576"), admin_user, "d.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert "4,194,304 cells" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


def test_blank_rows_count_against_the_cell_limit_while_a_file_is_read(admin_user, settings):
    settings.UPLOAD_MAX_CELLS = 100
    text = "code,name,kind,sort_order\n" + ",,,\n" * 200 + "C11,Eleven,county,11\n"
    job = submit("counties", csv_bytes(text), admin_user)
    assert job.status == ImportJob.Status.FAILED
    assert "more than 100 cells to read, blank ones included" in job.errors[0]["message"]
    assert not County.objects.filter(code="C11").exists()


def test_an_upload_too_large_for_a_web_request_runs_in_the_background(
    admin_user, api_for, client_for, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_FOREGROUND_MAX_CELLS = 40  # 4 columns: up to 9 rows and the header
    rows = "".join(f"C{n},County {n},county,{n}\n" for n in range(20, 30))
    api = api_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/",
            {
                "dataset": "counties",
                "file": SimpleUploadedFile(
                    "big.csv", csv_bytes("code,name,kind,sort_order\n" + rows)
                ),
            },
            format="multipart",
        )
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    assert ImportJob.objects.get(pk=response.json()["id"]).status == ImportJob.Status.DONE
    assert County.objects.filter(code__startswith="C2").count() == 10

    small = SimpleUploadedFile("small.csv", csv_bytes("code,name,kind\nC40,Forty,county\n"))
    response = api.post(
        "/api/v1/imports/", {"dataset": "counties", "file": small}, format="multipart"
    )
    assert response.status_code == 201  # a small file still runs during the request

    page_rows = "".join(f"C{n},County {n},county,{n}\n" for n in range(50, 60))
    upload = SimpleUploadedFile("page.csv", csv_bytes("code,name,kind,sort_order\n" + page_rows))
    with django_capture_on_commit_callbacks(execute=False):
        page = client_for(admin_user).post(
            "/imports/new/", {"dataset": "counties", "file": upload}, follow=True
        )
    assert "was received; this page follows its import" in page.content.decode()
    assert ImportJob.objects.get(file_name="page.csv").status == ImportJob.Status.QUEUED
