"""The shipped defaults in Chinese (docs/rules.md#organisation-data): an installation made by an
earlier version gets the default business lines, checklist items and city store renamed by a
migration, but only where they still carry the English text that version seeded; what city
staff renamed, and the checks audits already copied, stay as they are."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps

from audits.models import Audit, AuditCheck, ChecklistItem
from audits.services.audits import checklists_ensure
from marketing_ops.models import BusinessLine
from materials.models import Item, Warehouse
from materials.services.warehouses import warehouses_ensure

pytestmark = pytest.mark.django_db

lines_migration = import_module("marketing_ops.migrations.0007_default_lines_in_chinese")
checklist_migration = import_module("audits.migrations.0012_default_checklists_in_chinese")
store_migration = import_module("materials.migrations.0005_chinese_defaults")


def test_a_fresh_installation_has_the_default_lines_in_chinese():
    lines = {line.code: (line.name, line.unit) for line in BusinessLine.objects.all()}
    assert lines == {
        "BROADBAND": ("宽带", "户"),
        "DEDICATED_LINE": ("宽带专线", "条"),
        "PUBLIC_PHONE": ("公用电话", "部"),
        "FIXED_PHONE": ("固话", "户"),
    }
    assert BusinessLine(code="IPTV", name="IPTV").unit == "户"


def test_only_lines_still_carrying_the_english_default_are_renamed():
    BusinessLine.objects.filter(code="BROADBAND").update(
        name="Broadband terminals", unit="households"
    )
    BusinessLine.objects.filter(code="DEDICATED_LINE").update(name="Fibre for firms", unit="lines")
    BusinessLine.objects.create(code="IPTV", name="Ordinary phones", unit="households")
    lines_migration.lines_in_chinese(apps, None)
    lines = {line.code: (line.name, line.unit) for line in BusinessLine.objects.all()}
    assert lines["BROADBAND"] == ("宽带", "户")
    assert lines["DEDICATED_LINE"] == ("Fibre for firms", "条")
    # Another line with a default's name is not a default line.
    assert lines["IPTV"] == ("Ordinary phones", "households")


def test_only_checklist_items_still_reading_as_an_english_default_are_replaced(county_a):
    templates = checklists_ensure()
    daily = templates["daily"]
    assert list(daily.items.values_list("text", flat=True)) == [
        "退费明细已核对",
        "拆机明细已核对",
        "当日核查事项已处理",
    ]
    first, second, _third = daily.items.all()
    ChecklistItem.objects.filter(pk=first.pk).update(text="Refund details verified")
    ChecklistItem.objects.filter(pk=second.pk).update(text="Dismantle details and forms verified")
    audit = Audit.objects.create(
        county=county_a,
        cadence="daily",
        period="2026-11-30",
        period_start=dt.date(2026, 11, 30),
        period_end=dt.date(2026, 11, 30),
        due_on=dt.date(2026, 12, 1),
    )
    check = AuditCheck.objects.create(audit=audit, position=1, text="Refund details verified")
    checklist_migration.items_in_chinese(apps, None)
    assert list(daily.items.values_list("text", flat=True)) == [
        "退费明细已核对",
        "Dismantle details and forms verified",
        "当日核查事项已处理",
    ]
    # What an audit copied is what its sign-offs signed: it stays.
    check.refresh_from_db()
    assert check.text == "Refund details verified"


def test_the_city_store_is_renamed_unless_city_staff_named_it(county_a):
    warehouses_ensure()
    assert Warehouse.objects.get(code="CITY").name == "市公司中心库"
    Warehouse.objects.filter(code="CITY").update(name="City central store")
    store_migration.store_in_chinese(apps, None)
    assert Warehouse.objects.get(code="CITY").name == "市公司中心库"
    Warehouse.objects.filter(code="CITY").update(name="中心库（新区）")
    store_migration.store_in_chinese(apps, None)
    assert Warehouse.objects.get(code="CITY").name == "中心库（新区）"
    assert Item(sku="X", name="光猫").unit == "个"
