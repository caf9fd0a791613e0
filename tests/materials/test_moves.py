"""The move service (docs/materials.md#terminal-states): every row of the terminal transition
table passes and
every other state × kind pair is refused; balances never go negative and say what they found;
reversals undo exactly one move; deposits are recorded or listed for follow-up."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from materials.models import Deposit, RefusedMove, StockBalance, StockMove, Terminal
from materials.services import moves
from tests.materials.conftest import TODAY

STATES = [None, "new", "recycled", "installed", "faulty", "scrapped"]

#: docs/materials.md#terminal-states, written out again here rather than read from the service:
#: kind → {before: after}.
TABLE = {
    "receipt": {None: "new", "faulty": "recycled"},
    "transfer": {"new": "new", "recycled": "recycled", "faulty": "faulty"},
    "issue_install": {"new": "installed", "recycled": "installed"},
    "return_dismantle": {"installed": "recycled"},
    "warranty_replacement": {"installed": "faulty"},
    "scrap": {"faulty": "scrapped", "recycled": "scrapped"},
}


def balance(warehouse, item):
    row = StockBalance.objects.filter(warehouse=warehouse, item=item).first()
    return row.quantity if row else 0


def snapshot():
    return (
        list(StockMove.objects.order_by("pk").values_list("pk", flat=True)),
        sorted(StockBalance.objects.values_list("warehouse_id", "item_id", "quantity")),
        sorted(Terminal.objects.values_list("serial", "state", "warehouse_id", "account_no")),
    )


@pytest.mark.parametrize("kind", list(TABLE))
@pytest.mark.parametrize("state", STATES)
def test_every_state_and_kind_pair_passes_exactly_as_the_transition_table_says(
    state, kind, move, terminal_in, ont, wh_a, wh_b, broadband
):
    if state is not None:
        terminal_in(state, "SN1")
    move("receipt", ont, to_warehouse=wh_a, serial="NEW-SPARE")  # for a warranty swap
    fields = {
        "receipt": {"to_warehouse": wh_a},
        "transfer": {"from_warehouse": wh_a, "to_warehouse": wh_b},
        "issue_install": {
            "from_warehouse": wh_a,
            "account_no": "A-NEW",
            "business_line": broadband,
            "deposit": Decimal("100"),
        },
        "return_dismantle": {
            "to_warehouse": wh_a,
            "account_no": "A-SN1",
            "business_line": broadband,
        },
        "warranty_replacement": {
            "from_warehouse": wh_a,
            "account_no": "A-SN1",
            "business_line": broadband,
            "replacement_serial": "NEW-SPARE",
        },
        "scrap": {"from_warehouse": wh_a},
    }[kind]
    before = snapshot()
    if state in TABLE[kind]:
        move(kind, ont, serial="SN1", **fields)
        assert Terminal.objects.get(serial="SN1").state == TABLE[kind][state]
    else:
        with pytest.raises(ValidationError) as refused:
            move(kind, ont, serial="SN1", **fields)
        assert "serial" in refused.value.message_dict
        assert snapshot() == before


def test_a_terminal_moves_with_its_place_and_the_balances_follow(
    move, terminal_in, ont, wh_a, wh_b, city_store, broadband
):
    move("receipt", ont, to_warehouse=city_store, serial="S1")
    move("transfer", ont, from_warehouse=city_store, to_warehouse=wh_a, serial="S1")
    assert (balance(city_store, ont), balance(wh_a, ont)) == (0, 1)
    move(
        "issue_install",
        ont,
        from_warehouse=wh_a,
        serial="S1",
        account_no="ACC1",
        business_line=broadband,
        deposit=Decimal("150"),
    )
    terminal = Terminal.objects.get(serial="S1")
    assert (terminal.state, terminal.warehouse, terminal.account_no) == ("installed", None, "ACC1")
    assert terminal.county_id == wh_a.county_id
    assert balance(wh_a, ont) == 0
    move(
        "return_dismantle",
        ont,
        to_warehouse=wh_a,
        serial="S1",
        account_no="ACC1",
        business_line=broadband,
        condition="faulty",
    )
    terminal.refresh_from_db()
    assert (terminal.state, terminal.warehouse) == ("faulty", wh_a)
    move("transfer", ont, from_warehouse=wh_a, to_warehouse=city_store, serial="S1")
    move("receipt", ont, to_warehouse=city_store, serial="S1", note="back from repair")
    terminal.refresh_from_db()
    assert (terminal.state, terminal.warehouse) == ("recycled", city_store)
    # Back from repair it is counted once, not twice.
    assert (balance(city_store, ont), balance(wh_a, ont)) == (1, 0)


def test_a_dismantle_must_name_the_account_the_terminal_is_installed_at(
    move, terminal_in, ont, wh_a, broadband
):
    terminal_in("installed", "S1")
    with pytest.raises(ValidationError, match="installed at account A-S1, not OTHER"):
        move(
            "return_dismantle",
            ont,
            to_warehouse=wh_a,
            serial="S1",
            account_no="OTHER",
            business_line=broadband,
        )


def test_a_move_that_takes_more_than_the_warehouse_holds_is_refused_with_the_balance_found(
    move, cable, wh_a
):
    move("receipt", cable, to_warehouse=wh_a, quantity=2)
    with pytest.raises(ValidationError) as refused:
        move("scrap", cable, from_warehouse=wh_a, quantity=3)
    assert refused.value.message_dict["quantity"] == [
        "warehouse C01 holds 2 of CAB-1, this move takes 3"
    ]
    assert balance(wh_a, cable) == 2
    assert StockMove.objects.count() == 1


def test_a_recycled_terminal_may_not_replace_a_faulty_one_and_nothing_changes(
    move, terminal_in, ont, wh_a, broadband, city_user
):
    terminal_in("installed", "OLD")
    terminal_in("recycled", "RECYCLED")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        move(
            "warranty_replacement",
            ont,
            from_warehouse=wh_a,
            serial="OLD",
            account_no="A-OLD",
            business_line=broadband,
            replacement_serial="RECYCLED",
            user=city_user,
        )
    assert refused.value.message_dict["replacement_serial"] == [
        "a recycled terminal may not replace a faulty one under warranty"
    ]
    assert snapshot() == before
    # The attempt is kept for the terminals' histories.
    attempt = RefusedMove.objects.get()
    assert (attempt.serial, attempt.replacement_serial, attempt.created_by) == (
        "OLD",
        "RECYCLED",
        city_user,
    )


def test_a_warranty_replacement_swaps_the_faulty_terminal_for_a_new_one(
    move, terminal_in, ont, wh_a, broadband
):
    terminal_in("installed", "OLD")
    terminal_in("new", "FRESH")
    move(
        "warranty_replacement",
        ont,
        from_warehouse=wh_a,
        serial="OLD",
        account_no="A-OLD",
        business_line=broadband,
        replacement_serial="FRESH",
    )
    old, fresh = Terminal.objects.get(serial="OLD"), Terminal.objects.get(serial="FRESH")
    assert (old.state, old.warehouse) == ("faulty", wh_a)
    assert (fresh.state, fresh.account_no) == ("installed", "A-OLD")
    assert balance(wh_a, ont) == 1  # FRESH left, OLD came back


@pytest.mark.parametrize(
    ("kind", "setup"),
    [
        ("issue_install", "new"),
        ("return_dismantle", "installed"),
        ("transfer", "new"),
        ("scrap", "faulty"),
        ("warranty_replacement", "installed"),
        ("receipt", None),
        ("receipt", "faulty"),
    ],
)
def test_a_reversal_restores_the_balance_and_the_terminal_and_keeps_both_moves(
    kind, setup, move, terminal_in, ont, wh_a, wh_b, broadband, city_user
):
    if setup:
        terminal_in(setup, "S1")
    move("receipt", ont, to_warehouse=wh_a, serial="SPARE")
    fields = {
        "issue_install": {"from_warehouse": wh_a, "account_no": "X", "business_line": broadband},
        "return_dismantle": {
            "to_warehouse": wh_a,
            "account_no": "A-S1",
            "business_line": broadband,
        },
        "transfer": {"from_warehouse": wh_a, "to_warehouse": wh_b},
        "scrap": {"from_warehouse": wh_a},
        "warranty_replacement": {
            "from_warehouse": wh_a,
            "account_no": "A-S1",
            "business_line": broadband,
            "replacement_serial": "SPARE",
        },
        "receipt": {"to_warehouse": wh_b},
    }[kind]
    before = snapshot()
    original = move(kind, ont, serial="S1", **fields)
    reversal = move("reversal", ont, reverses=original, user=city_user, note="typo")
    moves_before, balances_before, terminals_before = before
    moves_after, balances_after, terminals_after = snapshot()
    assert moves_after == [*moves_before, original.pk, reversal.pk]
    assert [row for row in balances_after if row[2]] == [row for row in balances_before if row[2]]
    assert terminals_after == terminals_before
    with pytest.raises(ValidationError, match="already reversed"):
        move("reversal", ont, reverses=original, user=city_user)


def test_a_reversal_that_would_leave_a_balance_negative_is_refused(move, cable, wh_a, city_user):
    receipt = move("receipt", cable, to_warehouse=wh_a, quantity=5)
    move("scrap", cable, from_warehouse=wh_a, quantity=4)
    with pytest.raises(ValidationError, match="warehouse C01 holds 1 of CAB-1, this move takes 5"):
        move("reversal", cable, reverses=receipt, user=city_user)
    assert balance(wh_a, cable) == 1


def test_a_reversal_of_a_terminal_that_moved_since_is_refused(
    move, terminal_in, ont, wh_a, wh_b, city_user
):
    terminal_in("new", "S1")
    first = move("transfer", ont, from_warehouse=wh_a, to_warehouse=wh_b, serial="S1")
    move("transfer", ont, from_warehouse=wh_b, to_warehouse=wh_a, serial="S1")
    with pytest.raises(ValidationError, match="has moved since"):
        move("reversal", ont, reverses=first, user=city_user)


def test_an_adjustment_is_signed_and_writes_off_a_missing_terminal(
    move, terminal_in, ont, cable, wh_a, city_user
):
    move("receipt", cable, to_warehouse=wh_a, quantity=10)
    move("adjustment", cable, to_warehouse=wh_a, quantity=-3, user=city_user)
    assert balance(wh_a, cable) == 7
    terminal_in("new", "S1")
    move("adjustment", ont, to_warehouse=wh_a, quantity=-1, serial="S1", user=city_user)
    assert Terminal.objects.get(serial="S1").state == "scrapped"
    move("adjustment", ont, to_warehouse=wh_a, quantity=1, serial="FOUND", user=city_user)
    assert Terminal.objects.get(serial="FOUND").state == "new"
    assert balance(wh_a, ont) == 1


def test_installs_on_a_deposit_line_record_the_deposit_or_are_listed_for_follow_up(
    move, terminal_in, ont, wh_a, broadband
):
    terminal_in("new", "S1")
    terminal_in("new", "S2")
    move(
        "issue_install",
        ont,
        from_warehouse=wh_a,
        serial="S1",
        account_no="A1",
        business_line=broadband,
        deposit=Decimal("200"),
    )
    move(
        "issue_install",
        ont,
        from_warehouse=wh_a,
        serial="S2",
        account_no="A2",
        business_line=broadband,
    )
    deposits = dict(Deposit.objects.values_list("account_no", "amount"))
    assert deposits == {"A1": Decimal("200.00"), "A2": None}
    assert [d.account_no for d in Deposit.objects.all() if d.missing] == ["A2"]


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("issue_install", {"quantity": 1}, "from_warehouse"),
        ("issue_install", {"quantity": 2}, "quantity"),
        ("transfer", {"quantity": 1}, "to_warehouse"),
        ("receipt", {"quantity": 1, "account_no": "A1"}, "account_no"),
        ("scrap", {"quantity": 1, "deposit": Decimal("5")}, "deposit"),
    ],
)
def test_each_kind_names_the_field_it_misses_or_may_not_have(kind, fields, field, move, ont, wh_a):
    quantity = fields.pop("quantity")
    base = {"from_warehouse": wh_a} if kind in ("transfer", "scrap") else {}
    if kind == "receipt":
        base = {"to_warehouse": wh_a}
    with pytest.raises(ValidationError) as refused:
        move(kind, ont, quantity=quantity, serial="S1", **base, **fields)
    assert field in refused.value.message_dict


def test_county_staff_move_only_their_own_warehouse_and_never_adjust(
    move, cable, wh_a, wh_b, staff_a, leader, city_user
):
    move("receipt", cable, to_warehouse=wh_b, quantity=5)
    move("receipt", cable, to_warehouse=wh_a, quantity=5, user=staff_a)
    with pytest.raises(PermissionDenied):
        move("scrap", cable, from_warehouse=wh_b, quantity=1, user=staff_a)
    with pytest.raises(PermissionDenied):
        move("adjustment", cable, to_warehouse=wh_a, quantity=1, user=staff_a)
    with pytest.raises(PermissionDenied):
        move("receipt", cable, to_warehouse=wh_a, quantity=1, user=leader)
    move("transfer", cable, from_warehouse=wh_a, to_warehouse=wh_b, quantity=2, user=staff_a)
    assert (balance(wh_a, cable), balance(wh_b, cable)) == (3, 7)


def test_a_batch_is_applied_in_order_all_or_nothing(ont, cable, wh_a):
    rows = [
        {
            "kind": "receipt",
            "item": cable,
            "quantity": 3,
            "to_warehouse": wh_a,
            "business_date": TODAY,
        },
        {
            "kind": "scrap",
            "item": cable,
            "quantity": 2,
            "from_warehouse": wh_a,
            "business_date": TODAY,
        },
        {
            "kind": "scrap",
            "item": cable,
            "quantity": 2,
            "from_warehouse": wh_a,
            "business_date": TODAY,
        },
    ]
    with pytest.raises(moves.MoveError) as refused:
        moves.moves_apply(user=None, rows=rows)
    assert refused.value.index == 2
    assert StockMove.objects.count() == 0
    assert balance(wh_a, cable) == 0
    assert len(moves.moves_apply(user=None, rows=rows[:2])) == 2
    assert balance(wh_a, cable) == 1
