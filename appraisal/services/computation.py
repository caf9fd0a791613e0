"""The month's computation (docs/rules.md#appraisal-computation): every county's values, scores,
totals and ranks from the month's scheme, replacing the last results and listing what changed;
and adjustments, which only re-rank. The beat job, the compute button, the API and
``manage.py appraisal_compute`` all call ``scorecards_compute``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import calculations as calc
from appraisal.models import Adjustment, SchemeItem, Score, Scorecard
from appraisal.selectors.indicators import NO_VALUE, values_for
from appraisal.services.months import check_city, lock_open
from marketing_ops import formatting
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.ranking import competition_ranks

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Change:
    county: str
    indicator: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class ComputeResult:
    month: Month
    computed: int
    changed: list[Change] = field(default_factory=list)


def _scores(month: Month, items: list[SchemeItem], counties: list[County]) -> list[Score]:
    values = values_for(month, [item.indicator.code for item in items])
    scores = []
    for county in counties:
        for item in items:
            code = item.indicator.code
            found = values[code].get(county.pk, NO_VALUE)
            clamped = None
            if found.value is not None:
                clamped = calc.half_up(
                    calc.ratio(
                        value=found.value,
                        target=item.target,
                        floor=item.floor,
                        cap=item.cap,
                        direction=item.indicator.direction,
                    ),
                    calc.RATE,
                )
            scores.append(
                Score(
                    month=month.first_day,
                    county=county,
                    indicator=item.indicator,
                    value=found.value,
                    numerator=found.numerator,
                    denominator=found.denominator,
                    inputs=found.inputs,
                    weight=item.weight,
                    target=item.target,
                    floor=item.floor,
                    cap=item.cap,
                    ratio=clamped,
                    score=calc.score(
                        value=found.value,
                        weight=item.weight,
                        target=item.target,
                        floor=item.floor,
                        cap=item.cap,
                        direction=item.indicator.direction,
                    ),
                )
            )
    return scores


def _scorecards(month: Month, scores: list[Score], now: dt.datetime) -> list[Scorecard]:
    """Totals, adjusted totals and ranks of the month from its scores and adjustments."""
    adjusted: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    rows = Adjustment.objects.filter(month=month.first_day).values_list(
        "county_id", "indicator_id", "amount"
    )
    for county_id, indicator_id, amount in rows:
        adjusted[county_id, indicator_id] += amount
    by_county: dict[int, list[Score]] = defaultdict(list)
    for score in scores:
        by_county[score.county_id].append(score)
    cards = []
    for county_id, own in by_county.items():
        scored = [
            calc.Scored(s.weight, s.score, adjusted.get((county_id, s.indicator_id), Decimal(0)))
            for s in own
        ]
        cards.append(
            Scorecard(
                month=month.first_day,
                county_id=county_id,
                total=calc.total(scored),
                adjusted_total=calc.adjusted_total(
                    scored, adjusted.get((county_id, None), Decimal(0))
                ),
                left_out=[s.indicator.code for s in own if s.value is None],
                computed_at=now,
            )
        )
    ranks = competition_ranks({card.county_id: card.adjusted_total for card in cards})
    for card in cards:
        card.rank = ranks[card.county_id]
    return cards


@transaction.atomic
def scorecards_compute(
    *, month: Month, now: dt.datetime, user: User | None = None
) -> ComputeResult:
    """Compute (or recompute) every active county's scorecard of ``month`` from its scheme.

    The same inputs give the same results; a re-run replaces them and lists the scores that
    changed. MonthClosed for a closed month; a ValidationError when it has no scheme.
    """
    check_city(user)
    state = lock_open(month)
    items = list(
        SchemeItem.objects.filter(scheme__month=month.first_day)
        .select_related("indicator")
        .order_by("indicator__code")
    )
    if not items:
        raise ValidationError(
            {
                "month": _("%(month)s has no scheme yet.")
                % {
                    "month": formatting.month(month),
                }
            }
        )
    counties = list(County.objects.filter(active=True).order_by("sort_order", "code"))
    scores = _scores(month, items, counties)
    old = {
        (county, code): score
        for county, code, score in Score.objects.filter(month=month.first_day).values_list(
            "county__code", "indicator__code", "score"
        )
    }
    changed = [
        Change(s.county.code, s.indicator.code, old.get((s.county.code, s.indicator.code)), s.score)
        for s in scores
        if (s.county.code, s.indicator.code) not in old
        or old[s.county.code, s.indicator.code] != s.score
    ]
    changed += [
        Change(county, code, before, None)
        for (county, code), before in old.items()
        if (county, code) not in {(s.county.code, s.indicator.code) for s in scores}
    ]
    Score.objects.filter(month=month.first_day).delete()
    Scorecard.objects.filter(month=month.first_day).delete()
    Score.objects.bulk_create(scores)
    Scorecard.objects.bulk_create(_scorecards(month, scores, now))
    state.computed_at = now
    state.save(update_fields=["computed_at"])
    return ComputeResult(month=month, computed=len(counties), changed=changed)


def rerank(month: Month, now: dt.datetime) -> None:
    """Adjusted totals and ranks again after an adjustment; the scores stay as computed."""
    scores = list(Score.objects.filter(month=month.first_day).select_related("indicator"))
    cards = {card.county_id: card for card in _scorecards(month, scores, now)}
    stored = list(Scorecard.objects.filter(month=month.first_day))
    for card in stored:
        fresh = cards.get(card.county_id)
        if fresh is not None:
            card.adjusted_total, card.rank = fresh.adjusted_total, fresh.rank
    Scorecard.objects.bulk_update(stored, ["adjusted_total", "rank"])


@transaction.atomic
def adjustment_add(
    *,
    month: Month,
    county: County,
    amount: Decimal,
    reason: str,
    indicator_code: str | None,
    user: User,
    now: dt.datetime,
) -> Adjustment:
    """Add ``amount`` to the county's total (or to one score) with a reason; append-only.
    The ranks follow the adjusted totals. MonthClosed for a closed month."""
    check_city(user)
    lock_open(month)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    if not amount:
        raise ValidationError({"amount": _("An adjustment of 0 changes nothing.")})
    if not Scorecard.objects.filter(month=month.first_day, county=county).exists():
        raise ValidationError(
            {
                "month": _("%(month)s has no scorecard for %(county)s yet: compute it first.")
                % {"month": formatting.month(month), "county": county.code}
            }
        )
    indicator = None
    if indicator_code:
        score = (
            Score.objects.filter(
                month=month.first_day, county=county, indicator__code=indicator_code
            )
            .select_related("indicator")
            .first()
        )
        if score is None:
            raise ValidationError(
                {
                    "indicator": _("%(code)s is not in the month's scheme.")
                    % {"code": indicator_code}
                }
            )
        if score.score is None:
            raise ValidationError(
                {
                    "indicator": _("%(code)s has no value for %(county)s: it is left out.")
                    % {"code": indicator_code, "county": county.code}
                }
            )
        indicator = score.indicator
    adjustment = Adjustment.objects.create(
        month=month.first_day,
        county=county,
        indicator=indicator,
        amount=amount,
        reason=reason.strip(),
        by=user,
        at=now,
    )
    rerank(month, now)
    return adjustment
