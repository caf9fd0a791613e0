"""The one move service (docs/materials.md#the-move-service).

Every write of the ledger goes through ``move_create`` — the pages, the API, the ``stock_moves``
dataset (through ``moves_apply``), stock count approvals and the demo. It checks the fields the
kind needs, the terminal transition table of §6.2 exactly, the deposit of an install and the
balances, then appends the move, updates the balance row(s) and the terminal(s) in one
transaction.

Concurrency: the terminal rows are locked first (``select_for_update``, in serial order), then the
balance rows (in warehouse × item order), so two moves of the same stock queue up instead of both
reading the same balance; the database's ``balance_not_negative`` check is the last line. The
same order everywhere means two moves never wait for each other in a circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing_ops.access import CITY_ROLES, WRITING_ROLES, bound_county_id, has_role
from marketing_ops.models import BusinessLine
from materials.models import (
    Condition,
    Deposit,
    Item,
    MoveKind,
    RefusedMove,
    StockBalance,
    StockMove,
    Terminal,
    TerminalState,
    Warehouse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Moves that concern an account: they need the account no. and the business line.
ACCOUNT_KINDS = frozenset(
    {MoveKind.ISSUE_INSTALL, MoveKind.RETURN_DISMANTLE, MoveKind.WARRANTY_REPLACEMENT}
)
#: Moves a county user records from their own warehouse (it is ``from_warehouse``).
OUT_OF_OWN = frozenset(
    {MoveKind.TRANSFER, MoveKind.ISSUE_INSTALL, MoveKind.SCRAP, MoveKind.WARRANTY_REPLACEMENT}
)
#: Moves a county user records into their own warehouse (it is ``to_warehouse``).
INTO_OWN = frozenset({MoveKind.RECEIPT, MoveKind.RETURN_DISMANTLE})
#: Moves only city staff record: stock count adjustments and reversals.
CITY_ONLY = frozenset({MoveKind.ADJUSTMENT, MoveKind.REVERSAL})

S = TerminalState
#: The transition table of docs/materials.md#terminal-states: kind → the states a terminal may be
#: in before it.
#: A receipt takes an unknown serial (``None``) or a faulty one back from repair.
ALLOWED_BEFORE: dict[str, frozenset[str | None]] = {
    MoveKind.RECEIPT: frozenset({None, S.FAULTY}),
    MoveKind.TRANSFER: frozenset({S.NEW, S.RECYCLED, S.FAULTY}),
    MoveKind.ISSUE_INSTALL: frozenset({S.NEW, S.RECYCLED}),
    MoveKind.RETURN_DISMANTLE: frozenset({S.INSTALLED}),
    MoveKind.WARRANTY_REPLACEMENT: frozenset({S.INSTALLED}),
    MoveKind.SCRAP: frozenset({S.FAULTY, S.RECYCLED}),
}

RECYCLED_WARRANTY = gettext_noop("a recycled terminal may not replace a faulty one under warranty")


@dataclass
class _Place:
    """Where a move leaves a terminal."""

    state: str
    warehouse: Warehouse | None
    account_no: str = ""
    county_id: int | None = None
    business_line: BusinessLine | None = None


@dataclass
class MoveError(Exception):
    """A move of a batch refused: its position in the batch and the service's error."""

    index: int
    error: ValidationError | PermissionDenied


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _state_label(state: str | None) -> str:
    return str(TerminalState(state).label) if state else _("unknown")


# --------------------------------------------------------------------------- who may


def _check_role(
    user: User | None, kind: str, source: Warehouse | None, target: Warehouse | None
) -> None:
    """City roles move anything; county staff move their own warehouse's stock; others nothing.
    ``user`` None is the command line / the demo, for the whole city."""
    if user is None:
        return
    if not has_role(user, *WRITING_ROLES):
        raise PermissionDenied(_("Your role may not record stock moves."))
    if has_role(user, *CITY_ROLES) and bound_county_id(user) is None:
        return
    if kind in CITY_ONLY:
        raise PermissionDenied(_("Only city staff record adjustments and reversals."))
    own = bound_county_id(user)
    warehouse = source if kind in OUT_OF_OWN else target
    if own is None or warehouse is None or warehouse.county_id != own:
        raise PermissionDenied(
            _("You may only record moves of your county's warehouse (the stock %(way)s it).")
            % {"way": _("leaves") if kind in OUT_OF_OWN else _("comes into")}
        )


