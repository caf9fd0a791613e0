"""Appraisal pages: the city ranking grid, a county's scorecard with each score's inputs and
formula, the trend of a county's total and rank, and the compute, close and adjust actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.forms import AdjustmentForm
from appraisal.selectors import scorecards as reads
from appraisal.selectors.scorecards import CardView, Ranking, ScoreLine
from appraisal.services import computation, months
from appraisal.services.months import MonthClosed
from marketing_ops import formatting, pages
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    has_role,
    require_login,
    require_roles,
)
from marketing_ops.models import County
from marketing_ops.periods import Month
from marketing_ops.xlsx import Sheet, xlsx_response


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404("No such month.")


def _chosen_month(request: HttpRequest) -> Month:
    """``?month=YYYY-MM``, else the newest computed month, else the month before this one."""
    text = request.GET.get("month", "")
    if text:
        try:
            return Month.parse(text)
        except ValueError:
            messages.warning(request, _("Write the month as YYYY-MM."))
    return reads.latest_month() or Month.of(timezone.localdate()).previous()


def _shifted(month: Month, months: int) -> Month | None:
    """The month ``months`` away, or None past the calendar's ends (9999-12, 1900-01)."""
    try:
        return month.shift(months)
    except ValueError:
        return None


def tone(line: ScoreLine | None) -> str:
    """The cell's colour by ratio: at or beyond the target green, half-way amber, below red;
    no value grey."""
    if line is None or line.score.ratio is None:
        return "table-secondary"
    if line.score.ratio >= 1:
        return "table-success"
    if line.score.ratio >= Decimal("0.5"):
        return "table-warning"
    return "table-danger"


def _ranking_sheet(ranking: Ranking) -> Sheet:
    codes = [item.indicator.code for item in ranking.items]
    rows = []
    for row, cells in ranking.cells():
        rows.append(
            [
                row.card.rank,
                row.county.code,
                row.county.name,
                *[c.score.score if c else None for c in cells],
                row.card.total,
                row.card.adjusted_total,
                ", ".join(row.card.left_out) if row.visible else "",
            ]
        )
    headers = [
        _("Rank"),
        _("County"),
        _("Name"),
        *codes,
        _("Total"),
        _("Adjusted total"),
        _("Left out"),
    ]
    return Sheet(title=str(ranking.month), headers=headers, rows=rows)


@require_login
def ranking(request: HttpRequest) -> HttpResponse:
    month = _chosen_month(request)
    grid = reads.ranking(request.user, month)
    if pages.wants_xlsx(request):
        return xlsx_response(f"appraisal-{month}", [_ranking_sheet(grid)])
    rows = [(row, [(cell, tone(cell)) for cell in cells]) for row, cells in grid.cells()]
    return render(
        request,
        "appraisal/ranking.html",
        {
            "grid": grid,
            "rows": rows,
            "month": month,
            "previous": _shifted(month, -1),
            "next": _shifted(month, 1),
            "can_edit": has_role(request.user, *CITY_ROLES),
            "export_query": pages.export_query(request),
        },
    )


def _scorecard_context(request: HttpRequest, month: Month, county: County) -> dict[str, Any]:
    card: CardView | None = reads.scorecard_detail(request.user, month, county)
    state = reads.month_state(month)
    can_edit = has_role(request.user, *CITY_ROLES) and not (state and state.closed)
    codes = (
        [line.score.indicator.code for line in card.scores if line.score.score is not None]
        if card
        else []
    )
    return {
        "card": card,
        "month": month,
        "county": county,
        "closed": bool(state and state.closed),
        "can_edit": can_edit,
        "form": AdjustmentForm(codes=codes) if can_edit and card else None,
    }


@require_login
def scorecard(request: HttpRequest, month: str, county: str) -> HttpResponse:
    """A county's scorecard in full; another county's is not found for a county user (404)."""
    target = _month(month)
    found = get_visible_or_404(County.objects.all(), request.user, code=county)
    return render(request, "appraisal/scorecard.html", _scorecard_context(request, target, found))


@require_roles(*CITY_ROLES)
@require_POST
def adjust(request: AuthenticatedHttpRequest, month: str, county: str) -> HttpResponse:
    target = _month(month)
    found = get_visible_or_404(County.objects.all(), request.user, code=county)
    context = _scorecard_context(request, target, found)
    card = context["card"]
    codes = (
        [line.score.indicator.code for line in card.scores if line.score.score is not None]
        if card
        else []
    )
    form = AdjustmentForm(request.POST, codes=codes)
    url = reverse("appraisal:scorecard", args=[str(target), found.code])
    if form.is_valid():
        try:
            saved = pages.save_form(
                form,
                lambda amount, indicator, reason: computation.adjustment_add(
                    month=target,
                    county=found,
                    amount=amount,
                    reason=reason,
                    indicator_code=indicator or None,
                    user=request.user,
                    now=timezone.now(),
                ),
            )
        except MonthClosed as exc:
            messages.error(request, str(exc))
            return redirect(url)
        if saved is not pages.NOT_SAVED:
            messages.success(request, _("Adjustment recorded; the ranks follow it."))
            return redirect(url)
    context["form"] = form
    return render(request, "appraisal/scorecard.html", context, status=400)


@require_roles(*CITY_ROLES)
@require_POST
def compute(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    target = _month(month)
    try:
        result = computation.scorecards_compute(month=target, now=timezone.now(), user=request.user)
    except MonthClosed as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(month)s computed for %(n)s counties; %(changed)s scores changed.")
            % {
                "month": formatting.month(target),
                "n": result.computed,
                "changed": len(result.changed),
            },
        )
        for change in result.changed[:20]:
            messages.info(
                request, f"{change.county} {change.indicator}: {change.old} → {change.new}"
            )
    return redirect(f"{reverse('appraisal:ranking')}?month={target}")


@require_roles(*CITY_ROLES)
@require_POST
def close(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    target = _month(month)
    try:
        months.month_close(month=target, user=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(month)s is closed.") % {"month": formatting.month(target)})
    return redirect(f"{reverse('appraisal:ranking')}?month={target}")


@require_login
def trend(request: HttpRequest, county: str) -> HttpResponse:
    """A county's total and rank over the months (every county's totals and ranks are
    everyone's to see)."""
    found = get_object_or_404(County, code=county, active=True)
    points = reads.trend(found)
    chart = {
        "labels": [formatting.month(p.month) for p in points],
        "totals": [None if p.adjusted_total is None else float(p.adjusted_total) for p in points],
        "ranks": [p.rank for p in points],
        "total_label": _("Adjusted total"),
        "rank_label": _("Rank"),
    }
    return render(
        request,
        "appraisal/trend.html",
        {"county": found, "points": points, "chart": chart},
    )
