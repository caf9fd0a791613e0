"""Fixtures of the foundation tests: upload files and a test-only county-scoped dataset."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketing_ops import tabular
from marketing_ops.access import Role
from marketing_ops.services import import_submit
from marketing_ops.tabular import dataset as tabular_dataset
from marketing_ops.xlsx import Sheet, workbook_bytes

COUNTY_HEADERS = ["code", "name", "kind", "sort_order"]


def csv_bytes(text: str, *, bom: bool = False, encoding: str = "utf-8") -> bytes:
    return (("\ufeff" if bom else "") + text).encode(encoding)


def xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    return workbook_bytes([Sheet("Data", headers, rows)])


def upload(content: bytes, name: str = "upload.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def submit(dataset: str, content: bytes, user, name: str = "upload.csv", **kwargs):
    return import_submit(
        dataset=dataset, fileobj=io.BytesIO(content), file_name=name, user=user, **kwargs
    )


class CountyVisitsDataset(tabular.Dataset):
    """Test-only dataset with a county column; ``applied`` keeps what was written."""

    name = "test_county_visits"
    label = "County visits (test)"
    roles = (Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF)
    columns = (tabular.CountyCode("county_code"), tabular.Integer("visits"))
    applied: list[tuple] = []

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = ctx.state["rows"]
        type(self).applied.extend(rows)
        return len(rows)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs a second per user on this machine; the tests do not test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county_visits_dataset() -> Iterator[type[CountyVisitsDataset]]:
    """Register the test dataset for one test and remove it afterwards."""
    CountyVisitsDataset.applied = []
    tabular.register(CountyVisitsDataset)
    yield CountyVisitsDataset
    tabular_dataset._REGISTRY.pop(CountyVisitsDataset.name, None)
