"""Schemes (docs/rules.md#appraisal-schemes): saved whole after the checks of
``calculations.scheme_errors``, each error naming its indicator; copied from the previous
month."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.calculations import SchemeLine, scheme_errors
from appraisal.models import Indicator, Scheme, SchemeItem
from appraisal.services.months import check_city, lock_open
from marketing_ops import formatting
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def scheme_lines(rows: Sequence[dict]) -> list[SchemeLine]:
    """``[{code, weight, target, floor, cap?}]`` (the API's and the form's rows) as lines."""
    return [
        SchemeLine(
            code=str(row["code"]),
            weight=Decimal(row["weight"]),
            target=Decimal(row["target"]),
            floor=Decimal(row["floor"]),
            cap=Decimal(row["cap"]) if row.get("cap") is not None else Decimal(1),
        )
        for row in rows
    ]


@transaction.atomic
def scheme_save(*, month: Month, lines: Sequence[SchemeLine], user: User | None) -> Scheme:
    """Replace the month's scheme by ``lines``; refused whole, naming each indicator at fault,
    when a check fails; MonthClosed for a closed month."""
    check_city(user)
    lock_open(month)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[x.code for x in lines])}
    errors = scheme_errors(lines, {code: i.direction for code, i in indicators.items()})
    if not lines:
        errors.insert(0, _("A scheme needs at least one indicator."))
    if errors:
        raise ValidationError({"indicators": errors})
    scheme, _created = Scheme.objects.update_or_create(
        month=month.first_day, defaults={"updated_by": user}
    )
    scheme.items.all().delete()
    SchemeItem.objects.bulk_create(
        SchemeItem(
            scheme=scheme,
            indicator=indicators[line.code],
            weight=line.weight,
            target=line.target,
            floor=line.floor,
            cap=line.cap,
        )
        for line in lines
    )
    return scheme


def scheme_copy_previous(*, month: Month, user: User | None) -> Scheme:
    """The month's scheme as a copy of the previous month's."""
    try:
        before = month.previous()
    except ValueError:
        raise ValidationError(
            {
                "month": _("%(month)s has no month before it.")
                % {
                    "month": formatting.month(month),
                }
            }
        )
    previous = Scheme.objects.filter(month=before.first_day).first()
    if previous is None:
        raise ValidationError(
            {"month": _("%(month)s has no scheme to copy.") % {"month": formatting.month(before)}}
        )
    lines = [
        SchemeLine(item.indicator.code, item.weight, item.target, item.floor, item.cap)
        for item in previous.items.select_related("indicator")
    ]
    return scheme_save(month=month, lines=lines, user=user)
