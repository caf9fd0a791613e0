"""Stock counts (docs/materials.md): start (freeze the warehouse's expected quantities and serials),
enter or upload what was counted, approve (each difference an ``adjustment`` move through the
one move service, all or nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing_ops.access import CITY_ROLES, WRITING_ROLES, bound_county_id, has_role, is_city_wide
from materials.models import (
    Item,
    MoveKind,
    StockBalance,
    StockCount,
    StockCountLine,
    StockCountSerial,
    Terminal,
    TerminalState,
    Warehouse,
)
from materials.selectors import counts as reads
from materials.services import moves

if TYPE_CHECKING:
    from django.contrib.auth.models import User

IN_A_WAREHOUSE = (TerminalState.NEW, TerminalState.RECYCLED, TerminalState.FAULTY)


def _check_writer(user: User | None, warehouse: Warehouse) -> None:
    """``user`` None: an import run from the command line, for the whole city."""
    if user is None:
        return
    if not has_role(user, *WRITING_ROLES):
        raise PermissionDenied(_("Your role may not count stock."))
    if not is_city_wide(user) and warehouse.county_id != bound_county_id(user):
        raise PermissionDenied(_("You may only count your county's warehouse."))


@transaction.atomic
def count_start(*, user: User, warehouse: Warehouse, note: str = "") -> StockCount:
    """Open a count of ``warehouse``: what the ledger holds now is frozen as expected (each item
    with stock, each terminal in the warehouse). One open count per warehouse."""
    _check_writer(user, warehouse)
    # The balances and terminals are read under the warehouse row's lock so that the frozen
    # figures are one moment of the ledger.
    list(Warehouse.objects.select_for_update().filter(pk=warehouse.pk).order_by().values("pk"))
    try:
        with transaction.atomic():
            count = StockCount.objects.create(
                warehouse=warehouse,
                note=note,
                started_by=user,
                started_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(
            {
                "warehouse": _("%(warehouse)s has an open count already; finish it first.")
                % {"warehouse": warehouse.code}
            }
        )
    StockCountLine.objects.bulk_create(
        StockCountLine(count=count, item_id=item_id, expected_quantity=quantity)
        for item_id, quantity in StockBalance.objects.filter(
            warehouse=warehouse, quantity__gt=0
        ).values_list("item_id", "quantity")
    )
    StockCountSerial.objects.bulk_create(
        (
            StockCountSerial(count=count, item_id=item_id, serial=serial, expected=True)
            for serial, item_id in Terminal.objects.filter(
                warehouse=warehouse, state__in=IN_A_WAREHOUSE
            ).values_list("serial", "item_id")
        ),
        batch_size=2000,
    )
    return count


def _open(count: StockCount) -> StockCount:
    locked = (
        StockCount.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .order_by()
        .get(pk=count.pk)
    )
    if locked.status != StockCount.Status.OPEN:
        raise ValidationError({"count": _("This count is approved; it no longer changes.")})
    return locked


@transaction.atomic
def count_enter(
    *,
    user: User | None,
    count: StockCount,
    quantities: Mapping[Item, int] | None = None,
    serials: Iterable[tuple[Item, str]] = (),
) -> int:
    """Record counted quantities (items without serials) and serials found. A serial found
    that the count did not expect is kept as unexpected. Returns the entries written."""
    count = _open(count)
    _check_writer(user, count.warehouse)
    quantities = dict(quantities or {})
    errors = [item.sku for item in quantities if item.serialized]
    if errors:
        raise ValidationError(
            {
                "counted_quantity": _(
                    "%(sku)s has serials: enter the serials found, not a quantity."
                )
                % {"sku": ", ".join(errors)}
            }
        )
    StockCountLine.objects.bulk_create(
        [
            StockCountLine(count=count, item=item, expected_quantity=0, counted_quantity=quantity)
            for item, quantity in quantities.items()
        ],
        update_conflicts=True,
        unique_fields=["count", "item"],
        update_fields=["counted_quantity"],
    )
    found = [(item, serial.strip()) for item, serial in serials if serial.strip()]
    wrong = [serial for item, serial in found if not item.serialized]
    if wrong:
        raise ValidationError(
            {"serial": _("%(sku)s has no serials; enter a quantity.") % {"sku": wrong[0]}}
        )
    StockCountSerial.objects.bulk_create(
        [
            StockCountSerial(count=count, item=item, serial=serial, found=True)
            for item, serial in found
        ],
        update_conflicts=True,
        unique_fields=["count", "serial"],
        update_fields=["found"],
    )
    return len(quantities) + len(found)


@transaction.atomic
def count_approve(
    *, user: User, count: StockCount, business_date: dt.date | None = None
) -> list[Any]:
    """City staff approve the count: every difference becomes an ``adjustment`` move in the
    counted warehouse through the move service, all or nothing; the count is then closed.
    Refused while an item without serials has not been counted."""
    if not (has_role(user, *CITY_ROLES) and is_city_wide(user)):
        raise PermissionDenied(_("Only city staff approve stock counts."))
    count = _open(count)
    differences = reads.count_differences(count)
    if differences.not_counted:
        raise ValidationError(
            {
                "count": _("Count every item first; not counted yet: %(skus)s.")
                % {"skus": ", ".join(line.sku for line in differences.not_counted)}
            }
        )
    day = business_date or timezone.localdate()
    note = _("Stock count #%(id)s") % {"id": count.pk}
    items = Item.objects.in_bulk(
        {d.item_id for d in differences.quantity_differences}
        | {d.item_id for d in differences.missing}
        | {d.item_id for d in differences.unexpected}
    )
    rows: list[dict[str, Any]] = [
        {"item": items[d.item_id], "quantity": d.difference, "serial": ""}
        for d in differences.quantity_differences
    ]
    rows += [
        {"item": items[d.item_id], "quantity": -1, "serial": d.serial} for d in differences.missing
    ]
    rows += [
        {"item": items[d.item_id], "quantity": 1, "serial": d.serial}
        for d in differences.unexpected
    ]
    try:
        made = moves.moves_apply(
            user=user,
            rows=[
                {
                    "kind": MoveKind.ADJUSTMENT,
                    "to_warehouse": count.warehouse,
                    "business_date": day,
                    "note": note,
                    **row,
                }
                for row in rows
            ],
        )
    except moves.MoveError as error:
        row = rows[error.index]
        raise ValidationError(
            {
                "count": _("%(sku)s %(serial)s: %(reason)s")
                % {
                    "sku": row["item"].sku,
                    "serial": row["serial"],
                    "reason": " ".join(_messages(error.error)),
                }
            }
        )
    count.status = StockCount.Status.APPROVED
    count.approved_by, count.approved_at = user, timezone.now()
    count.save(update_fields=["status", "approved_by", "approved_at"])
    return made


def _messages(error: Exception) -> Sequence[str]:
    return getattr(error, "messages", None) or [str(error)]
