"""Column priority (docs/language-and-formats.md#phones): a column marked ``low_priority`` is
left out on a phone's screen, kept on wider screens, on paper and in the xlsx export."""

import re
from decimal import Decimal
from pathlib import Path

import django_tables2 as tables
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from marketing_ops.tables import LOW_PRIORITY, NUM, MoneyColumn, low_priority
from marketing_ops.xlsx import table_sheet

pytestmark = pytest.mark.django_db


class LedgerTable(tables.Table):
    account = tables.Column()
    address = low_priority(tables.Column(attrs={"cell": {"data-kept": "yes"}}))
    billed = low_priority(MoneyColumn(footer="Total"))
    owed = MoneyColumn()

    class Meta:
        template_name = "tables/bootstrap5.html"


ROWS = [{"account": "C01000001", "address": "1 Station Road", "billed": 300, "owed": 250}]


def _cells(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b([^>]*)>", html)


def _classes(attrs: str) -> set[str]:
    found = re.search(r'class="([^"]*)"', attrs)
    return set(found[1].split()) if found else set()


def test_a_low_priority_column_carries_the_class_on_its_header_cells_and_footer():
    table = LedgerTable(ROWS)
    html = render_to_string(
        table.template_name, {"table": table, "request": RequestFactory().get("/")}
    )
    headers, cells, footers = _cells(html, "th"), _cells(html, "td")[:4], _cells(html, "td")[4:]
    marked = [[LOW_PRIORITY in attrs for attrs in row] for row in (headers, cells, footers)]
    assert marked == [[False, True, True, False]] * 3
    # The column's own classes and attributes stay: right-aligned figures, a shared cell attribute.
    assert _classes(cells[2]) == {"num", LOW_PRIORITY} and _classes(cells[3]) == {"num"}
    assert 'data-kept="yes"' in headers[1] and 'data-kept="yes"' in cells[1]


def test_the_xlsx_export_keeps_the_low_priority_columns():
    sheet = table_sheet(LedgerTable(ROWS), "Ledger")
    assert list(sheet.headers) == ["Account", "Address", "Billed", "Owed"]
    assert list(next(iter(sheet.rows))) == ["C01000001", "1 Station Road", Decimal(300), 250]


def test_marking_a_column_leaves_the_shared_attributes_alone():
    low_priority(MoneyColumn())
    assert NUM == {"td": {"class": "num"}, "th": {"class": "num"}}


def test_a_column_with_computed_classes_is_refused():
    with pytest.raises(TypeError, match="classes are text"):
        low_priority(tables.Column(attrs={"td": {"class": lambda record: "x"}}))


def test_only_a_narrow_screen_hides_the_low_priority_cells():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    rule = re.search(r"@media screen and \(max-width: 767\.98px\) \{(.*?)\n\}", css, re.S)
    assert rule and f".{LOW_PRIORITY} {{ display: none !important; }}" in rule[1]
    assert css.count(f".{LOW_PRIORITY}") == 1  # nothing hides it on paper
