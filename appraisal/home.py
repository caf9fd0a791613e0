"""The appraisal part of the start page (marketing_ops.work): for managers, where their county
ranks in the latest month scored (the leading county for the city)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.selectors import scorecards
from marketing_ops import formatting
from marketing_ops.access import Role, bound_county_id, has_role
from marketing_ops.work import Figure

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def figures(user: AnyUser, today: dt.date) -> list[Figure]:
    """Managers: their county's rank of the latest month scored, or the city's leader."""
    if not has_role(user, Role.MANAGER):
        return []
    month = scorecards.latest_month()
    if month is None:
        return []
    cards = scorecards.scorecards(user, month)
    own = bound_county_id(user)
    card = next((c for c in cards if c.card.county_id == own), None) if own else None
    card = card or next(iter(cards), None)
    if card is None or card.card.rank is None:
        return []
    total = card.card.adjusted_total if card.card.adjusted_total is not None else card.card.total
    return [
        Figure(
            label=_("Appraisal %(month)s: %(county)s")
            % {"month": formatting.month(month), "county": card.county.name},
            value=_("rank %(rank)s of %(counties)s")
            % {"rank": card.card.rank, "counties": len(cards)},
            comparison=_("%(points)s points") % {"points": total},
            url=reverse("appraisal:ranking"),
            order=30,
        )
    ]
