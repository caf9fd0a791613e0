"""The demo city speaks Chinese (README.md#a-walk-through-the-demo): after ``seed_demo`` every
text the demo and the shipped defaults put in the database — county, line, item, warehouse and
customer names, addresses, packages, cases, notes, reasons, checklist items — is Chinese, and
no English word is left in it. Codes, account numbers, SKUs, serials and user names are
identifiers and stay as they are."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from arrears.models import Account
from audits.models import ChecklistItem
from marketing_ops.models import BusinessLine, County
from materials.models import Item, Warehouse

pytestmark = pytest.mark.django_db

#: The apps whose rows the demo writes.
APPS = ("marketing_ops", "revenue", "arrears", "audits", "materials", "appraisal")
#: Text columns that hold identifiers, hashes, file names or periods, not words.
IDENTIFIERS = {
    "code",
    "sku",
    "serial",
    "replacement_serial",
    "account_no",
    "order_no",
    "period",
    "week",
    "month",
    "fingerprint",
    "sha256",
    "content_type",
    "file",
    "filename",
    "original_name",
    "username",
    "owner",
    "phone",
    "contact_phone",
    "language",
    "scope",
}
#: Columns of one model that hold codes: a report change's action, field and values (status
#: codes and figures), the status an event led to, a random check's seed (a hash).
CODE_COLUMNS = {
    "revenue.ReportChange.action",
    "revenue.ReportChange.field",
    "revenue.ReportChange.old",
    "revenue.ReportChange.new",
    "audits.FindingEvent.status_after",
    "audits.FalseUserEvent.status_after",
    "materials.RandomCheck.seed",
}
#: Rows the demo does not write (import jobs) or whose language the briefings' own tests check
#: (the archived briefings); the built-in indicators' names are translated where they are shown.
SKIPPED_MODELS = {"marketing_ops.Briefing", "marketing_ops.ImportJob"}
#: A word of three letters or more standing alone: user names (``c01_staff``), codes (``n_a``)
#: and sizes (``300M``) are not words.
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _installed_in_chinese(settings):
    """As installed: Chinese is the default language, so what the services write while the
    demo is seeded (a rule's explanation, a voided sign-off's reason) is written in Chinese."""
    settings.LANGUAGE_CODE = "zh-hans"


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def free_text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField))
        and not field.choices
        and field.name not in IDENTIFIERS
        and not field.name.endswith(("_code", "_no", "_id", "_hash"))
    ]


def english_texts() -> dict[str, set[str]]:
    """Each model field → the stored texts of it that hold an English word."""
    found: dict[str, set[str]] = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in SKIPPED_MODELS:
                continue
            queryset = model._default_manager.all()
            if model._meta.label == "appraisal.Indicator":
                queryset = queryset.filter(built_in=False)
            for name in free_text_fields(model):
                if f"{model._meta.label}.{name}" in CODE_COLUMNS:
                    continue
                values = queryset.order_by().values_list(name, flat=True).distinct()
                for value in values.iterator():
                    if value and ENGLISH_WORD.search(value):
                        found.setdefault(f"{model._meta.label}.{name}", set()).add(value)
    return found


def test_the_demo_writes_no_english_word_into_the_database():
    seed()
    found = english_texts()
    report = "\n".join(f"{field}: {sorted(texts)[:3]}" for field, texts in sorted(found.items()))
    assert not found, f"English in the demo's data:\n{report}"


def test_the_demo_names_its_city_counties_lines_items_and_customers_in_chinese():
    seed()
    assert settings.CITY_NAME == "青山市"
    assert dict(County.objects.values_list("code", "name")) == {
        "C01": "东城区",
        "C02": "西城区",
        "C03": "临河县",
        "C04": "山阳县",
        "C05": "北岭县",
        "C06": "南水县",
        "C07": "桥头县",
        "C08": "河西县",
    }
    assert dict(BusinessLine.objects.values_list("code", "name")) == {
        "BROADBAND": "宽带",
        "DEDICATED_LINE": "宽带专线",
        "PUBLIC_PHONE": "公用电话",
        "FIXED_PHONE": "固话",
    }
    assert set(BusinessLine.objects.values_list("unit", flat=True)) == {"户", "条", "部"}
    assert Warehouse.objects.get(code="CITY").name == "市公司中心库"
    assert Warehouse.objects.get(code="C03").name == "临河县"
    items = dict(Item.objects.values_list("sku", "name"))
    assert items["ONT-X1"].startswith("光猫") and items["CAB-DROP"] == "皮线光缆"
    assert set(Item.objects.values_list("unit", flat=True)) == {"台", "米", "个"}
    first = Account.objects.get(account_no="C01000001")
    assert (first.customer_name, first.address) == ("王建国", "青山市东城区建设路1号")
    names = list(Account.objects.values_list("customer_name", flat=True))
    assert all(CJK.search(name) and not ENGLISH_WORD.search(name) for name in names)
    assert len(set(names)) > 40  # not one name for everybody
    assert ChecklistItem.objects.filter(text="退费明细已核对").exists()


def test_a_chinese_county_user_reads_the_demo_names_on_the_pages(client):
    seed()
    client.force_login(get_user_model().objects.get(username="c01_staff"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/arrears/worklist/").content.decode()
    assert "东城区" in page and "青山市东城区" in page
    assert "Dongcheng" not in page and "West Lane" not in page
