"""Hypothesis: for random sequences of valid and invalid moves, every balance equals the sum of
its moves, none is ever below zero, and ``materials_check`` finds nothing."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from materials.models import Deposit, RefusedMove, StockBalance, StockMove
from materials.selectors.balances import balance_differences, ledger_sums
from materials.services import moves
from tests.materials.conftest import TODAY

WAREHOUSES = ["CITY", "C01", "C02"]
SERIALS = ["S1", "S2", "S3"]
#: Terminals mostly move between the counties (installs leave county warehouses only).
COUNTY_WAREHOUSES = ["C01", "C01", "C02", "CITY"]

cable_move = st.tuples(
    st.sampled_from(["receipt", "transfer", "scrap", "adjustment", "reversal"]),
    st.sampled_from(WAREHOUSES),
    st.sampled_from(WAREHOUSES),
    st.integers(min_value=-4, max_value=6),
    st.integers(min_value=0, max_value=30),
)
terminal_move = st.tuples(
    st.sampled_from(
        [
            "receipt",
            "transfer",
            "issue_install",
            "return_dismantle",
            "scrap",
            "warranty_replacement",
        ]
    ),
    st.sampled_from(COUNTY_WAREHOUSES),
    st.sampled_from(COUNTY_WAREHOUSES),
    st.sampled_from(SERIALS),
    st.sampled_from(SERIALS),
    st.booleans(),
)


def _cable(step, ctx):
    kind, source, target, quantity, back = step
    fields = {"item": ctx["cable"], "quantity": quantity, "business_date": TODAY}
    if kind == "reversal":
        done = list(StockMove.objects.order_by("pk"))
        if not done:
            return
        fields.update(reverses=done[back % len(done)], item=done[back % len(done)].item)
    elif kind == "receipt":
        fields["to_warehouse"] = ctx["wh"][target]
    elif kind == "transfer":
        fields.update(from_warehouse=ctx["wh"][source], to_warehouse=ctx["wh"][target])
    elif kind == "scrap":
        fields["from_warehouse"] = ctx["wh"][source]
    else:
        fields["to_warehouse"] = ctx["wh"][target]
    moves.move_create(user=None, kind=kind, **fields)


def _terminal(step, ctx):
    kind, source, target, serial, other, faulty = step
    fields = {"item": ctx["ont"], "quantity": 1, "business_date": TODAY, "serial": serial}
    account = {"account_no": f"A-{serial}", "business_line": ctx["line"]}
    if kind == "receipt":
        fields["to_warehouse"] = ctx["wh"][target]
    elif kind == "transfer":
        fields.update(from_warehouse=ctx["wh"][source], to_warehouse=ctx["wh"][target])
    elif kind == "issue_install":
        fields.update(from_warehouse=ctx["wh"][source], **account)
    elif kind == "return_dismantle":
        fields.update(
            to_warehouse=ctx["wh"][target], condition="faulty" if faulty else "ok", **account
        )
    elif kind == "scrap":
        fields["from_warehouse"] = ctx["wh"][source]
    else:
        fields.update(from_warehouse=ctx["wh"][source], replacement_serial=other, **account)
    moves.move_create(user=None, kind=kind, **fields)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    steps=st.lists(
        st.one_of(cable_move.map(lambda s: ("cable", s)), terminal_move.map(lambda s: ("ont", s))),
        max_size=25,
    )
)
def test_random_moves_keep_every_balance_equal_to_its_moves_and_never_negative(
    steps, ont, cable, wh_a, wh_b, city_store, broadband
):
    # Each example starts from an empty ledger (the fixtures' rows stay).
    Deposit.objects.all().delete()
    RefusedMove.objects.all().delete()
    StockMove.objects.filter(reverses__isnull=False).delete()
    StockMove.objects.all().delete()
    StockBalance.objects.all().delete()
    ont.terminals.all().delete()
    ctx = {
        "cable": cable,
        "ont": ont,
        "line": broadband,
        "wh": {"CITY": city_store, "C01": wh_a, "C02": wh_b},
    }
    for what, step in steps:
        # A refused move may change nothing, which the checks below see.
        with contextlib.suppress(ValidationError):
            (_cable if what == "cable" else _terminal)(step, ctx)

        assert not StockBalance.objects.filter(quantity__lt=0).exists()
    stored = {
        (w, i): q
        for w, i, q in StockBalance.objects.values_list("warehouse_id", "item_id", "quantity")
    }
    assert {k: v for k, v in ledger_sums().items() if v} == {k: v for k, v in stored.items() if v}
    assert balance_differences() == []
    call_command("materials_check")
