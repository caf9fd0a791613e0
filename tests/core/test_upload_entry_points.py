"""The upload pipeline through each door: the page /imports/new/, the API /api/v1/imports/ and
``manage.py import_data`` — the same validation behind all three (docs/file-formats.md,
README.md#command-line)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from marketing_ops.models import County, ImportJob
from tests.core.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db

GOOD = "code,name,kind\nC11,Eleven County,county\n"
BAD = "code,name,kind\nC11,Eleven County,county\nC12,Twelve,town\n"


# --------------------------------------------------------------------------- the page


def test_uploading_on_the_page_imports_and_shows_the_result(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        "/imports/new/", {"dataset": "counties", "file": upload(csv_bytes(GOOD))}, follow=True
    )
    job = ImportJob.objects.get()
    assert response.redirect_chain[-1][0] == f"/imports/{job.pk}/"
    assert "Imported 1 row from" in response.content.decode()
    assert County.objects.filter(code="C11").exists()


def test_a_rejected_upload_on_the_page_lists_each_error_with_row_and_column(client_for, admin_user):
    response = client_for(admin_user).post(
        "/imports/new/", {"dataset": "counties", "file": upload(csv_bytes(BAD))}, follow=True
    )
    page = response.content.decode()
    assert "rejected; nothing was written" in page
    assert "town" in page
    job = ImportJob.objects.get()
    assert job.errors == [
        {"row": 3, "column": "kind", "message": "expected one of county, district, got 'town'"}
    ]
    assert not County.objects.filter(code="C11").exists()


def test_the_errors_of_an_import_download_as_a_workbook(client_for, admin_user):
    client = client_for(admin_user)
    client.post("/imports/new/", {"dataset": "counties", "file": upload(csv_bytes(BAD))})
    job = ImportJob.objects.get()
    response = client.get(f"/imports/{job.pk}/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Row", "Column", "Message"]
    assert [c.value for c in sheet[2]][:2] == [3, "kind"]


@override_settings(UPLOAD_MAX_BYTES=10)
def test_the_page_refuses_a_file_over_the_size_limit_without_recording_it(client_for, admin_user):
    response = client_for(admin_user).post(
        "/imports/new/", {"dataset": "counties", "file": upload(csv_bytes(GOOD))}
    )
    assert response.status_code == 200
    assert "the limit is 10" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_page_offers_only_the_datasets_of_the_role(client_for, admin_user):
    page = client_for(admin_user).get("/imports/new/").content.decode()
    assert 'value="counties"' in page
    assert "/imports/template/counties.xlsx" in page


def test_a_filled_in_template_imports(client_for, admin_user):
    client = client_for(admin_user)
    template = client.get("/imports/template/counties.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["code", "name", "kind", "sort_order"]
    sheet.append(["C11", "Eleven County", "county", 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.post(
        "/imports/new/",
        {"dataset": "counties", "file": upload(buffer.getvalue(), "counties.xlsx")},
    )
    assert County.objects.get(code="C11").sort_order == 5


def test_the_template_of_an_unknown_dataset_is_not_found(client_for, admin_user):
    assert client_for(admin_user).get("/imports/template/nope.xlsx").status_code == 404


# --------------------------------------------------------------------------- the API


def test_uploading_through_the_api_answers_201_with_the_job(api_for, admin_user):
    response = api_for(admin_user).post(
        "/api/v1/imports/",
        {"dataset": "counties", "file": upload(csv_bytes(GOOD))},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["rows"], body["errors"]) == ("done", 1, [])
    assert api_for(admin_user).get(f"/api/v1/imports/{body['id']}/").json()["status"] == "done"


def test_a_rejected_upload_through_the_api_answers_400_with_row_column_message(api_for, admin_user):
    response = api_for(admin_user).post(
        "/api/v1/imports/", {"dataset": "counties", "file": upload(csv_bytes(BAD))}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "kind", "message": "expected one of county, district, got 'town'"}
    ]
    assert not County.objects.filter(code="C11").exists()


def test_the_same_file_twice_through_the_api_names_the_earlier_import(api_for, admin_user):
    client = api_for(admin_user)
    first = client.post(
        "/api/v1/imports/", {"dataset": "counties", "file": upload(csv_bytes(GOOD))}
    )
    second = client.post(
        "/api/v1/imports/", {"dataset": "counties", "file": upload(csv_bytes(GOOD))}
    )
    assert second.status_code == 400
    assert f"import #{first.json()['id']}" in second.json()["errors"][0]["message"]


def test_the_api_refuses_an_unknown_dataset_with_a_field_error(api_for, admin_user):
    response = api_for(admin_user).post(
        "/api/v1/imports/", {"dataset": "nope", "file": upload(csv_bytes(GOOD))}
    )
    assert response.status_code == 400
    assert [error["column"] for error in response.json()["errors"]] == ["dataset"]


@override_settings(UPLOAD_MAX_BYTES=10)
def test_the_api_refuses_a_file_over_the_size_limit(api_for, admin_user):
    response = api_for(admin_user).post(
        "/api/v1/imports/", {"dataset": "counties", "file": upload(csv_bytes(GOOD))}
    )
    assert response.status_code == 400
    assert "the limit is 10 bytes" in response.json()["errors"][0]["message"]


def test_a_county_user_uploading_another_countys_rows_through_the_api_is_refused(
    api_for, staff_a, county_b, county_visits_dataset
):
    response = api_for(staff_a).post(
        "/api/v1/imports/",
        {
            "dataset": "test_county_visits",
            "file": upload(csv_bytes("county_code,visits\nC02,1\n")),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "county_code"
    assert county_visits_dataset.applied == []


# --------------------------------------------------------------------------- the command line


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(text))
    return path


def test_import_data_imports_a_good_file(tmp_path, capsys):
    call_command("import_data", "counties", str(write(tmp_path, "ok.csv", GOOD)))
    assert "1 rows read, 1 records written" in capsys.readouterr().out
    assert County.objects.filter(code="C11").exists()


def test_import_data_with_a_bad_row_prints_row_column_message_and_changes_nothing(tmp_path, capsys):
    before = County.objects.count()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", "counties", str(write(tmp_path, "bad.csv", BAD)))
    err = capsys.readouterr().err
    assert "row, column, message" in err
    assert "3, kind, expected one of county, district, got 'town'" in err
    assert County.objects.count() == before


def test_import_data_as_a_county_user_applies_their_scope(
    tmp_path, capsys, staff_a, county_b, county_visits_dataset
):
    path = write(tmp_path, "visits.csv", "county_code,visits\nC01,2\nC02,3\n")
    with pytest.raises(CommandError):
        call_command("import_data", "test_county_visits", str(path), "--as", "staff_a")
    assert "3, county_code, county C02 is outside your county (C01)" in capsys.readouterr().err


def test_import_data_without_a_user_may_import_every_county(
    tmp_path, county_a, county_b, county_visits_dataset
):
    path = write(tmp_path, "visits.csv", "county_code,visits\nC01,2\nC02,3\n")
    call_command("import_data", "test_county_visits", str(path))
    assert len(county_visits_dataset.applied) == 2


def test_import_data_refuses_an_unknown_dataset_user_or_file(tmp_path, admin_user):
    path = write(tmp_path, "ok.csv", GOOD)
    with pytest.raises(CommandError, match="unknown dataset"):
        call_command("import_data", "nope", str(path))
    with pytest.raises(CommandError, match="no such user"):
        call_command("import_data", "counties", str(path), "--as", "ghost")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_data", "counties", str(tmp_path / "missing.csv"))


def test_import_data_as_a_role_that_may_not_import_is_refused(tmp_path, staff_a):
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_data", "counties", str(write(tmp_path, "ok.csv", GOOD)), "--as", "staff_a"
        )


def test_import_data_exits_non_zero_on_a_bad_file(tmp_path):
    """The real process, as a shell script or cron job sees it, on a throwaway SQLite file."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "marketing_ops.settings",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [*manage, "import_data", "counties", str(write(tmp_path, "bad.csv", BAD))],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "3, kind, expected one of county, district, got 'town'" in result.stderr
    good = subprocess.run(
        [*manage, "import_data", "counties", str(write(tmp_path, "good.csv", GOOD))],
        env=env,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stderr
