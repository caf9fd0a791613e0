"""Annual plans: the list, a plan with its targets, create and edit, decompose, phase, publish;
phasing profiles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketing_ops import pages
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    has_role,
    require_login,
    require_roles,
    visible_counties,
)
from marketing_ops.formatting import MONTH_NAMES
from marketing_ops.forms import add_service_errors
from revenue import calculations as calc
from revenue import tables
from revenue.forms import DecomposeForm, PhaseForm, PhasingProfileForm, PlanForm
from revenue.models import Plan
from revenue.selectors import plans as plan_selectors
from revenue.selectors import reference, targets
from revenue.services import decomposition, plans
from revenue.views.common import error_text


def _plan_or_404(year: int) -> Plan:
    plan = plan_selectors.plan_for_year(year)
    if plan is None:
        raise Http404("No plan for that year.")
    return plan


def _plan_url(year: int) -> str:
    return reverse("revenue:plan", args=[year])


@require_login
def plan_list(request: HttpRequest) -> HttpResponse:
    table = tables.PlanTable(plan_selectors.plans())
    exported = pages.export_tables(request, "plans.xlsx", [(table, _("Plans"))])
    if exported:
        return exported
    context = {
        "table": table,
        "export_query": pages.export_query(request),
        "can_manage": has_role(request.user, *CITY_ROLES),
    }
    return render(request, "revenue/plan_list.html", context)


@require_roles(*CITY_ROLES)
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    lines = reference.active_lines()
    form = PlanForm(request.POST or None, lines=lines, initial={"year": timezone.localdate().year})

    def save(**data: Any) -> Plan:
        return plans.plan_create(
            year=data["year"],
            revenue_target=data["revenue_target"],
            volume_targets=form.volume_targets(),
            user=request.user,
        )

    return pages.form_page(
        request,
        form,
        save=save,
        success_message=lambda plan: _("Plan %(year)s created as a draft.") % {"year": plan.year},
        success_url=lambda plan: _plan_url(plan.year),
        title=_("New annual plan"),
        cancel_url=reverse("revenue:plans"),
        template="revenue/plan_form.html",
        extra={"plan": None},
    )


def _named(volume_targets: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
    """A plan's volume targets by line name, as pages show a line (the code stays in files)."""
    return [(names.get(code, code), n) for code, n in sorted(volume_targets.items())]


@require_login
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    phasing = targets.target_phasing(targets.county_targets_for(request.user, plan))
    names = reference.line_names()
    target_table = tables.target_table(phasing, names)
    month_table = tables.month_target_table(phasing)
    history = tables.DecompositionTable(plan_selectors.decompositions(plan))
    phasings = tables.RephasingTable(plan_selectors.rephasings(plan))
    exported = pages.export_tables(
        request,
        f"plan-{year}.xlsx",
        [
            (target_table, _("County targets")),
            (month_table, _("Months")),
            (history, _("Decompositions")),
            (phasings, _("Phasings")),
        ],
    )
    if exported:
        return exported
    context = {
        "plan": plan,
        "targets": target_table,
        "months": month_table,
        "history": history,
        "phasings": phasings,
        "volume_targets": _named(plan.volume_targets, names),
        "export_query": pages.export_query(request),
        "can_manage": has_role(request.user, *CITY_ROLES),
    }
    return render(request, "revenue/plan_detail.html", context)


