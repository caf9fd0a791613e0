"""Scorecards as readers see them (docs/rules.md#appraisal-scores): every county's total and
rank for everyone; the scores, their inputs and formulas and the adjustments only for the
counties the reader may see (``visible_to``). A fixed number of queries per call."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from appraisal import calculations as calc
from appraisal.models import Adjustment, AppraisalMonth, SchemeItem, Score, Scorecard
from appraisal.selectors.schemes import month_state, months_with_schemes, scheme_items
from marketing_ops import formatting
from marketing_ops.access import bound_county_id, check_county, is_city_wide
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from marketing_ops.access import AnyUser

#: What the built-in indicators' inputs (``Score.inputs``, named as in the API) are called on
#: the scorecard; an input without a name here shows its key.
INPUT_LABELS: dict[str, Promise] = {
    "cumulative_actual": _("Cumulative actual"),
    "revenue_target": _("Revenue target"),
    "completion_rate": _("Completion rate"),
    "time_progress": _("Time progress"),
    "lines_with_target": _("Business lines with a target"),
    "billing_month": _("Billing month"),
    "billed": _("Billed"),
    "collected": _("Collected"),
    "dismantled": pgettext_lazy("appraisal input", "Dismantled"),
    "in_service_at_start": _("In service at the start of the month"),
    "in_service_at_end": _("In service at the end of the month"),
    "renewed": _("Renewed"),
    "contracts_ending": _("Contracts ending"),
    "zero_cost": _("Zero-cost users"),
    "zero_cost_before": _("Zero-cost users before"),
    "activated": _("Activated"),
    "stopped": _("Single or double stop"),
    "passed": _("Audits passed"),
    "due": _("Audits due"),
    "entered": _("Entered value"),
    "days_lines": _("Days × business lines in the loop"),
    "differences": _("Loop differences"),
    "accepted": _("Differences accepted"),
    "not_accepted": _("Differences not accepted"),
}

#: Inputs holding a month (``YYYY-MM``), shown as pages write a month.
MONTH_INPUTS = frozenset({"billing_month"})


@dataclass(frozen=True)
class ScoreLine:
    score: Score
    #: Σ of the adjustments city staff added to this score.
    adjustment: Decimal
    #: The business lines' names by code, for the ``<LINE>_ratio`` inputs (``scorecard_detail``).
    line_names: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def inputs_shown(self) -> list[tuple[str, str, object]]:
        """The inputs as ``(name, key, value)`` in the reader's language; a business line's
        ``<LINE>_ratio`` reads as that line's completion ratio, named by the line's name; a
        month as pages write it."""
        shown: list[tuple[str, str, object]] = []
        for key, value in self.score.inputs.items():
            if key in INPUT_LABELS:
                name = str(INPUT_LABELS[key])
            elif key.endswith("_ratio"):
                code = key.removesuffix("_ratio")
                name = gettext("%(line)s completion ratio") % {
                    "line": self.line_names.get(code, code)
                }
            else:
                name = key
            if key in MONTH_INPUTS and isinstance(value, str):
                value = formatting.period(value)
            shown.append((name, key, value))
        return shown

    @property
    def line_codes(self) -> set[str]:
        """The business lines named by the ``<LINE>_ratio`` inputs."""
        return {key.removesuffix("_ratio") for key in self.score.inputs if key.endswith("_ratio")}

    @property
    def formula(self) -> str | None:
        """The score's formula with the numbers filled in; None for no value."""
        s = self.score
        if s.value is None:
            return None
        return calc.formula(
            value=s.value,
            weight=s.weight,
            target=s.target,
            floor=s.floor,
            cap=s.cap,
            direction=s.indicator.direction,
            # Translators: the function that keeps a ratio between 0 and the cap, as in
            # "20 × clamp(0.95, 0, 1)" on a scorecard.
            clamp_word=gettext("clamp"),
        )


@dataclass
class CardView:
    card: Scorecard
    #: May the reader see this county's scores and adjustments?
    visible: bool
    scores: list[ScoreLine] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)

    @property
    def county(self) -> County:
        return self.card.county

    def score_of(self, code: str) -> ScoreLine | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, ScoreLine]:
        return {line.score.indicator.code: line for line in self.scores}