# --------------------------------------------------------------------------- fields


def _check_fields(
    *,
    kind: str,
    item: Item,
    quantity: int,
    from_warehouse: Warehouse | None,
    to_warehouse: Warehouse | None,
    serial: str,
    replacement_serial: str,
    account_no: str,
    business_line: BusinessLine | None,
    deposit: Decimal | None,
    condition: str,
) -> None:
    """The fields each kind needs and the ones it may not have (docs/materials.md#the-ledger,
    docs/file-formats.md stock_moves)."""
    errors: dict[str, str] = {}
    if kind not in MoveKind.values:
        raise _refuse("kind", _("Unknown kind %(kind)s.") % {"kind": kind})
    if kind == MoveKind.REVERSAL:
        return
    if kind == MoveKind.ADJUSTMENT:
        if quantity == 0:
            errors["quantity"] = _("An adjustment changes the stock by a quantity other than 0.")
    elif quantity <= 0:
        errors["quantity"] = _("The quantity is a whole number above 0.")
    needs_from = kind in OUT_OF_OWN
    needs_to = kind in INTO_OWN or kind in (MoveKind.TRANSFER, MoveKind.ADJUSTMENT)
    if needs_from and from_warehouse is None:
        errors["from_warehouse"] = _("A %(kind)s needs the warehouse the stock leaves.") % {
            "kind": MoveKind(kind).label
        }
    if not needs_from and from_warehouse is not None and kind != MoveKind.RECEIPT:
        errors["from_warehouse"] = _("A %(kind)s takes no stock out of a warehouse.") % {
            "kind": MoveKind(kind).label
        }
    if kind == MoveKind.RECEIPT and from_warehouse is not None:
        errors["from_warehouse"] = _(
            "A receipt comes from outside; leave the from warehouse empty."
        )
    if needs_to and to_warehouse is None:
        errors["to_warehouse"] = _("A %(kind)s needs the warehouse the stock goes into.") % {
            "kind": MoveKind(kind).label
        }
    if kind in (MoveKind.ISSUE_INSTALL, MoveKind.SCRAP) and to_warehouse is not None:
        errors["to_warehouse"] = _("A %(kind)s puts nothing into a warehouse.") % {
            "kind": MoveKind(kind).label
        }
    if kind == MoveKind.WARRANTY_REPLACEMENT and to_warehouse not in (None, from_warehouse):
        errors["to_warehouse"] = _(
            "The faulty terminal comes back into the warehouse the new one leaves."
        )
    if (
        kind == MoveKind.TRANSFER
        and from_warehouse is not None
        and from_warehouse.pk == getattr(to_warehouse, "pk", None)
    ):
        errors["to_warehouse"] = _("A transfer goes to another warehouse.")
    if kind in ACCOUNT_KINDS:
        place = from_warehouse if kind != MoveKind.RETURN_DISMANTLE else to_warehouse
        if place is not None and place.is_city:
            field = "to_warehouse" if kind == MoveKind.RETURN_DISMANTLE else "from_warehouse"
            errors[field] = _("Accounts are served from a county warehouse, not %(code)s.") % {
                "code": place.code
            }
        if not account_no:
            errors["account_no"] = _("A %(kind)s names the account.") % {
                "kind": MoveKind(kind).label
            }
        if business_line is None:
            errors["business_line"] = _("A %(kind)s names the business line.") % {
                "kind": MoveKind(kind).label
            }
        elif item.business_line_id and item.business_line_id != business_line.pk:
            errors["business_line"] = _("%(sku)s is installed on %(line)s, not %(other)s.") % {
                "sku": item.sku,
                "line": item.business_line.code if item.business_line else "",
                "other": business_line.code,
            }
    else:
        if account_no:
            errors["account_no"] = _(
                "Only installs, dismantles and warranty replacements name an account."
            )
        if business_line is not None:
            errors["business_line"] = _(
                "Only installs, dismantles and warranty replacements name a business line."
            )
    if deposit is not None:
        if kind != MoveKind.ISSUE_INSTALL:
            errors["deposit"] = _("A deposit is recorded with an install.")
        elif deposit < 0:
            errors["deposit"] = _("A deposit is 0.00 or more.")
    if condition and kind != MoveKind.RETURN_DISMANTLE:
        errors["condition"] = _("The condition is given for a return from dismantling.")
    if condition and condition not in Condition.values:
        errors["condition"] = _("Use ok or faulty.")
    if item.serialized:
        if kind != MoveKind.ADJUSTMENT and quantity != 1 and "quantity" not in errors:
            errors["quantity"] = _("%(sku)s has serials: one terminal per move (quantity 1).") % {
                "sku": item.sku
            }
        if kind == MoveKind.ADJUSTMENT and abs(quantity) != 1:
            errors["quantity"] = _("%(sku)s has serials: adjust one terminal at a time.") % {
                "sku": item.sku
            }
        if not serial:
            errors["serial"] = _("%(sku)s has serials: give the terminal's serial.") % {
                "sku": item.sku
            }
        if kind == MoveKind.WARRANTY_REPLACEMENT:
            if not replacement_serial:
                errors["replacement_serial"] = _(
                    "A warranty replacement names the new terminal that goes out."
                )
            elif replacement_serial == serial:
                errors["replacement_serial"] = _("The new terminal is another one.")
        elif replacement_serial:
            errors["replacement_serial"] = _("Only a warranty replacement names a second serial.")
    else:
        if serial or replacement_serial:
            errors["serial"] = _("%(sku)s has no serials; leave the serial empty.") % {
                "sku": item.sku
            }
        if kind == MoveKind.WARRANTY_REPLACEMENT:
            errors["item"] = _("A warranty replacement swaps a terminal with serials.")
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------- terminals


