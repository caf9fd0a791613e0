"""On-site verification pages: the list (filters, export), the form to record or edit one, one
verification with its follow-ups (add, mark done), and the follow-ups list (past due first)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.filters import FollowUpFilter, OnSiteFilter
from audits.forms import FollowUpForm, OnSiteForm
from audits.models import FollowUp, OnSiteVerification
from audits.selectors import onsite as reads
from audits.services import onsite as writes
from audits.tables import FollowUpTable, OnSiteTable
from marketing_ops import formatting, pages
from marketing_ops.access import (
    AuthenticatedHttpRequest,
    get_visible_or_404,
    require_login,
    visible_counties,
)
from marketing_ops.formatting import person_choice
from marketing_ops.pages import Crumb


def _crumbs() -> list[Crumb]:
    return [(_("On-site verifications"), reverse("audits:onsite"))]


@require_login
def onsite_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return pages.list_page(
        request,
        queryset=reads.verification_queryset(user, timezone.localdate()),
        filterset_class=OnSiteFilter,
        table_class=OnSiteTable,
        title=_("On-site verifications"),
        export_name="onsite-verifications",
        template="audits/onsite_list.html",
        create_url=reverse("audits:onsite-create") if reads.may_record(user) else None,
        create_label=_("Record a verification"),
        intro=_(
            "Visits of the auditors to a county: scope, participants, result, and the "
            "follow-ups they left with their owners and due dates."
        ),
    )


@require_login
def onsite_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages.require(reads.may_record(request.user))
    form = OnSiteForm(
        request.POST or None,
        counties=visible_counties(request.user),
        initial={"date": timezone.localdate()},
    )
    return pages.form_page(
        request,
        form,
        save=partial(writes.onsite_create, user=request.user),
        success_message=_("On-site verification recorded."),
        success_url=lambda v: reverse("audits:onsite-detail", args=[v.pk]),
        title=_("Record an on-site verification"),
        cancel_url=reverse("audits:onsite"),
        breadcrumbs=_crumbs(),
    )


@require_login
def onsite_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    verification: OnSiteVerification = get_visible_or_404(
        OnSiteVerification.objects.select_related("county"), request.user, pk=pk
    )
    pages.require(reads.may_record(request.user, verification.county_id))
    initial = {
        "date": verification.date,
        "scope": verification.scope,
        "participants": verification.participants,
        "result": verification.result,
    }
    form = OnSiteForm(request.POST or None, initial=initial)
    detail_url = reverse("audits:onsite-detail", args=[verification.pk])
    return pages.form_page(
        request,
        form,
        save=partial(writes.onsite_update, verification=verification, user=request.user),
        success_message=_("On-site verification saved."),
        success_url=detail_url,
        title=_("Edit the on-site verification of %(county)s on %(day)s")
        % {"county": verification.county.name, "day": formatting.date(verification.date)},
        cancel_url=detail_url,
        breadcrumbs=[*_crumbs(), (str(verification), detail_url)],
    )


@require_login
def onsite_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    detail = reads.verification_detail(request.user, pk, timezone.localdate())
    verification = detail.verification
    form = None
    if detail.can_edit:
        owners = [
            (u.get_username(), person_choice(u)) for u in reads.county_users(verification.county_id)
        ]
        form = FollowUpForm(request.POST or None, owners=owners)
        if request.method == "POST" and form.is_valid():
            saved = pages.save_form(
                form, partial(writes.follow_up_add, verification=verification, user=request.user)
            )
            if saved is not pages.NOT_SAVED:
                messages.success(request, _("Follow-up added."))
                return redirect("audits:onsite-detail", pk=verification.pk)
    elif request.method == "POST":
        pages.require(False)
    context = {
        "title": _("On-site verification of %(county)s on %(day)s")
        % {"county": verification.county.name, "day": formatting.date(verification.date)},
        "d": detail,
        "v": verification,
        "form": form,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "audits/onsite_detail.html", context)


@require_POST
@require_login
def follow_up_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up: FollowUp = get_visible_or_404(
        FollowUp.objects.select_related("verification"), request.user, pk=pk
    )
    pages.require(reads.may_mark_done(request.user, follow_up))
    try:
        writes.follow_up_done(follow_up=follow_up, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Follow-up marked done."))
    return redirect("audits:onsite-detail", pk=follow_up.verification_id)


@require_login
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.follow_up_queryset(request.user).order_by("done", "due_on", "pk"),
        filterset_class=FollowUpFilter,
        table_class=FollowUpTable,
        title=_("Follow-ups of on-site verifications"),
        export_name="onsite-follow-ups",
        breadcrumbs=_crumbs(),
        intro=_("Past due: not done after the due date. Filter with “Past due: yes”."),
    )
