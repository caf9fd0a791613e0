"""Audit pages: the calendar of a county's month, the list, my audits, one audit (answer
checks, sign, reopen), the checklists city staff edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.filters import AuditFilter
from audits.forms import AnswerForm, ChecklistForm, HolidayForm, ReasonForm, SignForm
from audits.models import Audit, ChecklistTemplate, Holiday
from audits.selectors import audits as reads
from audits.selectors import permissions
from audits.services import audits as writes
from audits.tables import AuditTable, HolidayTable
from audits.views import calendar_crumbs
from marketing_ops import formatting, pages
from marketing_ops.access import get_visible_or_404, require_login, visible_counties
from marketing_ops.periods import Month
from marketing_ops.xlsx import table_sheet, xlsx_response


@require_login
def audit_calendar(request: HttpRequest) -> HttpResponse:
    """A county's month: each day's, week's and the month's audit coloured by status."""
    counties = list(visible_counties(request.user))
    code = request.GET.get("county")
    county = next((c for c in counties if c.code == code), counties[0] if counties else None)
    if code and county is not None and county.code != code:
        county = get_visible_or_404(visible_counties(request.user), request.user, code=code)
    today = timezone.localdate()
    try:
        month = Month.parse(request.GET.get("month") or "")
    except ValueError:
        month = Month.of(today)
    grid = reads.calendar(request.user, county, month) if county else None
    if grid and pages.wants_xlsx(request):
        table = AuditTable(grid.audits)
        code = grid.county.code
        return xlsx_response(f"audits-{code}-{month}.xlsx", [table_sheet(table, f"{code} {month}")])
    context = {
        "title": _("Audit calendar"),
        "counties": counties,
        "county": county,
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "grid": grid,
        "today": today,
        "export_query": pages.export_query(request),
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "audits/calendar.html", context)


def _audit_list_page(
    request: HttpRequest, queryset: QuerySet[Audit], title: str, export_name: str, intro: str = ""
) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=queryset,
        filterset_class=AuditFilter,
        table_class=AuditTable,
        title=title,
        export_name=export_name,
        intro=intro,
        breadcrumbs=calendar_crumbs(),
    )


@require_login
def audit_list(request: HttpRequest) -> HttpResponse:
    return _audit_list_page(request, reads.audit_queryset(request.user), _("Audits"), "audits")


@require_login
def my_audits(request: HttpRequest) -> HttpResponse:
    return _audit_list_page(
        request,
        reads.my_audits(request.user),
        _("My audits"),
        "my-audits",
        intro=_("The audits waiting for you: to answer, or to sign at your level."),
    )


@require_login
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = reads.audit_detail(request.user, pk, timezone.localdate())
    context = {
        "title": str(detail.audit),
        "d": detail,
        "audit": detail.audit,
        "answer_choices": AnswerForm.base_fields["answer"].choices,  # type: ignore[attr-defined]
        "sign_form": SignForm(),
        "reopen_form": ReasonForm(),
        "breadcrumbs": calendar_crumbs(),
    }
    return render(request, "audits/detail.html", context)


def _act(
    request: HttpRequest,
    audit: Audit,
    form: forms.Form,
    invalid: str,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Run a service for a page's POST with the form's cleaned data: ``invalid`` when the form
    does not validate, ``done`` on success, the service's refusal as an error; back to the
    audit either way."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("audits:detail", pk=audit.pk)
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except writes.AuditConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, done)
    return redirect("audits:detail", pk=audit.pk)


def _visible_audit(request: HttpRequest, pk: int) -> Audit:
    return get_visible_or_404(Audit.objects.select_related("county"), request.user, pk=pk)


@require_POST
@require_login
def check_answer(request: HttpRequest, pk: int, check_id: int) -> HttpResponse:
    audit = _visible_audit(request, pk)
    pages.require(permissions.can_answer(request.user, audit))
    return _act(
        request,
        audit,
        AnswerForm(request.POST),
        _("Choose an answer."),
        lambda data: writes.check_answer(audit=audit, check_id=check_id, user=request.user, **data),
        _("Answer saved."),
    )


@require_POST
@require_login
def audit_sign(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _visible_audit(request, pk)
    pages.require(permissions.signing_level(request.user, audit) is not None)
    return _act(
        request,
        audit,
        SignForm(request.POST),
        _("Choose passed or failed."),
        lambda data: writes.audit_sign(audit=audit, user=request.user, **data),
        _("Signed."),
    )


@require_POST
@require_login
def audit_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _visible_audit(request, pk)
    pages.require(permissions.is_city_staff(request.user))
    return _act(
        request,
        audit,
        ReasonForm(request.POST),
        _("Give the reason for reopening."),
        lambda data: writes.audit_reopen(audit=audit, user=request.user, **data),
        _("Audit reopened; its sign-offs are voided."),
    )


@require_login
def checklists(request: HttpRequest) -> HttpResponse:
    """The checklist of each cadence; city staff edit them (new audits copy them)."""
    can_edit = permissions.is_city_staff(request.user)
    if request.method == "POST":
        pages.require(can_edit)
        form = ChecklistForm(request.POST)
        if form.is_valid():
            saved = pages.save_form(
                form,
                lambda cadence, items: writes.checklist_update(
                    user=request.user, cadence=cadence, items=items.splitlines()
                ),
            )
            if saved is not pages.NOT_SAVED:
                messages.success(request, _("Checklist saved; audits created from now on use it."))
                return HttpResponseRedirect(reverse("audits:checklists"))
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    templates = ChecklistTemplate.objects.prefetch_related("items").order_by("cadence")
    rows = [
        {
            "template": template,
            "items": [item for item in template.items.all() if item.active],
            "form": ChecklistForm(
                initial={
                    "cadence": template.cadence,
                    "items": "\n".join(i.text for i in template.items.all() if i.active),
                },
                auto_id=f"id_{template.cadence}_%s",
            ),
        }
        for template in templates
    ]
    context = {"title": _("Checklists"), "rows": rows, "can_edit": can_edit}
    return render(request, "audits/checklists.html", context)


@require_login
def holidays(request: HttpRequest) -> HttpResponse:
    """The holiday calendar: no daily audit for these dates. City staff add and remove them."""
    can_edit = permissions.is_city_staff(request.user)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        pages.require(can_edit)
        if "remove" in request.POST:
            try:
                day = dt.date.fromisoformat(request.POST["remove"])
            except ValueError:
                messages.error(request, _("Expected a date as YYYY-MM-DD."))
            else:
                writes.holiday_remove(user=request.user, date=day)
                messages.success(
                    request, _("%(date)s is a business day again.") % {"date": formatting.date(day)}
                )
            return redirect("audits:holidays")
        if form.is_valid():
            saved = pages.save_form(form, partial(writes.holiday_set, user=request.user))
            if saved is not pages.NOT_SAVED:
                messages.success(
                    request, _("Holiday %(date)s saved.") % {"date": formatting.date(saved.date)}
                )
                return redirect("audits:holidays")
    table = HolidayTable(Holiday.objects.order_by("-date"))
    if exported := pages.export_tables(request, "holidays", [(table, _("Holidays"))]):
        return exported
    pages.paginate(request, table)
    context = {
        "title": _("Holidays"),
        "table": table,
        "form": form,
        "can_edit": can_edit,
        "export_query": pages.export_query(request),
        "breadcrumbs": calendar_crumbs(),
    }
    return render(request, "audits/holidays.html", context, status=400 if form.errors else 200)
