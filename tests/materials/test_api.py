"""The materials API (docs/api.md): exact paths and fields, 201 or 400 with the reason for moves,
county users scoped to their county, city staff alone add items."""

import pytest

from materials.models import StockMove, Terminal
from tests.materials.conftest import TODAY

API = "/api/v1/materials"


@pytest.fixture
def stocked(move, ont, cable, wh_a, wh_b, city_store, broadband):
    move("receipt", cable, to_warehouse=wh_a, quantity=10)
    move("receipt", cable, to_warehouse=wh_b, quantity=4)
    move("receipt", ont, to_warehouse=wh_a, serial="SN-A")
    move("receipt", ont, to_warehouse=wh_b, serial="SN-B")
    return wh_a


def test_warehouses_list_code_name_and_county(api_for, city_user, staff_a, stocked):
    body = api_for(city_user).get(f"{API}/warehouses/").json()
    assert {(w["code"], w["county"]) for w in body["results"]} == {
        ("CITY", None),
        ("C01", "C01"),
        ("C02", "C02"),
    }
    body = api_for(staff_a).get(f"{API}/warehouses/").json()
    assert [w["code"] for w in body["results"]] == ["C01"]


def test_balances_are_scoped_and_filtered(api_for, city_user, staff_a, stocked):
    body = api_for(city_user).get(f"{API}/balances/", {"sku": "CAB-1"}).json()
    assert {(b["warehouse"], b["sku"], b["quantity"]) for b in body["results"]} == {
        ("C01", "CAB-1", 10),
        ("C02", "CAB-1", 4),
    }
    body = api_for(staff_a).get(f"{API}/balances/", {"warehouse": "C02"}).json()
    assert body["count"] == 0
    body = api_for(staff_a).get(f"{API}/balances/").json()
    assert {b["warehouse"] for b in body["results"]} == {"C01"}


def test_posting_a_move_answers_201_with_the_move(api_for, staff_a, stocked, broadband):
    answer = api_for(staff_a).post(
        f"{API}/moves/",
        {
            "kind": "issue_install",
            "sku": "ONT-X1",
            "quantity": 1,
            "from_warehouse": "C01",
            "serial": "SN-A",
            "account_no": "ACC-9",
            "business_line": "BROADBAND",
            "business_date": TODAY.isoformat(),
            "deposit": "150.00",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["kind"], body["sku"], body["from_warehouse"], body["deposit"], body["by"]) == (
        "issue_install",
        "ONT-X1",
        "C01",
        "150.00",
        "staff_a",
    )
    assert Terminal.objects.get(serial="SN-A").state == "installed"


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (
            {"kind": "scrap", "sku": "CAB-1", "quantity": 11, "from_warehouse": "C01"},
            "quantity",
            "warehouse C01 holds 10 of CAB-1, this move takes 11",
        ),
        (
            {
                "kind": "return_dismantle",
                "sku": "ONT-X1",
                "quantity": 1,
                "to_warehouse": "C01",
                "serial": "SN-A",
                "account_no": "X",
                "business_line": "BROADBAND",
            },
            "serial",
            "does not take a New terminal",
        ),
        (
            {"kind": "receipt", "sku": "NOPE", "quantity": 1, "to_warehouse": "C01"},
            "sku",
            "Unknown SKU",
        ),
    ],
)
def test_a_refused_move_answers_400_with_the_reason(
    api_for, city_user, stocked, body, field, reason
):
    answer = api_for(city_user).post(
        f"{API}/moves/", {**body, "business_date": TODAY.isoformat()}, format="json"
    )
    assert answer.status_code == 400
    assert reason in " ".join(answer.json()[field])