def _locked_terminals(serials: Iterable[str]) -> dict[str, Terminal]:
    """The terminals of ``serials``, locked in serial order (see the module's docstring)."""
    wanted = sorted({s for s in serials if s})
    if not wanted:
        return {}
    found = (
        Terminal.objects.select_for_update(of=("self",))
        .filter(serial__in=wanted)
        .select_related("warehouse", "item")
        .order_by("serial")
    )
    return {t.serial: t for t in found}


def _where(terminal: Terminal) -> str:
    if terminal.state == S.INSTALLED:
        return _("installed at account %(account)s") % {"account": terminal.account_no}
    if terminal.warehouse is not None:
        return _("%(state)s in %(warehouse)s") % {
            "state": _state_label(terminal.state),
            "warehouse": terminal.warehouse.code,
        }
    return _state_label(terminal.state)


def _check_transition(
    kind: str,
    terminal: Terminal | None,
    serial: str,
    item: Item,
    from_warehouse: Warehouse | None,
    account_no: str,
) -> None:
    """The §6.2 table: the serial's state before the move must be one the kind takes."""
    state = terminal.state if terminal else None
    if state not in ALLOWED_BEFORE[kind]:
        if terminal is None:
            raise _refuse(
                "serial",
                _("Terminal %(serial)s is not in the ledger; a %(kind)s needs a known one.")
                % {"serial": serial, "kind": MoveKind(kind).label},
            )
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is %(where)s: a %(kind)s does not take a %(state)s terminal.")
            % {
                "serial": serial,
                "where": _where(terminal),
                "kind": MoveKind(kind).label,
                "state": _state_label(state),
            },
        )
    if terminal is None:
        return
    if terminal.item_id != item.pk:
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is a %(sku)s, not a %(item)s.")
            % {"serial": serial, "sku": terminal.item.sku, "item": item.sku},
        )
    if kind in OUT_OF_OWN - {MoveKind.WARRANTY_REPLACEMENT} and terminal.warehouse_id != getattr(
        from_warehouse, "pk", None
    ):
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is %(where)s, not in %(warehouse)s.")
            % {
                "serial": serial,
                "where": _where(terminal),
                "warehouse": getattr(from_warehouse, "code", "-"),
            },
        )
    if kind in (MoveKind.RETURN_DISMANTLE, MoveKind.WARRANTY_REPLACEMENT) and (
        terminal.account_no != account_no
    ):
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is installed at account %(other)s, not %(account)s.")
            % {"serial": serial, "other": terminal.account_no, "account": account_no},
        )


