"""The closed loop (docs/materials.md#the-closed-loop): per county × day × line that
uses a terminal, the terminals issued for installation against the installs the support center
reported, and the terminals returned from dismantling against the dismantles reported.

What counts, on each side:

- ``terminals_issued``: ``issue_install`` moves of terminal items out of the county's
  warehouse on that business date and line. Warranty replacements are left out on both sides:
  a swap is neither an install nor a dismantle (the faulty terminal comes back as the new one
  goes out), and the daily operations report does not count it.
- ``terminals_returned``: ``return_dismantle`` moves of terminal items into the county's
  warehouse on that date and line.
- A move that a reversal undid counts on neither side (it never happened): the reversal takes
  it back out on the original move's day and line.
- ``install_gap = terminals_issued − installs_reported``, ``return_gap = terminals_returned −
  dismantles_reported``: a negative return gap is a terminal that did not come back.

The figures come from one SQL statement (a ``UNION ALL`` of the three sources summed per county,
date and line, with the explanation joined), so the page, the API, the briefing and
appraisal's ``MATERIAL_LOOP_GAPS`` read the same numbers in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q, QuerySet

from marketing_ops.access import AnyUser, bound_county_id, is_city_wide, visible_counties
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.models import (
    DailyOperation,
    Deposit,
    Item,
    LoopExplanation,
    MoveKind,
    StockMove,
    TerminalState,
    Warehouse,
)

RATE = Decimal("0.0001")


@dataclass(frozen=True)
class LoopRow:
    """One county × day × line of the loop."""

    county_id: int
    county: str  # the county's code
    date: dt.date
    line_id: int
    line: str  # the line's code
    installs_reported: int
    terminals_issued: int
    dismantles_reported: int
    terminals_returned: int
    explanation: str | None
    accepted: bool
    line_name: str  # the line's name, as pages show it

    @property
    def install_gap(self) -> int:
        return self.terminals_issued - self.installs_reported

    @property
    def return_gap(self) -> int:
        return self.terminals_returned - self.dismantles_reported

    @property
    def has_gap(self) -> bool:
        return bool(self.install_gap or self.return_gap)

    @property
    def status(self) -> str:
        """``balanced``, ``open`` (a gap nobody explained), ``explained`` or ``accepted``."""
        if not self.has_gap:
            return "balanced"
        if self.accepted:
            return "accepted"
        return "explained" if self.explanation else "open"


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _loop_sql(county_filter: bool) -> str:
    """The loop's one statement; ``%(...)s`` parameters: start, end, county (when filtered)."""
    ops, moves, warehouses, items, lines = (
        _table(DailyOperation),
        _table(StockMove),
        _table(Warehouse),
        _table(Item),
        _table(BusinessLine),
    )
    explanations, counties = _table(LoopExplanation), _table(County)
    county = "AND {col} = %(county)s" if county_filter else ""

    def moved(kind: str, warehouse_column: str, position: str, *, undone: bool) -> str:
        # A reversed move is taken back out by its reversal's row (``undone``): the reversals
        # are few, found through the unique index on ``reverses_id``, where testing every move
        # for a reversal would probe that index once per move.
        quantity = "-m.quantity" if undone else "m.quantity"
        values = {"issued": f"0, {quantity}, 0, 0", "returned": f"0, 0, 0, {quantity}"}[position]
        source = f"{moves} r JOIN {moves} m ON m.id = r.reverses_id" if undone else f"{moves} m"
        return f"""
            SELECT w.county_id, m.business_date, m.business_line_id, {values}
            FROM {source}
            JOIN {warehouses} w ON w.id = m.{warehouse_column}
            JOIN {items} i ON i.id = m.item_id
            JOIN {lines} l ON l.id = m.business_line_id
            WHERE m.kind = '{kind}' AND i.category = 'terminal' AND l.uses_terminal
              AND m.business_date BETWEEN %(start)s AND %(end)s
              AND w.county_id IS NOT NULL {county.format(col="w.county_id")}
              {"AND r.reverses_id IS NOT NULL" if undone else ""}"""

    sources = " UNION ALL ".join(
        moved(kind, column, position, undone=undone)
        for kind, column, position in (
            (MoveKind.ISSUE_INSTALL, "from_warehouse_id", "issued"),
            (MoveKind.RETURN_DISMANTLE, "to_warehouse_id", "returned"),
        )
        for undone in (False, True)
    )

    return f"""
        SELECT g.county_id, c.code, g.business_date, g.business_line_id, l.code,
               g.installs, g.issued, g.dismantles, g.returned,
               e.explanation, e.accepted_at, l.name
        FROM (
            SELECT county_id, business_date, business_line_id,
                   SUM(installs) AS installs, SUM(issued) AS issued,
                   SUM(dismantles) AS dismantles, SUM(returned) AS returned
            FROM (
                SELECT d.county_id AS county_id, d.business_date AS business_date,
                       d.business_line_id AS business_line_id, d.installs AS installs,
                       0 AS issued, d.dismantles AS dismantles, 0 AS returned
                FROM {ops} d JOIN {lines} l ON l.id = d.business_line_id
                WHERE l.uses_terminal AND d.business_date BETWEEN %(start)s AND %(end)s
                  {county.format(col="d.county_id")}
                UNION ALL {sources}
            ) sources
            GROUP BY county_id, business_date, business_line_id
        ) g
        JOIN {counties} c ON c.id = g.county_id
        JOIN {lines} l ON l.id = g.business_line_id
        LEFT JOIN {explanations} e ON e.county_id = g.county_id
            AND e.business_date = g.business_date AND e.business_line_id = g.business_line_id
        ORDER BY c.sort_order, c.code, g.business_date, l.sort_order, l.code"""


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _loop_rows(start: dt.date, end: dt.date, county_id: int | None) -> list[LoopRow]:
    params: dict[str, Any] = {
        "start": connection.ops.adapt_datefield_value(start),
        "end": connection.ops.adapt_datefield_value(end),
    }
    if county_id is not None:
        params["county"] = county_id
    with connection.cursor() as cursor:
        cursor.execute(_loop_sql(county_id is not None), params)
        return [
            LoopRow(
                county_id=row[0],
                county=row[1],
                date=_as_date(row[2]),
                line_id=row[3],
                line=row[4],
                installs_reported=int(row[5] or 0),
                terminals_issued=int(row[6] or 0),
                dismantles_reported=int(row[7] or 0),
                terminals_returned=int(row[8] or 0),
                explanation=row[9],
                accepted=row[10] is not None,
                line_name=row[11],
            )
            for row in cursor.fetchall()
            # A day whose only move was reversed nets to nothing: not a row of the loop.
            if any(row[5:9]) or row[9] is not None
        ]


