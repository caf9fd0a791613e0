"""A month's state: closed months are read-only (docs/rules.md#appraisal-computation)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import AppraisalMonth
from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, has_role
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class MonthClosed(Exception):
    """The month is closed: nothing recomputes or changes it (the API answers 409)."""

    def __init__(self, month: Month) -> None:
        super().__init__(
            _("%(month)s is closed: its scorecards no longer change.")
            % {
                "month": formatting.month(month),
            }
        )
        self.month = month


def check_city(user: User | None) -> None:
    """Schemes, values, computing, adjusting and closing are the city's work."""
    if user is not None and not has_role(user, *CITY_ROLES):
        raise PermissionDenied(_("Only the city marketing department may change the appraisal."))


def lock_open(month: Month) -> AppraisalMonth:
    """The month's row, locked for this transaction; raises MonthClosed when it is closed."""
    state, _created = AppraisalMonth.objects.select_for_update().get_or_create(
        month=month.first_day
    )
    if state.closed:
        raise MonthClosed(month)
    return state


@transaction.atomic
def month_close(*, month: Month, user: User, now: dt.datetime) -> AppraisalMonth:
    """Close the month: its scorecards stay as they are. Closing twice is harmless."""
    check_city(user)
    state, _created = AppraisalMonth.objects.select_for_update().get_or_create(
        month=month.first_day
    )
    if state.computed_at is None:
        raise ValidationError(
            {
                "month": _("Compute %(month)s before closing it.")
                % {
                    "month": formatting.month(month),
                }
            }
        )
    if not state.closed:
        state.closed_at, state.closed_by = now, user
        state.save(update_fields=["closed_at", "closed_by"])
    return state