def _check_replacement(new: Terminal | None, serial: str, item: Item, warehouse: Warehouse) -> None:
    """The terminal a warranty replacement sends out: a ``new`` one of the county warehouse."""
    if new is None:
        raise _refuse(
            "replacement_serial",
            _("Terminal %(serial)s is not in the ledger.") % {"serial": serial},
        )
    if new.state == S.RECYCLED:
        raise _refuse("replacement_serial", _(RECYCLED_WARRANTY))
    if new.state != S.NEW:
        raise _refuse(
            "replacement_serial",
            _("Terminal %(serial)s is %(where)s: a warranty replacement sends out a new one.")
            % {"serial": serial, "where": _where(new)},
        )
    if new.item_id != item.pk:
        raise _refuse(
            "replacement_serial",
            _("Terminal %(serial)s is a %(sku)s; the replacement is the same item (%(item)s).")
            % {"serial": serial, "sku": new.item.sku, "item": item.sku},
        )
    if new.warehouse_id != warehouse.pk:
        raise _refuse(
            "replacement_serial",
            _("Terminal %(serial)s is %(where)s, not in %(warehouse)s.")
            % {"serial": serial, "where": _where(new), "warehouse": warehouse.code},
        )


def _place_after(
    kind: str,
    *,
    condition: str,
    from_warehouse: Warehouse | None,
    to_warehouse: Warehouse | None,
    terminal: Terminal | None,
    account_no: str,
    business_line: BusinessLine | None,
    quantity: int,
) -> _Place:
    """Where the move's (first) serial ends up (docs/materials.md#terminal-states)."""
    if kind == MoveKind.RECEIPT:
        state = S.NEW if terminal is None else S.RECYCLED
        return _Place(state, to_warehouse, county_id=_county(to_warehouse))
    if kind == MoveKind.TRANSFER:
        assert terminal is not None
        return _Place(terminal.state, to_warehouse, county_id=_county(to_warehouse))
    if kind == MoveKind.ISSUE_INSTALL:
        return _Place(S.INSTALLED, None, account_no, _county(from_warehouse), business_line)
    if kind == MoveKind.RETURN_DISMANTLE:
        state = S.FAULTY if condition == Condition.FAULTY else S.RECYCLED
        return _Place(state, to_warehouse, county_id=_county(to_warehouse))
    if kind == MoveKind.WARRANTY_REPLACEMENT:
        return _Place(S.FAULTY, to_warehouse, county_id=_county(to_warehouse))
    if kind == MoveKind.SCRAP:
        return _Place(S.SCRAPPED, None, county_id=_county(from_warehouse))
    # An adjustment: a terminal found that the ledger did not know is new in the warehouse; one
    # missing is written off (scrapped).
    if quantity > 0:
        return _Place(S.NEW, to_warehouse, county_id=_county(to_warehouse))
    return _Place(S.SCRAPPED, None, county_id=_county(to_warehouse))


def _county(warehouse: Warehouse | None) -> int | None:
    return warehouse.county_id if warehouse is not None else None


def _put(terminal: Terminal, place: _Place) -> None:
    terminal.state = place.state
    terminal.warehouse = place.warehouse
    terminal.account_no = place.account_no
    terminal.county_id = place.county_id
    terminal.business_line = place.business_line
    terminal.save(
        update_fields=["state", "warehouse", "account_no", "county", "business_line", "updated_at"]
    )


# --------------------------------------------------------------------------- balances


def _apply_balances(item: Item, deltas: dict[Warehouse, int]) -> None:
    """Lock the balance rows the move changes (creating missing ones), refuse a negative
    result with the balance found, then update them."""
    changes = {w: d for w, d in deltas.items() if d != 0}
    if not changes:
        return
    ids = sorted(w.pk for w in changes)
    # Missing rows first, so that there is a row to lock; two moves creating the same row at
    # once are fine (ignore_conflicts), and a row is never created by an update.
    # (Only where stock comes in: a missing row holds 0, which no move may take from.)
    StockBalance.objects.bulk_create(
        [StockBalance(warehouse=w, item=item, quantity=0) for w, d in changes.items() if d > 0],
        ignore_conflicts=True,
    )
    held = dict(
        StockBalance.objects.select_for_update()
        .filter(item=item, warehouse_id__in=ids)
        .order_by("warehouse_id")
        .values_list("warehouse_id", "quantity")
    )
    for warehouse, delta in sorted(changes.items(), key=lambda pair: pair[0].pk):
        have = held.get(warehouse.pk, 0)
        if have + delta < 0:
            raise _refuse(
                "quantity",
                _("warehouse %(warehouse)s holds %(have)s of %(sku)s, this move takes %(take)s")
                % {"warehouse": warehouse.code, "have": have, "sku": item.sku, "take": -delta},
            )
    for warehouse, delta in changes.items():
        StockBalance.objects.filter(warehouse=warehouse, item=item).update(
            quantity=F("quantity") + delta
        )