def _reader_county(user: AnyUser, county: County | None) -> tuple[bool, int | None]:
    """(may read anything at all, the county to filter on or None for the whole city)."""
    if is_city_wide(user):
        return True, county.pk if county is not None else None
    own = bound_county_id(user)
    if own is None or not getattr(user, "is_active", False):
        return False, None
    return True, own


def loop_rows(
    user: AnyUser,
    month: Month,
    *,
    county: County | None = None,
    gaps_only: bool = True,
    day: dt.date | None = None,
) -> list[LoopRow]:
    """The loop of ``month`` (or of one ``day``) as ``user`` may read it: a county user always
    their own county, city readers ``county`` or the whole city. One query."""
    allowed, county_id = _reader_county(user, county)
    if not allowed:
        return []
    start, end = (day, day) if day else (month.first_day, month.last_day)
    rows = _loop_rows(start, end, county_id)
    return [row for row in rows if row.has_gap] if gaps_only else rows


def loop_gaps(user: AnyUser, since: dt.date, until: dt.date, status: str) -> list[LoopRow]:
    """The differences from ``since`` to ``until`` in ``status`` — ``open`` (for the county to
    explain) or ``explained`` (for city staff to accept) — as ``user`` may read them, by county
    then day. One query."""
    allowed, county_id = _reader_county(user, None)
    if not allowed:
        return []
    return [row for row in _loop_rows(since, until, county_id) if row.status == status]


def loop_row(user: AnyUser, county: County, day: dt.date, line: BusinessLine) -> LoopRow | None:
    """The loop of one county, day and line (None when nothing was reported nor moved)."""
    rows = loop_rows(user, Month.of(day), county=county, gaps_only=False, day=day)
    return next((r for r in rows if r.county_id == county.pk and r.line_id == line.pk), None)


