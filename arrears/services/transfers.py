"""Transfers of long-term arrears out to bad debt, and the limits they are held to
(docs/rules.md#transfers-and-limits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Transfer, TransferLimit
from marketing_ops.access import APPROVER_ROLES, CITY_ROLES, has_role
from marketing_ops.formatting import money
from marketing_ops.formatting import month as month_text
from marketing_ops.models import County
from marketing_ops.money import CENT, ZERO, to_cents
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser


def _amount(value: Any, field: str, *, positive: bool) -> Decimal:
    """A money amount with at most 2 places; positive or not negative."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Enter an amount like 1234.50, not %(value)r.") % {"value": value}}
        )
    # A finite Decimal's exponent is an int (only NaN and Infinity have a letter there).
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: _("Enter an amount with at most 2 decimal places.")})
    if positive and amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount < 0:
        raise ValidationError({field: _("The amount must not be negative.")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("The amount is too large.")})
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
        .select_related("profile")
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
    confirm_over_limit: bool = False,
) -> Transfer:
    """Record long-term arrears of ``accounts`` accounts transferred out by ``county`` in
    ``month``. A transfer that takes the month over its limit (the city's or the county's) is
    refused with the excess under ``confirm_over_limit`` unless that is true; confirmed, it is
    recorded and the month is flagged (the province decides).

    Raises ValidationError with field messages, PermissionDenied for a non-city user.
    """
    _check_city_user(created_by, "record transfers")
    errors: dict[str, str] = {}
    month = _month(month)
    this_month = Month.of(timezone.localdate())
    if month > this_month:
        errors["month"] = _(
            "A transfer is recorded once it is made: %(month)s has not begun (this is %(now)s)."
        ) % {"month": month_text(month), "now": month_text(this_month)}
    try:
        amount = _amount(amount, "amount", positive=True)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 1:
        errors["accounts"] = _("Enter the number of accounts transferred (at least 1).")
    if county is None:
        errors["county"] = _("Choose a county.")
    elif not county.active:
        errors["county"] = _("County %(code)s is not active.") % {"code": county.code}
    if approver is None:
        errors["approver"] = _("Name who approved the transfer.")
    elif not approvers().filter(pk=approver.pk).exists():
        errors["approver"] = _(
            "%(user)s may not approve transfers: only the city's staff, admins and leadership may."
        ) % {"user": approver.get_username()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        excesses = over_limit_excesses(county=county, month=month, amount=amount)
        if excesses and not confirm_over_limit:
            raise ValidationError(
                {"confirm_over_limit": _over_limit_message(excesses)}, code="over_limit"
            )
        return Transfer.objects.create(
            county=county,
            month=month.first_day,
            amount=amount,
            accounts=accounts,
            approver=approver,
            note=note.strip(),
            created_by=created_by,
        )


@dataclass(frozen=True)
class Excess:
    """How far a transfer would take a month over one limit."""

    scope: str  # "the city" or a county code
    limit: Decimal
    total: Decimal  # the month's transfers in that scope with the new one
    excess: Decimal


def over_limit_excesses(*, county: County, month: Month, amount: Decimal) -> list[Excess]:
    """The limits (the city's, then ``county``'s sub-limit) that ``amount`` more transferred
    by ``county`` in ``month`` would exceed. The limit rows are locked, so two transfers
    recorded at once are checked one after the other. Three queries at most."""
    limits = {
        limit.county_id: limit.amount
        for limit in TransferLimit.objects.select_for_update()
        .order_by("pk")
        .filter(Q(county__isnull=True) | Q(county=county), month=month.first_day)
    }
    result = []
    month_transfers = Transfer.objects.filter(month=month.first_day).order_by()
    for county_id, scope in ((None, _("the city")), (county.pk, county.code)):
        limit = limits.get(county_id)
        if limit is None:
            continue
        scoped = month_transfers if county_id is None else month_transfers.filter(county=county)
        total = to_cents(scoped.aggregate(total=Sum("amount"))["total"] or ZERO) + amount
        if total > limit:
            result.append(Excess(scope=scope, limit=limit, total=total, excess=total - limit))
    return result


def _over_limit_message(excesses: list[Excess]) -> str:
    parts = [
        _("%(scope)s's limit of %(limit)s by %(excess)s (%(total)s in the month)")
        % {
            "scope": e.scope,
            "limit": money(e.limit),
            "excess": money(e.excess),
            "total": money(e.total),
        }
        for e in excesses
    ]
    return _("This transfer takes the month over %(limits)s. Confirm to record it anyway.") % {
        "limits": _(" and over ").join(parts)
    }


_UPSERT_ATTEMPTS = 3


def limit_set(
    *, month: Month, county: County | None = None, amount: Decimal, set_by: User
) -> TransferLimit:
    """Set the transfer limit of ``month``: the province's for the city (``county`` None) or
    the city's sub-limit for a county. Setting it again replaces the amount.

    Safe when the same limit is set at once by several people: ``update_or_create`` locks an
    existing row; when none exists yet, two inserts race and the loser's unique violation is
    rolled back to a savepoint and retried, now updating the winner's row."""
    _check_city_user(set_by, "set transfer limits")
    month = _month(month)
    value = _amount(amount, "amount", positive=False)
    for attempt in range(_UPSERT_ATTEMPTS):
        try:
            with transaction.atomic():
                limit, _created = TransferLimit.objects.update_or_create(
                    month=month.first_day,
                    county=county,
                    defaults={"amount": value, "set_by": set_by},
                )
                return limit
        except IntegrityError:
            if attempt == _UPSERT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def limit_clear(*, month: Month, county: County | None = None, cleared_by: Any) -> bool:
    """Remove the limit of ``month`` for the city (``county`` None) or a county: the month then
    has no limit. True when there was one."""
    _check_city_user(cleared_by, "set transfer limits")
    month = _month(month)
    deleted, _counts = TransferLimit.objects.filter(month=month.first_day, county=county).delete()
    return deleted > 0


def limits_set_grid(
    *, year: int, cells: Mapping[tuple[Month, County | None], Decimal | None], set_by: Any
) -> int:
    """Set the limits of ``year`` from a month × scope grid (``county`` None: the city). A
    cell whose amount differs from the stored limit is set, an empty cell (None) removes the
    limit; unchanged cells are left alone. All or nothing; returns how many cells changed."""
    _check_city_user(set_by, "set transfer limits")
    errors: dict[str, str] = {}
    for (month, _county), amount in cells.items():
        if month.year != year:
            errors["month"] = _("%(month)s is not in %(year)s.") % {
                "month": month_text(month),
                "year": year,
            }
        if amount is not None:
            try:
                _amount(amount, "amount", positive=False)
            except ValidationError as exc:
                errors["amount"] = exc.message_dict["amount"][0]
    if errors:
        raise ValidationError(errors)
    stored = {
        (Month.of(limit.month), limit.county_id): limit.amount
        for limit in TransferLimit.objects.filter(month__year=year)
    }
    changed = 0
    with transaction.atomic():
        for (month, county), amount in cells.items():
            before = stored.get((month, county.pk if county else None))
            if amount is None:
                if before is not None:
                    limit_clear(month=month, county=county, cleared_by=set_by)
                    changed += 1
            elif before is None or before != to_cents(amount):
                limit_set(month=month, county=county, amount=amount, set_by=set_by)
                changed += 1
    return changed
