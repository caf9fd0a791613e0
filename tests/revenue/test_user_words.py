"""What users read on the upload and import pages: plural forms, no developer words in sight,
one date format (marketing_ops.formatting)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from marketing_ops import formatting
from marketing_ops.models import ImportJob

from .conftest import submit_file

HEADER = b"county_code,year,month,revenue,BROADBAND,DEDICATED_LINE\n"


def test_one_imported_report_reads_in_the_singular(client_for, staff_a, lines):
    upload = SimpleUploadedFile("one.csv", HEADER + b"C01,2026,3,100.00,1,0\n")
    response = client_for(staff_a).post("/revenue/reports/upload/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Imported 1 report from one.csv as a draft." in page
    assert "1 reports" not in page


def test_one_error_reads_in_the_singular(client_for, staff_a, lines):
    upload = SimpleUploadedFile("bad.csv", HEADER + b"C01,2026,3,1.234,1,0\n")
    page = client_for(staff_a).post("/revenue/reports/upload/", {"file": upload}).content.decode()
    assert "bad.csv was rejected (1 error)" in page
    assert "(1 errors)" not in page


def test_the_core_upload_says_one_row_in_the_singular(client_for, staff_a, lines):
    upload = SimpleUploadedFile("one.csv", HEADER + b"C01,2026,3,100.00,1,0\n")
    response = client_for(staff_a).post(
        "/imports/new/", {"dataset": "monthly_figures", "file": upload}, follow=True
    )
    page = response.content.decode()
    assert "Imported 1 row from one.csv." in page
    assert "1 row read" in page and "1 record written" in page
    assert "1 rows" not in page and "1 records" not in page


def test_the_import_page_keeps_the_fingerprint_in_a_fold_and_dates_in_one_format(
    client_for, staff_a, lines
):
    job = submit_file(HEADER + b"C01,2026,3,1.234,1,0\n", staff_a)
    page = client_for(staff_a).get(f"/imports/{job.pk}/").content.decode()
    assert '<details class="small text-muted mb-3" id="file-fingerprint">' in page
    assert page.index("<details") < page.index(job.sha256)
    assert "SHA-256</dt>" not in page
    assert formatting.date(ImportJob.objects.get(pk=job.pk).created_at) in page
    assert "1 error" in page and "1 errors" not in page