def _deltas(
    from_warehouse: Warehouse | None, to_warehouse: Warehouse | None, quantity: int
) -> dict[Warehouse, int]:
    """The one formula of every move: ``quantity`` into ``to``, out of ``from``."""
    deltas: dict[Warehouse, int] = {}
    if to_warehouse is not None:
        deltas[to_warehouse] = deltas.get(to_warehouse, 0) + quantity
    if from_warehouse is not None:
        deltas[from_warehouse] = deltas.get(from_warehouse, 0) - quantity
    return deltas


# --------------------------------------------------------------------------- the service


def move_create(
    *,
    user: User | None,
    kind: str,
    item: Item,
    quantity: int,
    business_date: dt.date,
    from_warehouse: Warehouse | None = None,
    to_warehouse: Warehouse | None = None,
    serial: str = "",
    replacement_serial: str = "",
    account_no: str = "",
    business_line: BusinessLine | None = None,
    deposit: Decimal | None = None,
    condition: str = "",
    note: str = "",
    reverses: StockMove | None = None,
    import_job: Any = None,
) -> StockMove:
    """Append one move to the ledger, or refuse it with a ``ValidationError`` naming the field
    (``PermissionDenied`` for a user who may not). ``user`` None: the command line or the demo.

    A recycled terminal offered for a warranty replacement is refused and the attempt kept
    (``RefusedMove``), so that the terminal's history shows it."""
    serial = (serial or "").strip()
    replacement_serial = (replacement_serial or "").strip()
    account_no = (account_no or "").strip()
    try:
        with transaction.atomic():
            if kind == MoveKind.REVERSAL:
                return _reverse(user=user, move=reverses, business_date=business_date, note=note)
            if reverses is not None:
                raise _refuse("reverses", _("Only a reversal names the move it undoes."))
            return _create(
                user=user,
                kind=kind,
                item=item,
                quantity=quantity,
                business_date=business_date,
                from_warehouse=from_warehouse,
                to_warehouse=to_warehouse
                or (from_warehouse if kind == MoveKind.WARRANTY_REPLACEMENT else None),
                serial=serial,
                replacement_serial=replacement_serial,
                account_no=account_no,
                business_line=business_line,
                deposit=deposit,
                condition=condition or "",
                note=note or "",
                import_job=import_job,
            )
    except ValidationError as error:
        if kind == MoveKind.WARRANTY_REPLACEMENT and _is_recycled_refusal(error):
            RefusedMove.objects.create(
                kind=kind,
                item=item,
                warehouse=from_warehouse,
                serial=serial,
                replacement_serial=replacement_serial,
                account_no=account_no,
                business_date=business_date,
                reason=_(RECYCLED_WARRANTY),
                created_by=user,
            )
        raise


def _is_recycled_refusal(error: ValidationError) -> bool:
    messages = getattr(error, "message_dict", {}).get("replacement_serial", [])
    return _(RECYCLED_WARRANTY) in messages


