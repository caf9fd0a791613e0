"""Names, not codes, on the materials pages (docs/language-and-formats.md#names-not-codes): the
ledger, the items, the closed-loop grid and a stock count name business lines and people as
users know them, on the page and in the export."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketing_ops.models import Profile
from materials.services import counts as count_writes
from tests.materials.test_loop import DAY, hand_made_day  # noqa: F401  (a fixture)


def named(user, name):
    Profile.objects.filter(user=user).update(display_name=name)
    return user


def export_rows(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def installed(move, ont, wh_a, broadband, city_user):
    named(city_user, "王建国")
    move("receipt", ont, to_warehouse=wh_a, serial="SN-N1", user=city_user)
    move(
        "issue_install",
        ont,
        from_warehouse=wh_a,
        serial="SN-N1",
        account_no="A-N1",
        business_line=broadband,
        deposit=Decimal("100"),
        user=city_user,
    )


def test_the_ledger_names_the_line_and_who_recorded_each_move(client_for, city_user, installed):
    client = client_for(city_user)
    page = client.get("/materials/moves/").content.decode()
    assert "王建国" in page and ">Broadband<" in page
    assert ">BROADBAND<" not in page and city_user.username not in page
    rows = export_rows(client.get("/materials/moves/?export=xlsx"))
    headers = rows[0]
    install = next(row for row in rows if row[headers.index("Account no.")] == "A-N1")
    assert install[headers.index("Line")] == "Broadband"
    assert install[headers.index("By")] == "王建国"


def test_the_items_name_their_business_line(client_for, city_user, ont):
    page = client_for(city_user).get("/materials/items/").content.decode()
    assert ">Broadband<" in page and ">BROADBAND<" not in page


@pytest.mark.usefixtures("hand_made_day")
def test_the_loop_grid_heads_its_columns_with_the_lines_names(client_for, staff_a, city_user):
    county = client_for(staff_a)
    grid = county.get("/materials/loop/C01/?month=2026-11").content.decode()
    assert '<th scope="col" data-line="BROADBAND">Broadband</th>' in grid
    county.post(
        "/materials/loop/C01/explain/",
        {"business_date": DAY.isoformat(), "business_line": "BROADBAND", "explanation": "Late"},
    )
    summary = client_for(city_user).get("/materials/loop/?month=2026-11").content.decode()
    assert "<td>Broadband</td>" in summary  # waiting to be accepted, named
    assert "Accept the explanation of C01 Broadband" in summary


def test_a_stock_count_names_who_started_and_approved_it(
    client_for, move, ont, wh_a, staff_a, city_user
):
    move("receipt", ont, to_warehouse=wh_a, serial="S1")
    named(staff_a, "张伟")
    named(city_user, "王建国")
    count = count_writes.count_start(user=staff_a, warehouse=wh_a)
    count_writes.count_enter(user=staff_a, count=count, serials=[(ont, "S1")])
    count_writes.count_approve(user=city_user, count=count)
    page = client_for(city_user).get(f"/materials/counts/{count.pk}/").content.decode()
    assert "Started by 张伟" in page and "Approved by 王建国" in page
    listing = client_for(city_user).get("/materials/counts/").content.decode()
    assert "张伟" in listing and staff_a.username not in listing


def test_only_city_staff_who_edit_items_find_each_item_linked_to_its_form(
    client_for, city_user, staff_a, ont
):
    edit = f'href="/materials/items/{ont.pk}/"'
    assert edit in client_for(city_user).get("/materials/items/").content.decode()
    county = client_for(staff_a).get("/materials/items/").content.decode()
    assert ont.sku in county and edit not in county  # no link to a form that answers 403
