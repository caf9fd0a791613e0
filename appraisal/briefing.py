"""The appraisal in the monthly briefing (docs/rules.md#briefings): the month's ranking with the
movers up and down against the month before and the indicators left out; a county head's
briefing also holds their county's scorecard. Read as the recipient (``briefing_reader``): the
ranking is everyone's, the scores only the county's own. A fixed number of queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from appraisal.selectors.scorecards import CardView, scorecards
from marketing_ops import formatting
from marketing_ops.access import briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import Sheet

ORDER = 70


def sections(period: BriefingPeriod, county: County | None) -> list[Section]:
    if period.kind != "monthly":
        return []
    return [monthly_section(period, county)]


def _movers(now: list[CardView], before: list[CardView]) -> tuple[list[str], list[str]]:
    """Counties whose rank rose or fell since the month before, biggest moves first."""
    previous = {row.card.county_id: row.card.rank for row in before}
    moves = []
    for row in now:
        old = previous.get(row.card.county_id)
        if old is not None and row.card.rank is not None and old != row.card.rank:
            moves.append((old - row.card.rank, row.county.name, old, row.card.rank))
    up = [
        f"{name} ({old} → {new})"
        for change, name, old, new in sorted(moves, reverse=True)
        if change > 0
    ]
    down = [f"{name} ({old} → {new})" for change, name, old, new in sorted(moves) if change < 0]
    return up, down


def monthly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    month = period.month
    rows = scorecards(reader, month)
    title = _("Appraisal %(month)s") % {
        "month": formatting.month(month),
    }
    if not rows:
        return Section(
            title,
            lines=[
                _("%(month)s has not been computed yet.")
                % {
                    "month": formatting.month(month),
                }
            ],
            order=ORDER,
        )
    before = scorecards(reader, month.previous()) if month > Month(1900, 1) else []
    up, down = _movers(rows, before)
    lines = [
        _("First: %(first)s. Ranked %(n)s counties.")
        % {
            "first": ", ".join(r.county.name for r in rows if r.card.rank == 1) or "—",
            "n": len(rows),
        }
    ]
    if up:
        lines.append(_("Moved up: %(list)s.") % {"list": ", ".join(up)})
    if down:
        lines.append(_("Moved down: %(list)s.") % {"list": ", ".join(down)})
    left_out = sorted({code for row in rows for code in row.card.left_out if row.visible})
    if left_out:
        lines.append(_("Left out for want of a value: %(list)s.") % {"list": ", ".join(left_out)})
    ranking = Sheet(
        _("Ranking %(month)s")
        % {
            "month": formatting.month(month),
        },
        [_("Rank"), _("County"), _("Name"), _("Total"), _("Adjusted total")],
        [
            [
                row.card.rank,
                row.county.code,
                row.county.name,
                row.card.total,
                row.card.adjusted_total,
            ]
            for row in rows
        ],
    )
    tables = [ranking]
    own = next(
        (row for row in rows if county is not None and row.card.county_id == county.pk), None
    )
    if own is not None:
        lines.append(
            _("%(name)s: rank %(rank)s, total %(total)s (adjusted %(adjusted)s).")
            % {
                "name": own.county.name,
                "rank": own.card.rank or "—",
                "total": own.card.total if own.card.total is not None else "—",
                "adjusted": own.card.adjusted_total if own.card.adjusted_total is not None else "—",
            }
        )
        tables.append(
            Sheet(
                _("Scorecard %(code)s %(month)s")
                % {
                    "code": own.county.code,
                    "month": formatting.month(month),
                },
                [
                    _("Indicator"),
                    _("Value"),
                    _("Weight"),
                    _("Target"),
                    _("Floor"),
                    _("Ratio"),
                    _("Score"),
                ],
                [
                    [
                        line.score.indicator.code,
                        line.score.value,
                        line.score.weight,
                        line.score.target,
                        line.score.floor,
                        line.score.ratio,
                        line.score.score,
                    ]
                    for line in own.scores
                ],
            )
        )
    return Section(title, lines=lines, tables=tables, order=ORDER)