def _create(
    *,
    user: User | None,
    kind: str,
    item: Item,
    quantity: int,
    business_date: dt.date,
    from_warehouse: Warehouse | None,
    to_warehouse: Warehouse | None,
    serial: str,
    replacement_serial: str,
    account_no: str,
    business_line: BusinessLine | None,
    deposit: Decimal | None,
    condition: str,
    note: str,
    import_job: Any,
) -> StockMove:
    _check_role(user, kind, from_warehouse, to_warehouse)
    _check_fields(
        kind=kind,
        item=item,
        quantity=quantity,
        from_warehouse=from_warehouse,
        to_warehouse=to_warehouse,
        serial=serial,
        replacement_serial=replacement_serial,
        account_no=account_no,
        business_line=business_line,
        deposit=deposit,
        condition=condition,
    )
    if kind == MoveKind.RETURN_DISMANTLE and not condition:
        condition = Condition.OK
    terminals = _locked_terminals([serial, replacement_serial]) if item.serialized else {}
    terminal = terminals.get(serial)
    state_before = terminal.state if terminal else ""
    if item.serialized:
        if kind == MoveKind.ADJUSTMENT:
            _check_adjustment(terminal, serial, item, to_warehouse, quantity)
        else:
            _check_transition(kind, terminal, serial, item, from_warehouse, account_no)
        if kind == MoveKind.RECEIPT and terminal is not None:
            # Back from repair: it leaves the warehouse the ledger held it in while faulty.
            from_warehouse = terminal.warehouse
        if kind == MoveKind.WARRANTY_REPLACEMENT:
            assert from_warehouse is not None
            _check_replacement(
                terminals.get(replacement_serial), replacement_serial, item, from_warehouse
            )
    _apply_balances(item, _deltas(from_warehouse, to_warehouse, quantity))
    move = StockMove.objects.create(
        kind=kind,
        item=item,
        quantity=quantity,
        from_warehouse=from_warehouse,
        to_warehouse=to_warehouse,
        serial=serial,
        replacement_serial=replacement_serial,
        account_no=account_no,
        business_line=business_line,
        business_date=business_date,
        deposit=deposit,
        condition=condition,
        state_before=state_before,
        note=note,
        import_job=import_job,
        created_by=user,
    )
    if item.serialized:
        place = _place_after(
            kind,
            condition=condition,
            from_warehouse=from_warehouse,
            to_warehouse=to_warehouse,
            terminal=terminal,
            account_no=account_no,
            business_line=business_line,
            quantity=quantity,
        )
        if terminal is None:
            _terminal_create(serial, item, place)
        else:
            _put(terminal, place)
        if kind == MoveKind.WARRANTY_REPLACEMENT:
            new = terminals[replacement_serial]
            _put(new, _Place(S.INSTALLED, None, account_no, _county(from_warehouse), business_line))
    if (
        kind == MoveKind.ISSUE_INSTALL
        and item.serialized
        and business_line is not None
        and business_line.deposit_required
        and from_warehouse is not None
        and from_warehouse.county_id is not None
    ):
        # An install on a deposit line records its deposit; none charged → follow-up list.
        Deposit.objects.create(
            move=move,
            county_id=from_warehouse.county_id,
            account_no=account_no,
            business_line=business_line,
            business_date=business_date,
            amount=deposit,
        )
    return move


def _terminal_create(serial: str, item: Item, place: _Place) -> None:
    # Two receipts of the same new serial at once: the second one's insert fails on the unique
    # serial; a savepoint keeps the transaction usable to answer with a clear message.
    try:
        with transaction.atomic():
            Terminal.objects.create(
                serial=serial,
                item=item,
                state=place.state,
                warehouse=place.warehouse,
                county_id=place.county_id,
            )
    except IntegrityError:
        raise _refuse(
            "serial", _("Terminal %(serial)s is already in the ledger.") % {"serial": serial}
        )


def _check_adjustment(
    terminal: Terminal | None, serial: str, item: Item, warehouse: Warehouse | None, quantity: int
) -> None:
    """A stock count's difference for one serial: a terminal found that the ledger did not
    know (+1), or one of the warehouse's that was not found (−1)."""
    if quantity > 0 and terminal is not None:
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is %(where)s; move it with a transfer, not an adjustment.")
            % {"serial": serial, "where": _where(terminal)},
        )
    if quantity < 0:
        if terminal is None or terminal.state not in (S.NEW, S.RECYCLED, S.FAULTY):
            raise _refuse(
                "serial",
                _("Terminal %(serial)s is not in a warehouse; nothing to write off.")
                % {"serial": serial},
            )
        if terminal.warehouse_id != getattr(warehouse, "pk", None) or terminal.item_id != item.pk:
            raise _refuse(
                "serial",
                _("Terminal %(serial)s is %(where)s, not in %(warehouse)s.")
                % {
                    "serial": serial,
                    "where": _where(terminal),
                    "warehouse": getattr(warehouse, "code", "-"),
                },
            )


