"""The materials pages: stock with totals and drill-down, the ledger with filters and xlsx, the
move form that adapts to the kind, a terminal's history and the top bar's search, items; access
(anonymous → login, another county → 404, a role that may not → 403) and pinned query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from materials.models import Item, StockMove, Terminal
from tests.materials.conftest import TODAY


@pytest.fixture
def stocked(move, ont, cable, wh_a, wh_b, broadband):
    move("receipt", cable, to_warehouse=wh_a, quantity=10)
    move("receipt", cable, to_warehouse=wh_b, quantity=4)
    move("receipt", ont, to_warehouse=wh_a, serial="SN-A")
    move("receipt", ont, to_warehouse=wh_b, serial="SN-B")


def test_stock_page_shows_each_warehouse_and_the_totals_per_item(client_for, city_user, stocked):
    page = client_for(city_user).get("/materials/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Totals per item" in text
    totals = {(t.sku, t.total) for t in page.context["totals"].data}
    assert totals == {("CAB-1", 14), ("ONT-X1", 2)}
    assert "/materials/moves/?warehouse=C01&amp;sku=CAB-1" in text


def test_a_county_user_sees_only_their_warehouse_and_another_is_not_found(
    client_for, staff_a, stocked
):
    client = client_for(staff_a)
    page = client.get("/materials/")
    assert {row.record.warehouse.code for row in page.context["table"].rows} == {"C01"}
    assert client.get("/materials/warehouses/C01/").status_code == 200
    assert client.get("/materials/warehouses/C02/").status_code == 404
    assert client.get("/materials/warehouses/CITY/").status_code == 404
    assert client.get("/materials/terminals/SN-B/").status_code == 404
    assert client.get("/materials/terminals/SN-A/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/materials/",
        "/materials/moves/",
        "/materials/moves/new/",
        "/materials/terminals/",
        "/materials/terminals/SN-A/",
        "/materials/items/",
        "/materials/upload/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, path):
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("leader", "/materials/moves/new/", 403),
        ("leader", "/materials/upload/", 403),
        ("staff_a", "/materials/items/new/", 403),
        ("staff_a", "/materials/moves/1/reverse/", 403),
        ("leader", "/materials/", 200),
        ("leader", "/materials/moves/", 200),
    ],
)
def test_roles_that_may_not_get_403(request, client_for, stocked, who, path, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get(path).status_code == status


def test_the_ledger_filters_and_exports_xlsx(client_for, city_user, stocked):
    client = client_for(city_user)
    page = client.get("/materials/moves/", {"warehouse": "c02"})
    assert {row.record.to_warehouse.code for row in page.context["table"].rows} == {"C02"}
    export = client.get("/materials/moves/", {"warehouse": "C02", "export": "xlsx"})
    assert export["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_the_move_form_adapts_to_the_kind_and_records_an_install(
    client_for, staff_a, stocked, broadband
):
    client = client_for(staff_a)
    page = client.get("/materials/moves/new/", {"kind": "issue_install"})
    fields = set(page.context["form"].fields)
    assert {"from_warehouse", "account_no", "deposit"} <= fields
    assert "to_warehouse" not in fields
    # County staff are offered only their own warehouse to take stock out of.
    assert [w.code for w in page.context["form"].fields["from_warehouse"].queryset] == ["C01"]
    assert "adjustment" not in [k for k, _label in page.context["kinds"]]
    answer = client.post(
        "/materials/moves/new/?kind=issue_install",
        {
            "item": Item.objects.get(sku="ONT-X1").pk,
            "quantity": 1,
            "from_warehouse": "C01",
            "serial": "SN-A",
            "account_no": "ACC-1",
            "business_line": "BROADBAND",
            "deposit": "120.00",
            "business_date": TODAY.isoformat(),
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/materials/terminals/SN-A/"
    install = StockMove.objects.get(kind="issue_install")
    assert (install.created_by, install.deposit) == (staff_a, Decimal("120.00"))


def test_a_refused_move_is_shown_on_the_form_and_nothing_is_written(client_for, city_user, stocked):
    answer = client_for(city_user).post(
        "/materials/moves/new/?kind=scrap",
        {
            "item": Item.objects.get(sku="CAB-1").pk,
            "quantity": 11,
            "from_warehouse": "C01",
            "business_date": TODAY.isoformat(),
        },
    )
    assert answer.status_code == 200
    assert "warehouse C01 holds 10 of CAB-1, this move takes 11" in answer.content.decode()
    assert not StockMove.objects.filter(kind="scrap").exists()


def test_city_staff_reverse_a_move_from_the_ledger(client_for, city_user, stocked):
    receipt = StockMove.objects.get(kind="receipt", item__sku="CAB-1", to_warehouse__code="C02")
    answer = client_for(city_user).post(
        f"/materials/moves/{receipt.pk}/reverse/",
        {"business_date": TODAY.isoformat(), "note": "entered twice"},
    )
    assert answer.status_code == 302
    assert StockMove.objects.get(kind="reversal").reverses == receipt


def test_the_terminal_page_shows_the_whole_history_and_refused_swaps(
    client_for, city_user, terminal_in, move, ont, wh_a, broadband
):
    terminal_in("installed", "OLD")
    terminal_in("recycled", "USED")
    with pytest.raises(ValidationError):
        move(
            "warranty_replacement",
            ont,
            from_warehouse=wh_a,
            serial="OLD",
            account_no="A-OLD",
            business_line=broadband,
            replacement_serial="USED",
            user=city_user,
        )
    page = client_for(city_user).get("/materials/terminals/USED/")
    text = page.content.decode()
    assert [r.record.kind for r in page.context["history"].rows] == [
        "receipt",
        "issue_install",
        "return_dismantle",
    ]
    assert "Refused attempts" in text
    assert "a recycled terminal may not replace a faulty one under warranty" in text


def test_the_top_bar_search_goes_to_the_terminal_or_the_list(client_for, city_user, stocked):
    client = client_for(city_user)
    assert client.get("/materials/terminals/search/", {"serial": "SN-A"})["Location"] == (
        "/materials/terminals/SN-A/"
    )
    assert client.get("/materials/terminals/search/", {"serial": "SN"})["Location"] == (
        "/materials/terminals/?serial=SN"
    )
    assert 'action="/materials/terminals/search/"' in client.get("/materials/").content.decode()


def test_city_staff_add_and_edit_items(client_for, city_user, broadband):
    client = client_for(city_user)
    answer = client.post(
        "/materials/items/new/",
        {
            "sku": "STB-1",
            "name": "Set-top box",
            "category": "terminal",
            "serialized": "on",
            "unit": "pcs",
            "business_line": broadband.pk,
        },
    )
    assert answer.status_code == 302
    item = Item.objects.get(sku="STB-1")
    answer = client.post(
        f"/materials/items/{item.pk}/",
        {"name": "Set-top box v2", "category": "terminal", "unit": "pcs", "active": "on"},
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.serialized, item.business_line) == ("Set-top box v2", True, None)


@pytest.mark.parametrize(
    "path",
    [
        "/materials/",
        "/materials/moves/",
        "/materials/terminals/",
        "/materials/items/",
        "/materials/terminals/SN-A/",
        "/materials/warehouses/C01/",
    ],
)
def test_pages_take_a_fixed_number_of_queries(
    client_for, city_user, stocked, move, cable, wh_a, wh_b, path, django_assert_max_num_queries
):
    for _ in range(10):
        move("transfer", cable, from_warehouse=wh_a, to_warehouse=wh_b, quantity=1)
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        assert client.get(path).status_code == 200


def test_the_upload_page_is_the_one_upload_page_with_the_dataset_chosen(client_for, staff_a):
    answer = client_for(staff_a).get("/materials/upload/")
    assert answer["Location"] == "/imports/new/?dataset=stock_moves"
    assert Terminal.objects.count() == 0


def test_the_loop_offers_the_daily_upload_only_to_roles_that_may_upload_it(
    client_for, staff_a, leader
):
    upload = 'id="upload-daily-operations"'
    assert upload in client_for(staff_a).get("/materials/loop/C01/").content.decode()
    assert upload not in client_for(leader).get("/materials/loop/").content.decode()