@dataclass
class Ranking:
    month: Month
    state: AppraisalMonth | None
    items: list[SchemeItem]
    rows: list[CardView]
    months: list[Month]

    @property
    def computed(self) -> bool:
        return bool(self.rows)

    @property
    def closed(self) -> bool:
        return bool(self.state and self.state.closed)

    def cells(self) -> list[tuple[CardView, list[ScoreLine | None]]]:
        """Each row with its scores in the order of the scheme's columns."""
        return [
            (row, [row.score_of(item.indicator.code) for item in self.items]) for row in self.rows
        ]


def scorecards(user: AnyUser, month: Month, county: County | None = None) -> list[CardView]:
    """The month's scorecards by rank (then the counties' order): three queries."""
    cards = Scorecard.objects.filter(month=month.first_day).select_related("county")
    if county is not None:
        cards = cards.filter(county=county)
    ordered = list(
        cards.order_by(F("rank").asc(nulls_last=True), "county__sort_order", "county__code")
    )
    scores = (
        Score.objects.visible_to(user)
        .filter(month=month.first_day)
        .select_related("indicator")
        .order_by("indicator__code")
    )
    adjustments = (
        Adjustment.objects.visible_to(user)
        .filter(month=month.first_day)
        .select_related("indicator", "by__profile")
        .order_by("at", "pk")
    )
    if county is not None:
        scores, adjustments = scores.filter(county=county), adjustments.filter(county=county)
    by_county: dict[int, list[Adjustment]] = defaultdict(list)
    for adjustment in adjustments:
        by_county[adjustment.county_id].append(adjustment)
    lines: dict[int, list[ScoreLine]] = defaultdict(list)
    for score in scores:
        added = sum(
            (a.amount for a in by_county[score.county_id] if a.indicator_id == score.indicator_id),
            Decimal(0),
        )
        lines[score.county_id].append(ScoreLine(score=score, adjustment=added))
    everyone = is_city_wide(user)
    own = None if everyone else bound_county_id(user)
    return [
        CardView(
            card=card,
            visible=everyone or card.county_id == own,
            scores=lines.get(card.county_id, []),
            adjustments=by_county.get(card.county_id, []),
        )
        for card in ordered
    ]


def ranking(user: AnyUser, month: Month) -> Ranking:
    """The city ranking grid of ``month``: six queries whatever the number of counties."""
    return Ranking(
        month=month,
        state=month_state(month),
        items=scheme_items(month),
        rows=scorecards(user, month),
        months=months_with_schemes(),
    )


def scorecard_detail(user: AnyUser, month: Month, county: County) -> CardView | None:
    """One county's full scorecard; 404 for a county the reader may not see; None before the
    month is computed."""
    check_county(user, county)
    rows = scorecards(user, month, county)
    if not rows:
        return None
    card = rows[0]
    codes = set().union(*(line.line_codes for line in card.scores))
    if codes:  # one query: the names of the lines the inputs name
        names = dict(BusinessLine.objects.filter(code__in=codes).values_list("code", "name"))
        card.scores = [replace(line, line_names=names) for line in card.scores]
    return card


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    total: Decimal | None
    adjusted_total: Decimal | None
    rank: int | None


def trend(county: County, months: int = 12) -> list[TrendPoint]:
    """A county's total and rank over its last ``months`` computed months, oldest first (totals
    and ranks are everyone's to see). One query."""
    cards = list(
        Scorecard.objects.filter(county=county)
        .order_by("-month")
        .values_list("month", "total", "adjusted_total", "rank")[:months]
    )
    return [
        TrendPoint(Month.of(day), total, adjusted, rank)
        for day, total, adjusted, rank in reversed(cards)
    ]


def latest_month() -> Month | None:
    """The newest month with scorecards, else with a scheme: where the pages open."""
    day = Scorecard.objects.order_by("-month").values_list("month", flat=True).first()
    if day is not None:
        return Month.of(day)
    months = months_with_schemes()
    return months[0] if months else None