def city_loop_rows(month: Month) -> list[LoopRow]:
    """Every row of the whole city's month, for readers that are not a user (the demo,
    appraisal). One query."""
    return _loop_rows(month.first_day, month.last_day, None)


@dataclass(frozen=True)
class LoopMonthCounts:
    """One county's month of the loop, counted in county × day × line rows."""

    rows: int = 0  # days × lines with anything reported or moved
    gaps: int = 0  # of them, with a difference
    accepted: int = 0  # of the differences, accepted by city staff

    @property
    def not_accepted(self) -> int:
        return self.gaps - self.accepted


def loop_month_counts(month: Month) -> dict[int, LoopMonthCounts]:
    """Per county id, the month's loop rows, differences and accepted differences. One
    query; a county with nothing reported nor moved in the month is absent."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in city_loop_rows(month):
        county = counts[row.county_id]
        county[0] += 1
        if row.has_gap:
            county[1] += 1
            county[2] += row.accepted
    return {county_id: LoopMonthCounts(*figures) for county_id, figures in counts.items()}


def loop_gaps_not_accepted(month: Month) -> dict[int, int]:
    """Appraisal's ``MATERIAL_LOOP_GAPS`` (docs/rules.md): per county id, the month's loop
    differences (county × day × line with a gap) not yet accepted. One query; a county without
    any is absent."""
    return {
        county_id: figures.not_accepted
        for county_id, figures in loop_month_counts(month).items()
        if figures.not_accepted
    }


# --------------------------------------------------------------------------- the month grid


@dataclass
class GridCell:
    row: LoopRow | None

    @property
    def status(self) -> str:
        return self.row.status if self.row else "empty"


@dataclass
class GridDay:
    date: dt.date
    cells: list[GridCell]


@dataclass
class LoopGrid:
    """A county's month: days down, the lines that use a terminal across, and the month's
    totals per line."""

    county: County
    month: Month
    lines: list[BusinessLine]
    days: list[GridDay]
    totals: list[LoopTotals]
    gaps: list[LoopRow]


@dataclass
class LoopTotals:
    """A month's sums, of one line or one county."""

    label: str
    installs_reported: int = 0
    terminals_issued: int = 0
    dismantles_reported: int = 0
    terminals_returned: int = 0
    open: int = 0
    explained: int = 0
    accepted: int = 0
    county: County | None = field(default=None, repr=False)

    @property
    def install_gap(self) -> int:
        return self.terminals_issued - self.installs_reported

    @property
    def return_gap(self) -> int:
        return self.terminals_returned - self.dismantles_reported

    @property
    def gaps(self) -> int:
        return self.open + self.explained + self.accepted

    def add(self, row: LoopRow) -> None:
        self.installs_reported += row.installs_reported
        self.terminals_issued += row.terminals_issued
        self.dismantles_reported += row.dismantles_reported
        self.terminals_returned += row.terminals_returned
        if row.status in ("open", "explained", "accepted"):
            setattr(self, row.status, getattr(self, row.status) + 1)


def terminal_lines() -> list[BusinessLine]:
    return list(BusinessLine.objects.filter(uses_terminal=True).order_by("sort_order", "code"))


def loop_grid(user: AnyUser, county: County, month: Month) -> LoopGrid:
    """The county's month grid (the caller has checked the county is visible). Two queries."""
    lines = terminal_lines()
    rows = loop_rows(user, month, county=county, gaps_only=False)
    by_key = {(row.date, row.line_id): row for row in rows}
    days = []
    day = month.first_day
    while day <= month.last_day:
        days.append(GridDay(day, [GridCell(by_key.get((day, line.pk))) for line in lines]))
        day += dt.timedelta(days=1)
    totals = {line.pk: LoopTotals(label=line.code) for line in lines}
    for row in rows:
        if row.line_id in totals:
            totals[row.line_id].add(row)
    return LoopGrid(
        county=county,
        month=month,
        lines=lines,
        days=days,
        totals=list(totals.values()),
        gaps=[row for row in rows if row.has_gap],
    )