# --------------------------------------------------------------------------- reversals


def _reverse(
    *, user: User | None, move: StockMove | None, business_date: dt.date, note: str
) -> StockMove:
    """Undo exactly ``move``: the opposite quantities, and its terminal(s) back where they were
    — only while they are still where the move left them."""
    if move is None:
        raise _refuse("reverses", _("A reversal names the move it undoes."))
    _check_role(user, MoveKind.REVERSAL, None, None)
    # Lock the move's row so that two reversals of it queue up; the unique ``reverses`` is the
    # last line.
    move = (
        StockMove.objects.select_for_update(of=("self",))
        .select_related("item", "from_warehouse", "to_warehouse", "business_line")
        .get(pk=move.pk)
    )
    if move.kind == MoveKind.REVERSAL:
        raise _refuse("reverses", _("A reversal is not reversed; record the move again instead."))
    if StockMove.objects.filter(reverses=move).exists():
        raise _refuse("reverses", _("Move %(id)s is already reversed.") % {"id": move.pk})
    item = move.item
    if move.kind in (MoveKind.ADJUSTMENT,):
        source, target, quantity = None, move.to_warehouse, -move.quantity
    else:
        source, target, quantity = move.to_warehouse, move.from_warehouse, move.quantity
    terminals = _locked_terminals([move.serial, move.replacement_serial]) if item.serialized else {}
    if item.serialized:
        _check_still_there(move, terminals)
    _apply_balances(item, _deltas(source, target, quantity))
    try:
        with transaction.atomic():
            reversal = StockMove.objects.create(
                kind=MoveKind.REVERSAL,
                item=item,
                quantity=quantity,
                from_warehouse=source,
                to_warehouse=target,
                serial=move.serial,
                replacement_serial=move.replacement_serial,
                account_no=move.account_no,
                business_line=move.business_line,
                business_date=business_date,
                state_before=terminals[move.serial].state if move.serial in terminals else "",
                reverses=move,
                note=note or "",
                created_by=user,
            )
    except IntegrityError:
        raise _refuse("reverses", _("Move %(id)s is already reversed.") % {"id": move.pk})
    if item.serialized:
        _restore(move, terminals)
    return reversal


def _after_of(move: StockMove) -> _Place:
    """Where ``move`` left its (first) serial."""
    return _place_after(
        move.kind,
        condition=move.condition,
        from_warehouse=move.from_warehouse,
        to_warehouse=move.to_warehouse,
        terminal=None if not move.state_before else Terminal(state=move.state_before),
        account_no=move.account_no,
        business_line=move.business_line,
        quantity=move.quantity,
    )


def _check_still_there(move: StockMove, terminals: dict[str, Terminal]) -> None:
    expected = [(move.serial, _after_of(move))]
    if move.kind == MoveKind.WARRANTY_REPLACEMENT:
        expected.append(
            (
                move.replacement_serial,
                _Place(S.INSTALLED, None, move.account_no, _county(move.from_warehouse)),
            )
        )
    for serial, place in expected:
        terminal = terminals.get(serial)
        if (
            terminal is None
            or terminal.state != place.state
            or terminal.warehouse_id != getattr(place.warehouse, "pk", None)
            or terminal.account_no != place.account_no
        ):
            raise _refuse(
                "reverses",
                _(
                    "Terminal %(serial)s has moved since (it is %(where)s); reverse its later "
                    "moves first."
                )
                % {"serial": serial, "where": _where(terminal) if terminal else _("unknown")},
            )


def _restore(move: StockMove, terminals: dict[str, Terminal]) -> None:
    terminal = terminals[move.serial]
    if not move.state_before:
        # The move brought an unknown serial into the ledger (a receipt, a count's find): it is
        # unknown again. Its moves stay in the ledger and show its history.
        try:
            with transaction.atomic():
                terminal.delete()
        except IntegrityError:
            raise _refuse(
                "reverses",
                _("Terminal %(serial)s is referenced by a random check; it stays.")
                % {"serial": move.serial},
            )
        return
    if move.state_before == S.INSTALLED:
        # A dismantle or a replacement took it from the account: it goes back there.
        county = _county(move.to_warehouse)
        _put(terminal, _Place(S.INSTALLED, None, move.account_no, county, move.business_line))
    else:
        origin = move.from_warehouse if move.kind != MoveKind.ADJUSTMENT else move.to_warehouse
        _put(terminal, _Place(move.state_before, origin, county_id=_county(origin)))
    if move.kind == MoveKind.WARRANTY_REPLACEMENT:
        new = terminals[move.replacement_serial]
        _put(new, _Place(S.NEW, move.from_warehouse, county_id=_county(move.from_warehouse)))


