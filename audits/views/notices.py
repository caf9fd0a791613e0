"""Pages of the weekly audit notice: the archive, one notice (criticism with reasons,
commendation, the city's remarks, print-friendly), and the city's "draft now / refresh",
"save remarks" and "publish" buttons (docs/rules.md#weekly-audit-notice)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audits.filters import NoticeFilter
from audits.forms import NoticeRemarksForm
from audits.selectors import notices as reads
from audits.services import notices as writes
from audits.tables import NoticeTable
from audits.views import calendar_crumbs
from marketing_ops import formatting, pages
from marketing_ops.access import CITY_ROLES, AuthenticatedHttpRequest, require_login, require_roles

ARCHIVE_TITLE = gettext_lazy("Weekly audit notices")


def _crumbs() -> list[pages.Crumb]:
    return [*calendar_crumbs(), (str(ARCHIVE_TITLE), reverse("audits:notices"))]


@require_login
def notice_list(request: HttpRequest) -> HttpResponse:
    may_edit = reads.may_edit(request.user)
    return pages.list_page(
        request,
        queryset=reads.notice_queryset(request.user),
        filterset_class=NoticeFilter,
        table_class=NoticeTable,
        title=str(ARCHIVE_TITLE),
        export_name="weekly-notices",
        template="audits/notice_list.html",
        breadcrumbs=calendar_crumbs(),
        intro=_(
            "Each Monday the notice of the week just ended is drafted from the data: the "
            "counties criticised, with their reasons, and the counties commended. City staff "
            "add remarks and publish it."
        )
        + ("" if reads.may_see_drafts(request.user) else " " + _("Published notices only.")),
        extra={
            "may_edit": may_edit,
            "last_week": writes.week_just_ended(timezone.localdate()),
        },
    )


@require_login
def notice_detail(request: HttpRequest, week: str) -> HttpResponse:
    notice = reads.notice_get(request.user, week)
    may_edit = reads.may_edit(request.user) and not notice.published
    return render(
        request,
        "audits/notice_detail.html",
        {
            "title": _("Weekly audit notice %(week)s") % {"week": formatting.period(notice.week)},
            "v": reads.notice_view(notice),
            "notice": notice,
            "may_edit": may_edit,
            "form": NoticeRemarksForm(initial={"remarks": notice.remarks}) if may_edit else None,
            "breadcrumbs": _crumbs(),
        },
    )


@require_POST
@require_roles(*CITY_ROLES)
def notice_draft(request: HttpRequest) -> HttpResponse:
    """Draft now (or refresh the draft of) ``week``, default the week just ended."""
    week = request.POST.get("week") or writes.week_just_ended(timezone.localdate())
    try:
        notice = writes.notice_draft(week=week)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("audits:notices")
    if notice.published:
        messages.warning(request, _("This notice is published; it stays as it was published."))
    else:
        messages.success(request, _("Draft refreshed from the data."))
    return redirect("audits:notice", week=notice.week)


@require_POST
@require_roles(*CITY_ROLES)
def notice_action(request: AuthenticatedHttpRequest, week: str) -> HttpResponse:
    """``save`` the remarks, or ``publish`` the draft with them; a published notice: 409."""
    notice = reads.notice_get(request.user, week)
    form = NoticeRemarksForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("audits:notice", week=notice.week)
    remarks = form.cleaned_data["remarks"]
    try:
        if request.POST.get("action") == "publish":
            writes.notice_publish(user=request.user, week=notice.week, remarks=remarks)
            messages.success(request, _("Notice published."))
        else:
            writes.notice_remarks(user=request.user, week=notice.week, remarks=remarks)
            messages.success(request, _("Remarks saved."))
    except writes.NoticeConflict as conflict:
        return HttpResponse(str(conflict), status=409, content_type="text/plain; charset=utf-8")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("audits:notice", week=notice.week)
