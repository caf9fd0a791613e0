"""Appraisal set-up pages: schemes (the editor shows the weights' sum as you type), indicators,
manual values and the adjustments' history."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal.filters import AdjustmentFilter, ManualValueFilter
from appraisal.forms import IndicatorForm, ManualValueForm, SchemeForm
from appraisal.selectors import schemes as reads
from appraisal.services import schemes as scheme_writes
from appraisal.services import values as value_writes
from appraisal.services.months import MonthClosed
from appraisal.tables import AdjustmentTable, IndicatorTable, ManualValueTable, SchemeTable
from marketing_ops import formatting, pages
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    has_role,
    require_login,
    require_roles,
)
from marketing_ops.forms import add_service_errors
from marketing_ops.periods import Month


def _crumbs() -> list[tuple[str, str]]:
    return [(_("Appraisal"), reverse("appraisal:ranking"))]


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404("No such month.")


@require_login
def scheme_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.schemes().select_related("updated_by__profile"),
        filterset_class=None,
        table_class=SchemeTable,
        title=_("Appraisal schemes"),
        export_name="appraisal-schemes",
        breadcrumbs=_crumbs(),
        intro=_(
            "One scheme per month: the indicators with weight, target, floor and cap. Open a "
            "month to see or edit it; a new month can start as a copy of the one before."
        ),
    )


@require_login
def scheme_edit(request: HttpRequest, month: str) -> HttpResponse:
    """The month's scheme: city staff edit it (the sum of the weights is shown as they type);
    everyone else reads it."""
    target = _month(month)
    can_edit = has_role(request.user, *CITY_ROLES) and not reads.is_closed(target)
    indicators = list(reads.indicators())
    form = SchemeForm(
        request.POST if request.method == "POST" and can_edit else None,
        indicators=indicators,
        items=reads.scheme_items(target),
    )
    if request.method == "POST":
        pages.require(can_edit)
        if form.is_valid():
            lines = form.lines()
            if form.is_valid():
                try:
                    scheme_writes.scheme_save(
                        month=target,
                        lines=scheme_writes.scheme_lines(lines),
                        user=request.user,  # type: ignore[arg-type]  # require(can_edit) passed
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                except MonthClosed as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request,
                        _("Scheme of %(month)s saved.") % {"month": formatting.month(target)},
                    )
                    return redirect(reverse("appraisal:scheme", args=[str(target)]))
    return render(
        request,
        "appraisal/scheme.html",
        {
            "form": form,
            "month": target,
            "can_edit": can_edit,
            "has_scheme": reads.scheme_for(target) is not None,
            "previous": target.previous() if target > Month(1900, 1) else None,
            "breadcrumbs": [*_crumbs(), (_("Schemes"), reverse("appraisal:schemes"))],
        },
    )


@require_roles(*CITY_ROLES)
@require_POST
def scheme_copy(request: AuthenticatedHttpRequest, month: str) -> HttpResponse:
    target = _month(month)
    try:
        scheme_writes.scheme_copy_previous(month=target, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except MonthClosed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Scheme of %(month)s copied from %(previous)s.")
            % {"month": formatting.month(target), "previous": formatting.month(target.previous())},
        )
    return redirect(reverse("appraisal:scheme", args=[str(target)]))


@require_login
def indicator_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.indicators(),
        filterset_class=None,
        table_class=IndicatorTable,
        title=_("Appraisal indicators"),
        export_name="appraisal-indicators",
        breadcrumbs=_crumbs(),
        create_url=reverse("appraisal:indicator-create")
        if has_role(request.user, *CITY_ROLES)
        else None,
        create_label=_("New manual indicator"),
        intro=_(
            "Built-in indicators are computed from the other apps' data; manual ones are "
            "entered per county and month."
        ),
    )


@require_roles(*CITY_ROLES)
def indicator_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    url = reverse("appraisal:indicators")
    return pages.form_page(
        request,
        IndicatorForm(request.POST or None),
        save=partial(value_writes.indicator_create, user=request.user),
        success_message=_("Indicator added."),
        success_url=url,
        title=_("New manual indicator"),
        cancel_url=url,
        breadcrumbs=[*_crumbs(), (_("Indicators"), url)],
    )


@require_login
def value_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.manual_values_for(request.user),
        filterset_class=ManualValueFilter,
        table_class=ManualValueTable,
        title=_("Manual indicator values"),
        export_name="appraisal-values",
        breadcrumbs=_crumbs(),
        create_url=reverse("appraisal:value-create")
        if has_role(request.user, *CITY_ROLES)
        else None,
        create_label=_("Enter a value"),
        intro=_(
            "Values of the manual indicators per county and month, entered here, by the API "
            "or uploaded as the indicator_values dataset."
        ),
    )


def _save_value(*, month: Month, county: str, indicator: str, value: Any, user: Any) -> int:
    try:
        return value_writes.manual_values_save(
            month=month, rows=[value_writes.ValueRow(county, indicator, value)], user=user
        )
    except MonthClosed as exc:
        raise ValidationError({"month": str(exc)})


@require_roles(*CITY_ROLES)
def value_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    url = reverse("appraisal:values")
    return pages.form_page(
        request,
        ManualValueForm(request.POST or None, user=request.user),
        save=partial(_save_value, user=request.user),
        success_message=_("Value saved."),
        success_url=url,
        title=_("Enter a manual indicator value"),
        cancel_url=url,
        breadcrumbs=[*_crumbs(), (_("Manual values"), url)],
    )


@require_login
def adjustment_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.adjustments_for(request.user),
        filterset_class=AdjustmentFilter,
        table_class=AdjustmentTable,
        title=_("Appraisal adjustments"),
        export_name="appraisal-adjustments",
        breadcrumbs=_crumbs(),
        intro=_(
            "Every adjustment city staff made to a total or a score, with its reason; they "
            "are never changed or deleted."
        ),
    )
