"""False-user pages: the list (filters, export), the counts per county and month, the report
form, one case with its history and the buttons of its next steps, and the city's button
that runs the rule."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.filters import FalseUserFilter
from audits.forms import FalseUserRemoveForm, FalseUserReportForm, ReasonForm
from audits.models import FalseUserCase
from audits.selectors import false_users as reads
from audits.services import false_users as writes
from audits.tables import FalseUserCountTable, FalseUserTable
from marketing_ops import pages
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    require_login,
    require_roles,
)
from marketing_ops.pages import Crumb


def _crumbs() -> list[Crumb]:
    return [(_("False users"), reverse("audits:false-users"))]


@require_login
def false_user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return pages.list_page(
        request,
        queryset=reads.case_queryset(user),
        filterset_class=FalseUserFilter,
        table_class=FalseUserTable,
        title=_("False users"),
        export_name="false-users",
        template="audits/false_user_list.html",
        create_url=reverse("audits:false-user-report") if reads.may_report(user) else None,
        create_label=_("Report a false user"),
        intro=_(
            "Accounts suspected of being false users: found by the rule (in service, billed 0 "
            "for %(months)d months in a row and never paid) or reported by hand. Confirm, "
            "clear with a reason, or remove (the account is dismantled)."
        )
        % {"months": settings.FALSE_USER_ZERO_MONTHS},
        extra={"can_run_rule": reads.may_run_rule(user)},
    )


@require_login
def false_user_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.case_queryset(request.user),
        filterset_class=FalseUserFilter,
        rows=partial(reads.monthly_counts, request.user),
        table_class=FalseUserCountTable,
        title=_("False users per county and month"),
        export_name="false-users-per-month",
        per_page=100,
        breadcrumbs=_crumbs(),
        intro=_(
            "Each step counts in the month it happened: reported, confirmed, removed, cleared."
        ),
    )


@require_login
def false_user_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages.require(reads.may_report(request.user))
    form = FalseUserReportForm(
        request.POST or None, initial={"account_no": request.GET.get("account", "")}
    )
    list_url = reverse("audits:false-users")
    return pages.form_page(
        request,
        form,
        save=partial(writes.false_user_report, user=request.user),
        success_message=_("Account reported as a suspected false user."),
        success_url=lambda case: reverse("audits:false-user", args=[case.pk]),
        title=_("Report a false user"),
        cancel_url=list_url,
        breadcrumbs=_crumbs(),
    )


@require_login
def false_user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    detail = reads.case_detail(request.user, pk)
    context = {
        "title": _("False-user case #%(pk)d") % {"pk": detail.case.pk},
        "d": detail,
        "case": detail.case,
        "reason_form": ReasonForm(),
        "remove_form": FalseUserRemoveForm(),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "audits/false_user_detail.html", context)


@require_POST
@require_login
def false_user_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """confirm (note), clear (reason) or remove (date, note)."""
    case: FalseUserCase = get_visible_or_404(
        FalseUserCase.objects.select_related("county"), request.user, pk=pk
    )
    user = request.user
    pages.require(reads.may_decide(user, case))
    try:
        if action == "confirm":
            writes.false_user_confirm(case=case, user=user, note=request.POST.get("note", ""))
            done = _("Confirmed as a false user; remove it to dismantle the account.")
        elif action == "clear":
            writes.false_user_clear(case=case, user=user, reason=request.POST.get("reason", ""))
            done = _("Cleared: the account is not a false user.")
        elif action == "remove":
            form = FalseUserRemoveForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            writes.false_user_remove(case=case, user=user, **form.cleaned_data)
            done = _("Removed: the account is dismantled.")
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("audits:false-user", pk=case.pk)


@require_POST
@require_roles(*CITY_ROLES)
def false_users_find(request: AuthenticatedHttpRequest) -> HttpResponse:
    created = writes.false_users_find()
    messages.success(request, _("%(n)d suspected false users found.") % {"n": created})
    return redirect("audits:false-users")
