"""The item catalogue: city staff add and change items (docs/materials.md#the-ledger)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketing_ops.access import CITY_ROLES, has_role
from marketing_ops.models import BusinessLine
from materials.models import Item

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _check(user: User, category: str, business_line: BusinessLine | None) -> None:
    if not has_role(user, *CITY_ROLES):
        raise PermissionDenied(_("Only city staff keep the item catalogue."))
    if category not in Item.Category.values:
        raise ValidationError({"category": _("Use terminal, cable, accessory or other.")})
    if business_line is not None and category != Item.Category.TERMINAL:
        raise ValidationError(
            {"business_line": _("Only terminals name the business line that installs them.")}
        )


@transaction.atomic
def item_create(
    *,
    user: User,
    sku: str,
    name: str,
    category: str,
    serialized: bool = False,
    unit: str = "个",
    business_line: BusinessLine | None = None,
) -> Item:
    _check(user, category, business_line)
    sku = sku.strip()
    if Item.objects.filter(sku__iexact=sku).exists():
        raise ValidationError({"sku": _("An item %(sku)s exists already.") % {"sku": sku}})
    return Item.objects.create(
        sku=sku,
        name=name,
        category=category,
        serialized=serialized,
        unit=unit or "个",
        business_line=business_line,
    )


@transaction.atomic
def item_update(
    *,
    user: User,
    item: Item,
    name: str,
    category: str,
    unit: str,
    business_line: BusinessLine | None,
    active: bool,
) -> Item:
    """Change an item's description; its SKU and whether it has serials stay, since the
    ledger's moves and terminals were recorded with them."""
    _check(user, category, business_line)
    item.name, item.category, item.unit = name, category, unit or "个"
    item.business_line, item.active = business_line, active
    item.save(update_fields=["name", "category", "unit", "business_line", "active"])
    return item
