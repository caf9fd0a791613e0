"""Pages of the business development activities (docs/rules.md#business-development-activities):
thin, scoped, role-checked.

Every read goes through a selector (``visible_to``); another county's record is a 404 via
``get_visible_or_404``; a write the role may not make is a 403 before a form is shown. Lists
and forms are the core's page kit (``marketing_ops.pages``).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketing_ops import formatting, pages
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    get_visible_or_404,
    require_login,
    require_roles,
)
from marketing_ops.xlsx import Sheet, xlsx_response
from revenue.activities import filters, forms, selectors, services, tables


def _detail_url(name: str, pk: int) -> str:
    return reverse(f"revenue:{name}", args=[pk])


def _crumbs(label: str = "", list_name: str = "") -> list[pages.Crumb]:
    """Activities › the list a page belongs to."""
    crumbs = [(_("Activities"), reverse("revenue:activities"))]
    if list_name:
        crumbs.append((label, reverse(f"revenue:{list_name}")))
    return crumbs


# --- index ---------------------------------------------------------------------------------


@require_login
def activities_index(request: HttpRequest) -> HttpResponse:
    overview = selectors.activities_overview(request.user, timezone.localdate())
    return render(
        request,
        "revenue/activities/index.html",
        {
            "overview": overview,
            "can_edit_city": services.can_edit_city_records(request.user),
            "can_edit_county": services.can_edit_county_records(request.user),
        },
    )


# --- tariff packages -----------------------------------------------------------------------


def _package_crumbs() -> list[pages.Crumb]:
    return _crumbs(_("Tariff packages"), "tariff-package-list")


@require_login
def tariff_package_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_city_records(request.user)
    return pages.list_page(
        request,
        queryset=selectors.tariff_packages_for(request.user),
        filterset_class=filters.TariffPackageFilter,
        table_class=tables.TariffPackageTable,
        title=_("Tariff packages"),
        export_name="tariff-packages",
        create_url=reverse("revenue:tariff-package-create") if can_edit else None,
        create_label=_("New package"),
        intro=_("Packages the city applied for at the province, and the counties promoting them."),
        breadcrumbs=_crumbs(),
    )


@require_login
def tariff_package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = get_visible_or_404(selectors.tariff_packages_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/tariff_package_detail.html",
        {
            "package": package,
            "can_edit": services.can_edit_city_records(request.user),
            "breadcrumbs": _package_crumbs(),
        },
    )


@require_roles(*CITY_ROLES)
def tariff_package_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.TariffPackageForm(request.POST or None, user=request.user)
    return pages.form_page(
        request,
        form,
        save=partial(services.tariff_package_create, user=request.user),
        success_message=lambda package: (
            _("Tariff package “%(package)s” recorded.") % {"package": package}
        ),
        success_url=lambda package: _detail_url("tariff-package-detail", package.pk),
        title=_("New tariff package"),
        cancel_url=reverse("revenue:tariff-package-list"),
        breadcrumbs=_package_crumbs(),
    )


@require_login
def tariff_package_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    package = get_visible_or_404(selectors.tariff_packages_for(request.user), request.user, pk=pk)
    pages.require(services.can_edit_city_records(request.user))
    form = forms.TariffPackageForm(request.POST or None, instance=package, user=request.user)
    detail_url = _detail_url("tariff-package-detail", package.pk)
    return pages.form_page(
        request,
        form,
        save=partial(services.tariff_package_update, user=request.user, package=package),
        success_message=_("Tariff package saved."),
        success_url=detail_url,
        title=_("Edit %(name)s") % {"name": package.name},
        cancel_url=detail_url,
        breadcrumbs=_package_crumbs(),
    )


# --- trainings and meetings ----------------------------------------------------------------


def _training_crumbs() -> list[pages.Crumb]:
    return _crumbs(_("Trainings and meetings"), "training-list")


@require_login
def training_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_city_records(request.user)
    return pages.list_page(
        request,
        queryset=selectors.trainings_for(request.user),
        filterset_class=filters.TrainingFilter,
        table_class=tables.TrainingTable,
        title=_("Trainings and meetings"),
        export_name="trainings",
        create_url=reverse("revenue:training-create") if can_edit else None,
        create_label=_("New training or meeting"),
        breadcrumbs=_crumbs(),
    )


@require_login
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_visible_or_404(selectors.trainings_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/training_detail.html",
        {
            "training": training,
            "can_edit": services.can_edit_city_records(request.user),
            "breadcrumbs": _training_crumbs(),
        },
    )


@require_roles(*CITY_ROLES)
def training_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.TrainingForm(request.POST or None, user=request.user)
    return pages.form_page(
        request,
        form,
        save=partial(services.training_create, user=request.user),
        success_message=lambda training: _("“%(topic)s” recorded.") % {"topic": training.topic},
        success_url=lambda training: _detail_url("training-detail", training.pk),
        title=_("New training or meeting"),
        cancel_url=reverse("revenue:training-list"),
        breadcrumbs=_training_crumbs(),
    )


@require_login
def training_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training = get_visible_or_404(selectors.trainings_for(request.user), request.user, pk=pk)
    pages.require(services.can_edit_city_records(request.user))
    form = forms.TrainingForm(request.POST or None, instance=training, user=request.user)
    detail_url = _detail_url("training-detail", training.pk)
    return pages.form_page(
        request,
        form,
        save=partial(services.training_update, user=request.user, training=training),
        success_message=_("Training saved."),
        success_url=detail_url,
        title=_("Edit %(name)s") % {"name": training.topic},
        cancel_url=detail_url,
        breadcrumbs=_training_crumbs(),
    )


# --- marketing cases -----------------------------------------------------------------------


def _case_crumbs() -> list[pages.Crumb]:
    return _crumbs(_("Marketing cases"), "case-list")


@require_login
def case_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_county_records(request.user)
    return pages.list_page(
        request,
        queryset=selectors.marketing_cases_for(request.user),
        filterset_class=filters.MarketingCaseFilter,
        table_class=tables.MarketingCaseTable,
        title=_("Marketing cases"),
        export_name="marketing-cases",
        create_url=reverse("revenue:case-create") if can_edit else None,
        create_label=_("Add a case"),
        intro=_("The library of successful cases to spread: search by words or pick a tag."),
        template="revenue/activities/case_list.html",
        breadcrumbs=_crumbs(),
        extra={"tags": selectors.case_tags_in_use(request.user)[:30]},
    )


@require_login
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(selectors.marketing_cases_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/case_detail.html",
        {
            "case": case,
            "can_edit": services.can_edit_county_records(request.user, case.county_id),
            "breadcrumbs": _case_crumbs(),
        },
    )


@require_login
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages.require(services.can_edit_county_records(request.user))
    form = forms.MarketingCaseForm(request.POST or None, user=request.user)
    return pages.form_page(
        request,
        form,
        save=partial(services.marketing_case_create, user=request.user),
        success_message=lambda case: (
            _("Case “%(title)s” added to the library.") % {"title": case.title}
        ),
        success_url=lambda case: _detail_url("case-detail", case.pk),
        title=_("Add a marketing case"),
        cancel_url=reverse("revenue:case-list"),
        breadcrumbs=_case_crumbs(),
    )


@require_login
def case_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(selectors.marketing_cases_for(request.user), request.user, pk=pk)
    pages.require(services.can_edit_county_records(request.user, case.county_id))
    form = forms.MarketingCaseForm(request.POST or None, instance=case, user=request.user)
    detail_url = _detail_url("case-detail", case.pk)
    return pages.form_page(
        request,
        form,
        save=partial(services.marketing_case_update, user=request.user, case=case),
        success_message=_("Case saved."),
        success_url=detail_url,
        title=_("Edit %(name)s") % {"name": case.title},
        cancel_url=detail_url,
        breadcrumbs=_case_crumbs(),
    )


# --- field visits and follow-ups -----------------------------------------------------------


def _visit_crumbs() -> list[pages.Crumb]:
    return _crumbs(_("Field visits"), "field-visit-list")


@require_login
def field_visit_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_county_records(request.user)
    return pages.list_page(
        request,
        queryset=selectors.field_visits_for(request.user),
        filterset_class=filters.FieldVisitFilter,
        table_class=tables.FieldVisitTable,
        title=_("Field visits and market research"),
        export_name="field-visits",
        create_url=reverse("revenue:field-visit-create") if can_edit else None,
        create_label=_("Record a visit"),
        template="revenue/activities/field_visit_list.html",
        breadcrumbs=_crumbs(),
    )


@require_login
def field_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visit_detail_for(request.user), request.user, pk=pk)
    today = timezone.localdate()
    follow_ups = list(visit.follow_ups.all())
    if pages.wants_xlsx(request):
        rows = [
            [
                a.description,
                formatting.person(a.owner),
                a.due_on,
                _("yes") if a.done else _("no"),
                a.done_on,
            ]
            for a in follow_ups
        ]
        headers = [_("description"), _("owner"), _("due on"), _("done"), _("done on")]
        return xlsx_response(
            f"field-visit-{visit.county.code}-{visit.date.isoformat()}.xlsx",
            [Sheet(_("Follow-up actions"), headers, rows)],
        )
    for action in follow_ups:
        action.overdue = action.is_overdue(today)
        action.can_complete = services.can_complete_follow_up(request.user, action)
    return render(
        request,
        "revenue/activities/field_visit_detail.html",
        {
            "visit": visit,
            "follow_ups": follow_ups,
            "can_edit": services.can_edit_county_records(request.user, visit.county_id),
            "export_query": pages.export_query(request),
            "breadcrumbs": _visit_crumbs(),
        },
    )


@require_login
def field_visit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages.require(services.can_edit_county_records(request.user))
    form = forms.FieldVisitForm(request.POST or None, user=request.user)
    return pages.form_page(
        request,
        form,
        save=partial(services.field_visit_create, user=request.user),
        success_message=_("Visit recorded. Add the follow-up actions it decided."),
        success_url=lambda visit: _detail_url("field-visit-detail", visit.pk),
        title=_("Record a field visit or market research"),
        cancel_url=reverse("revenue:field-visit-list"),
        breadcrumbs=_visit_crumbs(),
    )


@require_login
def field_visit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visits_for(request.user), request.user, pk=pk)
    pages.require(services.can_edit_county_records(request.user, visit.county_id))
    form = forms.FieldVisitForm(request.POST or None, instance=visit, user=request.user)
    detail_url = _detail_url("field-visit-detail", visit.pk)
    return pages.form_page(
        request,
        form,
        save=partial(services.field_visit_update, user=request.user, visit=visit),
        success_message=_("Visit saved."),
        success_url=detail_url,
        title=_("Edit the visit"),
        cancel_url=detail_url,
        breadcrumbs=_visit_crumbs(),
    )


@require_login
def follow_up_create(request: AuthenticatedHttpRequest, visit_pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visits_for(request.user), request.user, pk=visit_pk)
    pages.require(services.can_edit_county_records(request.user, visit.county_id))
    form = forms.FollowUpForm(request.POST or None, visit=visit)
    detail_url = _detail_url("field-visit-detail", visit.pk)
    today = timezone.localdate()
    return pages.form_page(
        request,
        form,
        save=partial(services.follow_up_create, user=request.user, visit=visit, today=today),
        success_message=_("Follow-up action added."),
        success_url=detail_url,
        title=_("Add a follow-up action · %(visit)s") % {"visit": visit},
        cancel_url=detail_url,
        breadcrumbs=_visit_crumbs(),
    )


@require_login
def follow_up_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(selectors.follow_ups_for(request.user), request.user, pk=pk)
    pages.require(services.can_edit_county_records(request.user, action.visit.county_id))
    form = forms.FollowUpForm(request.POST or None, instance=action, visit=action.visit)
    detail_url = _detail_url("field-visit-detail", action.visit_id)
    today = timezone.localdate()
    return pages.form_page(
        request,
        form,
        save=partial(services.follow_up_update, user=request.user, action=action, today=today),
        success_message=_("Follow-up action saved."),
        success_url=detail_url,
        title=_("Edit the follow-up action"),
        cancel_url=detail_url,
        breadcrumbs=_visit_crumbs(),
    )


@require_login
@require_POST
def follow_up_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(selectors.follow_ups_for(request.user), request.user, pk=pk)
    services.follow_up_complete(user=request.user, action=action, today=timezone.localdate())
    messages.success(request, _("“%(action)s” is done.") % {"action": action})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(_detail_url("field-visit-detail", action.visit_id))


@require_login
def follow_up_overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return pages.list_page(
        request,
        queryset=selectors.overdue_follow_ups_for(request.user, today),
        filterset_class=filters.OverdueFollowUpFilter,
        table_class=tables.FollowUpTable,
        table_kwargs={"today": today},
        title=_("Overdue follow-up actions"),
        export_name="overdue-follow-ups",
        intro=_("Open actions whose due date has passed, as of %(today)s.")
        % {"today": formatting.date(today)},
        breadcrumbs=_crumbs(),
    )