def test_a_recycled_warranty_replacement_answers_400(
    api_for, city_user, terminal_in, move, ont, wh_a
):
    terminal_in("installed", "OLD")
    terminal_in("recycled", "USED")
    answer = api_for(city_user).post(
        f"{API}/moves/",
        {
            "kind": "warranty_replacement",
            "sku": "ONT-X1",
            "quantity": 1,
            "from_warehouse": "C01",
            "serial": "OLD",
            "replacement_serial": "USED",
            "account_no": "A-OLD",
            "business_line": "BROADBAND",
            "business_date": TODAY.isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["replacement_serial"] == [
        "a recycled terminal may not replace a faulty one under warranty"
    ]


def test_a_county_user_moving_another_countys_stock_gets_403(api_for, staff_a, stocked):
    answer = api_for(staff_a).post(
        f"{API}/moves/",
        {
            "kind": "scrap",
            "sku": "CAB-1",
            "quantity": 1,
            "from_warehouse": "C02",
            "business_date": TODAY.isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 403
    assert StockMove.objects.filter(kind="scrap").count() == 0


def test_moves_list_filters_and_scopes(api_for, city_user, staff_a, stocked):
    body = api_for(city_user).get(f"{API}/moves/", {"warehouse": "C02", "kind": "receipt"}).json()
    assert body["count"] == 2
    body = api_for(staff_a).get(f"{API}/moves/").json()
    assert {m["to_warehouse"] for m in body["results"]} == {"C01"}
    answer = api_for(city_user).get(f"{API}/moves/", {"date_from": "not-a-date"})
    assert answer.status_code == 400
    assert "date_from" in answer.json()


def test_a_reversal_by_api_undoes_the_move(api_for, city_user, stocked):
    receipt = StockMove.objects.get(kind="receipt", item__sku="CAB-1", to_warehouse__code="C02")
    answer = api_for(city_user).post(
        f"{API}/moves/",
        {
            "kind": "reversal",
            "sku": "CAB-1",
            "quantity": 4,
            "reverses": receipt.pk,
            "business_date": TODAY.isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["reverses"] == receipt.pk
    body = api_for(city_user).get(f"{API}/balances/", {"warehouse": "C02", "sku": "CAB-1"}).json()
    assert body["results"][0]["quantity"] == 0


def test_a_terminal_shows_its_whole_history_and_other_counties_get_404(
    api_for, city_user, staff_a, staff_b, stocked, move, ont, wh_a, broadband
):
    move(
        "issue_install",
        ont,
        from_warehouse=wh_a,
        serial="SN-A",
        account_no="ACC-1",
        business_line=broadband,
        user=staff_a,
    )
    body = api_for(staff_a).get(f"{API}/terminals/SN-A/").json()
    assert (body["serial"], body["sku"], body["state"], body["warehouse"], body["account_no"]) == (
        "SN-A",
        "ONT-X1",
        "installed",
        None,
        "ACC-1",
    )
    assert [
        (h["kind"], h["from_warehouse"], h["to_warehouse"], h["account_no"], h["by"])
        for h in body["history"]
    ] == [
        ("receipt", None, "C01", "", None),
        ("issue_install", "C01", None, "ACC-1", "staff_a"),
    ]
    assert api_for(staff_b).get(f"{API}/terminals/SN-A/").status_code == 404
    assert api_for(city_user).get(f"{API}/terminals/NOPE/").status_code == 404


def test_only_city_staff_add_items(api_for, city_user, staff_a, broadband):
    body = {
        "sku": "STB-2",
        "name": "Set-top box",
        "category": "terminal",
        "serialized": True,
        "unit": "pcs",
        "business_line": "BROADBAND",
    }
    assert api_for(staff_a).post(f"{API}/items/", body, format="json").status_code == 403
    answer = api_for(city_user).post(f"{API}/items/", body, format="json")
    assert answer.status_code == 201
    assert answer.json()["business_line"] == "BROADBAND"
    assert api_for(city_user).post(f"{API}/items/", body, format="json").status_code == 400
    listed = api_for(staff_a).get(f"{API}/items/").json()
    assert [i["sku"] for i in listed["results"]] == ["STB-2"]


@pytest.mark.parametrize(
    "path", ["warehouses/", "items/", "balances/", "moves/", "terminals/SN-A/"]
)
def test_anonymous_callers_get_401(client, path, db):
    assert client.get(f"{API}/{path}").status_code == 401


def test_lists_take_a_fixed_number_of_queries(
    api_for, city_user, stocked, move, cable, wh_a, wh_b, django_assert_max_num_queries
):
    for _ in range(5):
        move("transfer", cable, from_warehouse=wh_a, to_warehouse=wh_b, quantity=1)
    api = api_for(city_user)
    for path in ("moves/", "balances/", "warehouses/", "items/", "terminals/SN-A/"):
        with django_assert_max_num_queries(8):
            assert api.get(f"{API}/{path}").status_code == 200
