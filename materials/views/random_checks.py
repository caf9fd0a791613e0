"""Random check pages (docs/materials.md): the month's summary per county with the draw action,
and a
county's check with a result form for each sampled serial."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketing_ops import formatting, pages
from marketing_ops.access import (
    AuthenticatedHttpRequest,
    get_visible_or_404,
    require_login,
)
from marketing_ops.periods import Month
from materials.forms import RandomCheckDrawForm, RandomCheckRecordForm
from materials.models import RandomCheck, RandomCheckLine
from materials.selectors import random_checks as reads
from materials.services import random_checks as writes
from materials.tables import RandomCheckLineTable, RandomCheckSummaryTable


def _month(request: HttpRequest) -> Month:
    try:
        return Month.parse(request.GET.get("month") or "")
    except ValueError:
        return Month.of(timezone.localdate())


@require_login
def check_summary(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    rows = reads.summary(request.user, month)
    table = RandomCheckSummaryTable(rows)
    if exported := pages.export_tables(request, f"random-checks-{month}", [(table, str(month))]):
        return exported
    context = {
        "title": _("Random checks %(month)s") % {"month": formatting.month(month)},
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "table": table,
        "to_draw": [row for row in rows if row.check_id is None],
        "can_check": reads.can_check(request.user),
        "export_query": pages.export_query(request),
    }
    return render(request, "materials/random_check_summary.html", context)


@require_POST
@require_login
def check_draw(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages.require(reads.can_check(request.user))
    form = RandomCheckDrawForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a county and a month."))
        return redirect("materials:random-checks")
    check = writes.random_check_draw(user=request.user, **form.cleaned_data)
    return redirect("materials:random-check", pk=check.pk)


@require_login
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_visible_or_404(RandomCheck.objects.select_related("county"), request.user, pk=pk)
    lines = list(reads.check_lines(check))
    table = RandomCheckLineTable(lines)
    if exported := pages.export_tables(
        request, f"random-check-{check.county.code}-{check.month}", [(table, check.month)]
    ):
        return exported
    context = {
        "title": _("Random check of %(county)s, %(month)s")
        % {"county": check.county.code, "month": formatting.month(check.month)},
        "check": check,
        "table": table,
        "lines": lines,
        "form": RandomCheckRecordForm() if reads.can_check(request.user) else None,
        "export_query": pages.export_query(request),
        "breadcrumbs": [
            (_("Random checks"), f"{reverse('materials:random-checks')}?month={check.month}")
        ],
    }
    return render(request, "materials/random_check_detail.html", context)


@require_POST
@require_login
def check_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = get_visible_or_404(
        RandomCheckLine.objects.select_related("random_check"), request.user, pk=pk
    )
    pages.require(reads.can_check(request.user))
    form = RandomCheckRecordForm(request.POST)
    if form.is_valid():
        try:
            writes.random_check_record(user=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, f"{line.serial}: {' '.join(error.messages)}")
        else:
            messages.success(request, _("%(serial)s recorded.") % {"serial": line.serial})
    else:
        messages.error(request, _("Choose a result and how it was checked."))
    return redirect("materials:random-check", pk=line.random_check_id)
