"""``{% table_rows %}`` draws the rows of a table in Python; the page must not change."""

import datetime as dt
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory

from marketing_ops.tables import DateColumn, MoneyColumn

pytestmark = pytest.mark.django_db


class SampleTable(tables.Table):
    name = tables.Column(linkify=lambda record: f"/x/{record['id']}/")
    note = tables.Column(attrs={"td": {"class": "note", "data-id": lambda record: record["id"]}})
    amount = MoneyColumn()
    day = DateColumn()
    count = tables.Column(localize=True)
    raw = tables.Column(localize=False)
    missing = tables.Column(default="—")

    class Meta:
        # Cell attributes from the table, from a column, fixed or computed per row.
        attrs = {"td": {"data-table": "sample"}}
        row_attrs = {"data-row": lambda record: record["id"]}
        empty_text = "Nothing <here> yet."


ROWS = [
    {
        "id": 1,
        "name": "Zhang & Sons",
        "note": '<b>unsafe</b> "quoted"',
        "amount": Decimal("86400.5"),
        "day": dt.date(2026, 3, 24),
        "count": 12345,
        "raw": 6789,
        "missing": None,
    },
    {
        "id": 2,
        "name": "Li",
        "note": "",
        "amount": Decimal("0"),
        "day": None,
        "count": 1.5,
        "raw": 2.5,
        "missing": "x",
    },
]


def html(rows, template: str) -> str:
    request = RequestFactory().get("/list/")
    table = SampleTable(rows, template_name=template)
    return re.sub(r"\s+", " ", table.as_html(request)).replace("> <", "><").strip()


@pytest.mark.parametrize("rows", [ROWS, []], ids=["rows", "empty"])
@pytest.mark.parametrize("name", ["bootstrap5.html", "bootstrap5-responsive.html"])
def test_the_fast_rows_draw_what_django_tables2s_template_draws(rows, name):
    fast = html(rows, f"tables/{name}")
    assert fast == html(rows, f"django_tables2/{name}")
    assert "&lt;b&gt;unsafe&lt;/b&gt;" in fast or not rows
    assert "Nothing &lt;here&gt; yet." in fast or rows