@require_roles(*CITY_ROLES)
def plan_edit(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    lines = reference.active_lines()
    initial = {"year": plan.year, "revenue_target": plan.revenue_target}
    initial.update({f"volume_{k}": v for k, v in plan.volume_targets.items()})
    form = PlanForm(request.POST or None, lines=lines, initial=initial)
    form.fields["year"].disabled = True

    def save(**data: Any) -> Plan:
        return plans.plan_update(
            plan=plan,
            revenue_target=data["revenue_target"],
            volume_targets=form.volume_targets(),
            user=request.user,
        )

    return pages.form_page(
        request,
        form,
        save=save,
        success_message=_("Plan %(year)s updated.") % {"year": plan.year},
        success_url=_plan_url(plan.year),
        title=_("Edit plan %(year)s") % {"year": plan.year},
        cancel_url=_plan_url(plan.year),
        template="revenue/plan_form.html",
        extra={"plan": plan},
    )


@require_roles(*CITY_ROLES)
def plan_decompose(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Enter a method (and weights or amounts), see the preview, then save it."""
    plan = _plan_or_404(year)
    figures = [calc.REVENUE, *plan.volume_targets]
    form = DecomposeForm(
        request.POST or None, counties=reference.active_counties(), figures=figures
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = {
            "plan": plan,
            "method": form.cleaned_data["method"],
            "weights": form.weights(),
            "amounts": form.amounts(),
        }
        try:
            if "confirm" in request.POST:
                plans.plan_decompose(
                    **arguments, reason=form.cleaned_data["reason"], user=request.user
                )
                messages.success(
                    request, _("Plan %(year)s decomposed and phased.") % {"year": year}
                )
                return redirect("revenue:plan", year)
            preview = decomposition.decomposition_preview(**arguments)
        except ValidationError as exc:
            add_service_errors(form, exc)
    names = reference.line_names()
    context = {
        "plan": plan,
        "form": form,
        "preview": preview,
        "figures": [(figure, names.get(figure, figure)) for figure in figures],
        "preview_lines": [names.get(code, code) for code in preview.volume_targets]
        if preview
        else [],
    }
    return render(request, "revenue/plan_decompose.html", context)


def _starting_weights(plan: Plan, county_code: str | None) -> tuple[Any, list[Any] | None]:
    """The county chosen in ``?county=`` and its current profile (the form's starting point)."""
    if not county_code:
        return None, None
    target = plan_selectors.county_target(plan, county_code)
    if target is None:
        return None, None
    return target.county, plans.current_weights(target)


@require_roles(*CITY_ROLES)
def plan_phase(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Choose a county (its current profile is the start), enter weights or a profile, see the
    new months beside today's, then save them with a reason."""
    plan = _plan_or_404(year)
    counties = visible_counties(request.user)
    county, start = _starting_weights(plan, request.GET.get("county"))
    form = PhaseForm(
        request.POST or None,
        counties=counties,
        start=start,
        initial={"county": county},
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        profile = form.cleaned_data["profile"]
        arguments: dict[str, Any] = {
            "plan": plan,
            "weights": None if profile else form.weights(),
            "profile": profile,
            "county": form.cleaned_data["county"],
        }
        try:
            if "confirm" in request.POST:
                plans.plan_phase(**arguments, reason=form.cleaned_data["reason"], user=request.user)
                messages.success(request, _("Plan %(year)s phased.") % {"year": year})
                return redirect("revenue:plan", year)
            preview = plans.phasing_preview(**arguments)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "revenue/plan_phase.html",
        {
            "plan": plan,
            "form": form,
            "preview": preview,
            "counties": counties,
            "chosen": county,
            "month_names": MONTH_NAMES,
        },
    )


@require_roles(*CITY_ROLES)
@require_POST
def plan_publish(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    plan = _plan_or_404(year)
    try:
        plans.plan_publish(plan=plan, user=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Plan %(year)s published.") % {"year": year})
    return redirect("revenue:plan", year)


@require_login
def profile_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    can_manage = has_role(request.user, *CITY_ROLES)
    form = PhasingProfileForm(request.POST or None)
    if request.method == "POST":
        pages.require(can_manage)
        if form.is_valid():
            saved = pages.save_form(
                form,
                lambda name, kind, description, **months: plans.phasing_profile_create(
                    name=name,
                    kind=kind,
                    values=form.values(),
                    description=description,
                    user=request.user,
                ),
            )
            if saved is not pages.NOT_SAVED:
                messages.success(request, _("Phasing profile saved."))
                return redirect("revenue:profiles")
    table = tables.ProfileTable(plan_selectors.phasing_profiles())
    exported = pages.export_tables(request, "phasing-profiles.xlsx", [(table, _("Profiles"))])
    if exported:
        return exported
    context = {
        "table": table,
        "form": form,
        "can_manage": can_manage,
        "export_query": pages.export_query(request),
    }
    return render(request, "revenue/profile_list.html", context)