def loop_summary(
    user: AnyUser, month: Month, rows: list[LoopRow] | None = None
) -> list[LoopTotals]:
    """The city summary: per visible county, the month's sums and its gaps open, explained and
    accepted. Two queries, one when the month's ``rows`` (every row) are given."""
    counties = list(visible_counties(user))
    totals = {c.pk: LoopTotals(label=c.code, county=c) for c in counties}
    for row in loop_rows(user, month, gaps_only=False) if rows is None else rows:
        if row.county_id in totals:
            totals[row.county_id].add(row)
    return list(totals.values())


# --------------------------------------------------------------------------- recycling


@dataclass(frozen=True)
class RecyclingRow:
    county_id: int
    county: str
    installs: int
    with_recycled: int

    @property
    def recycling_rate(self) -> Decimal | None:
        """Installs with a recycled terminal ÷ installs with a terminal
        (docs/materials.md#terminal-states); None
        without installs."""
        if not self.installs:
            return None
        return (Decimal(self.with_recycled) / Decimal(self.installs)).quantize(
            RATE, rounding=ROUND_HALF_UP
        )


def _install_counts(user: AnyUser, month: Month, *, undone: bool) -> dict[int, tuple[int, int]]:
    """Per county warehouse id, (installs with a terminal, those with a recycled one) of the
    month as ``user`` sees them; ``undone``: only the installs a reversal undid."""
    prefix = "reverses__" if undone else ""
    moves = StockMove.objects.visible_to(user).filter(
        **{
            f"{prefix}kind": MoveKind.ISSUE_INSTALL,
            f"{prefix}item__category": Item.Category.TERMINAL,
            f"{prefix}business_date__range": (month.first_day, month.last_day),
        }
    )
    if undone:
        moves = moves.filter(kind=MoveKind.REVERSAL)
    rows = (
        moves.values_list(f"{prefix}from_warehouse")
        .annotate(
            installs=Count("pk"),
            with_recycled=Count(
                "pk", filter=Q(**{f"{prefix}state_before": TerminalState.RECYCLED})
            ),
        )
        .order_by()
    )
    return {warehouse: (installs, recycled) for warehouse, installs, recycled in rows}


def recycling(user: AnyUser, month: Month) -> list[RecyclingRow]:
    """Per visible county, the month's installs with a terminal and those with a recycled one
    (the terminal's state before the install); an install a reversal undid does not count.
    Four queries: grouped per warehouse (the planner does best without joining the counties
    in), the reversed installs, the warehouses' counties, the counties."""
    done = _install_counts(user, month, undone=False)
    undone = _install_counts(user, month, undone=True)
    county_of = dict(Warehouse.objects.filter(county__isnull=False).values_list("pk", "county"))
    per_county: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for counts, sign in ((done, 1), (undone, -1)):
        for warehouse, (installs, recycled) in counts.items():
            county_id = county_of.get(warehouse)
            if county_id is not None:
                per_county[county_id][0] += sign * installs
                per_county[county_id][1] += sign * recycled
    return [
        RecyclingRow(
            county_id=county.pk,
            county=county.code,
            installs=per_county[county.pk][0],
            with_recycled=per_county[county.pk][1],
        )
        for county in visible_counties(user)
    ]


def recycling_total(rows: Iterable[RecyclingRow]) -> RecyclingRow:
    rows = list(rows)
    return RecyclingRow(
        county_id=0,
        county="",
        installs=sum(r.installs for r in rows),
        with_recycled=sum(r.with_recycled for r in rows),
    )


def deposits_missing(user: AnyUser, month: Month | None = None) -> QuerySet[Deposit]:
    """Installs on a line that requires a deposit recorded without one: the follow-up list."""
    deposits = Deposit.objects.visible_to(user).filter(amount__isnull=True)
    if month is not None:
        deposits = deposits.filter(business_date__range=(month.first_day, month.last_day))
    return deposits.select_related("county", "business_line", "move")


def deposits_missing_per_county(user: AnyUser, month: Month) -> dict[int, int]:
    """Installs without a deposit per county id in ``month``. One query."""
    return dict(
        deposits_missing(user, month)
        .values("county")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("county", "n")
    )