# --------------------------------------------------------------------------- batches


def moves_apply(
    *, user: User | None, rows: Sequence[dict[str, Any]], import_job: Any = None
) -> list[StockMove]:
    """Apply ``rows`` (each the keyword arguments of ``move_create`` but ``user``) in order,
    all or nothing: the first refused row raises ``MoveError`` with its index and nothing of
    the batch stays."""
    moves: list[StockMove] = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                moves.append(move_create(user=user, import_job=import_job, **row))
            except (ValidationError, PermissionDenied) as error:
                raise MoveError(index, error)
    return moves


# --------------------------------------------------------------------------- deliveries


@transaction.atomic
def terminals_receive(
    *,
    user: User | None,
    item: Item,
    warehouse: Warehouse,
    serials: Sequence[str],
    business_date: dt.date,
    note: str = "",
) -> int:
    """A delivery of new terminals: one ``receipt`` per serial, as ``move_create`` would record
    them, in a fixed number of queries. Refused whole when a serial is already in the ledger
    (or twice in the delivery)."""
    _check_role(user, MoveKind.RECEIPT, None, warehouse)
    if not item.serialized:
        raise _refuse("item", _("%(sku)s has no serials.") % {"sku": item.sku})
    wanted = [s.strip() for s in serials if s.strip()]
    known = set(Terminal.objects.filter(serial__in=wanted).values_list("serial", flat=True))
    if known or len(set(wanted)) != len(wanted):
        duplicate = sorted(known) or sorted({s for s in wanted if wanted.count(s) > 1})
        raise _refuse(
            "serial",
            _("Terminal %(serial)s is already in the ledger.") % {"serial": duplicate[0]},
        )
    _apply_balances(item, {warehouse: len(wanted)})
    StockMove.objects.bulk_create(
        StockMove(
            kind=MoveKind.RECEIPT,
            item=item,
            quantity=1,
            to_warehouse=warehouse,
            serial=serial,
            business_date=business_date,
            note=note,
            created_by=user,
        )
        for serial in wanted
    )
    Terminal.objects.bulk_create(
        Terminal(
            serial=serial,
            item=item,
            state=S.NEW,
            warehouse=warehouse,
            county_id=warehouse.county_id,
        )
        for serial in wanted
    )
    return len(wanted)


@transaction.atomic
def terminals_transfer(
    *,
    user: User | None,
    item: Item,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    serials: Sequence[str],
    business_date: dt.date,
    note: str = "",
) -> int:
    """A county drawing terminals from another warehouse: one ``transfer`` per serial, as
    ``move_create`` would record them, in a fixed number of queries; refused whole when one
    terminal is not in ``from_warehouse`` in a state a transfer takes."""
    _check_role(user, MoveKind.TRANSFER, from_warehouse, to_warehouse)
    if from_warehouse.pk == to_warehouse.pk:
        raise _refuse("to_warehouse", _("A transfer goes to another warehouse."))
    terminals = _locked_terminals(serials)
    for serial in serials:
        terminal = terminals.get(serial)
        _check_transition(MoveKind.TRANSFER, terminal, serial, item, from_warehouse, "")
    _apply_balances(item, _deltas(from_warehouse, to_warehouse, len(terminals)))
    StockMove.objects.bulk_create(
        StockMove(
            kind=MoveKind.TRANSFER,
            item=item,
            quantity=1,
            from_warehouse=from_warehouse,
            to_warehouse=to_warehouse,
            serial=terminal.serial,
            state_before=terminal.state,
            business_date=business_date,
            note=note,
            created_by=user,
        )
        for terminal in terminals.values()
    )
    Terminal.objects.filter(pk__in=[t.pk for t in terminals.values()]).update(
        warehouse=to_warehouse, county_id=to_warehouse.county_id, updated_at=timezone.now()
    )
    return len(terminals)
