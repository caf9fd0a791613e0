"""Manual indicators and their values (docs/rules.md#appraisal-indicators): by the form, the
API and the ``indicator_values`` dataset, all through ``manual_values_save``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from appraisal.calculations import HIGHER, LOWER
from appraisal.models import BUILT_IN, Indicator, ManualValue, indicator_code
from appraisal.services.months import check_city, lock_open
from marketing_ops.models import County
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def indicators_ensure_built_in() -> int:
    """The built-in indicators' rows, as migration 0002 makes them, made again where missing
    (a database emptied by hand or by a test's flush). Returns how many were made."""
    existing = set(Indicator.objects.filter(built_in=True).values_list("code", flat=True))
    with translation.override("en"):
        missing = [
            Indicator(code=code, name=str(name), direction=direction, unit=unit, built_in=True)
            for code, (name, direction, unit) in BUILT_IN.items()
            if code not in existing
        ]
    Indicator.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def indicator_create(
    *, code: str, name: str, direction: str, unit: str, user: User | None
) -> Indicator:
    """A manual indicator; its code may not be one already taken (built-in codes included)."""
    check_city(user)
    code = code.strip().upper()
    try:
        indicator_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages})
    if direction not in (HIGHER, LOWER):
        raise ValidationError({"direction": _("Use higher or lower.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the indicator a name.")})
    if Indicator.objects.filter(code=code).exists():
        raise ValidationError({"code": _("%(code)s already exists.") % {"code": code}})
    return Indicator.objects.create(
        code=code, name=name.strip(), direction=direction, unit=unit.strip(), built_in=False
    )


@dataclass(frozen=True)
class ValueRow:
    county: str
    indicator: str
    value: Decimal


@transaction.atomic
def manual_values_save(*, month: Month, rows: Sequence[ValueRow], user: User | None) -> int:
    """Store the manual values of the month (one per county and indicator; a value entered
    again replaces the last). Refused whole when a county or indicator is unknown or not
    manual; MonthClosed for a closed month. Returns the values written."""
    check_city(user)
    lock_open(month)
    counties = dict(County.objects.values_list("code", "pk"))
    manual = {i.code: i for i in Indicator.objects.filter(built_in=False)}
    errors = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        if (row.county, row.indicator) in seen:
            errors.append(
                _("row %(n)s: %(county)s %(code)s given twice")
                % {"n": number, "county": row.county, "code": row.indicator}
            )
        seen.add((row.county, row.indicator))
        if row.county not in counties:
            errors.append(
                _("row %(n)s: unknown county %(code)s") % {"n": number, "code": row.county}
            )
        if row.indicator not in manual:
            errors.append(
                _("row %(n)s: %(code)s is not a manual indicator")
                % {"n": number, "code": row.indicator}
            )
    if errors:
        raise ValidationError({"values": errors})
    ManualValue.objects.bulk_create(
        [
            ManualValue(
                county_id=counties[row.county],
                month=month.first_day,
                indicator=manual[row.indicator],
                value=row.value,
                entered_by=user,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["month", "indicator", "county"],
        update_fields=["value", "entered_by", "entered_at"],
    )
    return len(rows)
