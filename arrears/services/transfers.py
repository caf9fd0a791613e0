"""Transfers of long-term arrears out to bad debt, and the limits they are held to
(docs/rules.md#transfers-and-limits)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from arrears.models import Transfer, TransferLimit
from marketing_ops.access import APPROVER_ROLES, CITY_ROLES, has_role
from marketing_ops.models import County
from marketing_ops.money import CENT
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser


def _amount(value: Any, field: str, *, positive: bool) -> Decimal:
    """A money amount with at most 2 places; positive or not negative."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"Enter an amount like 1234.50, not {value!r}."})
    # A finite Decimal's exponent is an int (only NaN and Infinity have a letter there).
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: "Enter an amount with at most 2 decimal places."})
    if positive and amount <= 0:
        raise ValidationError({field: "The amount must be more than zero."})
    if amount < 0:
        raise ValidationError({field: "The amount must not be negative."})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: "The amount is too large."})
    return amount.quantize(CENT)


def _check_city_user(user: AnyUser, what: str) -> None:
    # Transfers and limits are set by the city (docs/rules.md#transfers-and-limits); counties
    # only read them.
    if user is not None and not has_role(user, *CITY_ROLES):
        raise PermissionDenied(f"Only city staff may {what}.")


def approvers() -> QuerySet:
    """Who may approve a transfer out to bad debt: the city's staff, admins and leadership."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=APPROVER_ROLES)
        .filter(Q(profile__isnull=True) | Q(profile__county__isnull=True))
        .distinct()
        .order_by("username")
    )


def _month(value: Month | Any) -> Month:
    if isinstance(value, Month):
        return value
    try:
        return Month.parse(str(value))
    except ValueError as exc:
        raise ValidationError({"month": str(exc)})


def transfer_create(
    *,
    county: County,
    month: Month,
    amount: Decimal,
    accounts: int,
    approver: User | None,
    note: str = "",
    created_by: User,
) -> Transfer:
    """Record long-term arrears of ``accounts`` accounts transferred out by ``county`` in
    ``month``. A month may go over its limit; it is then flagged, not refused (the province
    decides), so the transfer is recorded either way.

    Raises ValidationError with field messages, PermissionDenied for a non-city user.
    """
    _check_city_user(created_by, "record transfers")
    errors: dict[str, str] = {}
    month = _month(month)
    this_month = Month.of(timezone.localdate())
    if month > this_month:
        errors["month"] = (
            f"A transfer is recorded once it is made: {month} has not begun (this is {this_month})."
        )
    try:
        amount = _amount(amount, "amount", positive=True)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 1:
        errors["accounts"] = "Enter the number of accounts transferred (at least 1)."
    if county is None:
        errors["county"] = "Choose a county."
    elif not county.active:
        errors["county"] = f"County {county.code} is not active."
    if approver is None:
        errors["approver"] = "Name who approved the transfer."
    elif not approvers().filter(pk=approver.pk).exists():
        errors["approver"] = (
            f"{approver.get_username()} may not approve transfers: only the city's staff, "
            "admins and leadership may."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Transfer.objects.create(
            county=county,
            month=month.first_day,
            amount=amount,
            accounts=accounts,
            approver=approver,
            note=note.strip(),
            created_by=created_by,
        )


def limit_set(
    *, month: Month, county: County | None = None, amount: Decimal, set_by: User
) -> TransferLimit:
    """Set the transfer limit of ``month``: the province's for the city (``county`` None) or
    the city's sub-limit for a county. Setting it again replaces the amount."""
    _check_city_user(set_by, "set transfer limits")
    month = _month(month)
    value = _amount(amount, "amount", positive=False)
    with transaction.atomic():
        existing = (
            TransferLimit.objects.select_for_update()
            .order_by()
            .filter(month=month.first_day, county=county)
            .first()
        )
        if existing is None:
            return TransferLimit.objects.create(
                month=month.first_day, county=county, amount=value, set_by=set_by
            )
        existing.amount = value
        existing.set_by = set_by
        existing.save(update_fields=["amount", "set_by", "updated_at"])
        return existing
