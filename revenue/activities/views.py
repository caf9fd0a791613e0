"""Pages of the business development activities (SPEC §3.7): thin, scoped, role-checked.

Every read goes through a selector (``visible_to``); another county's record is a 404 via
``get_visible_or_404``; a write the role may not make is a 403 before a form is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig, Table

from marketing_ops.access import CITY_ROLES, get_visible_or_404, require_login, require_roles
from marketing_ops.xlsx import Sheet, table_sheet, xlsx_response
from revenue.activities import filters, forms, selectors, services, tables

PER_PAGE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Your role does not allow this.")


def _export_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


def _list_page(
    request: HttpRequest,
    *,
    queryset: QuerySet,
    filterset_class: type,
    table_class: type[Table],
    title: str,
    export_name: str,
    create_url: str | None = None,
    create_label: str = "",
    intro: str = "",
    template: str = "revenue/activities/list.html",
    table_kwargs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Filter bar, sortable paginated table, ``?export=xlsx`` of all filtered rows as sorted."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    table = table_class(filterset.qs, **(table_kwargs or {}))
    if request.GET.get("export") == "xlsx":
        RequestConfig(request, paginate=False).configure(table)
        return xlsx_response(f"{export_name}.xlsx", [table_sheet(table, title)])
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {
        "title": title,
        "table": table,
        "filter": filterset,
        "export_query": _export_query(request),
        "create_url": create_url,
        "create_label": create_label,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context)


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    cancel_url: str,
    parent: tuple[str, str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "revenue/activities/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "parent": parent},
    )


def _save(form: Form, write: Callable[..., Model], **kwargs: Any) -> Model | None:
    """Run a service with the form's data; its validation errors land on the form's fields."""
    try:
        return write(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        forms.add_service_errors(form, error)
        form.style_fields()
        return None


def _submitted(request: HttpRequest, form: Form) -> bool:
    return request.method == "POST" and form.is_valid()


def _detail_url(name: str, pk: int) -> str:
    return reverse(f"revenue:{name}", args=[pk])


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


@require_login
def tariff_package_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_city_records(request.user)
    return _list_page(
        request,
        queryset=selectors.tariff_packages_for(request.user),
        filterset_class=filters.TariffPackageFilter,
        table_class=tables.TariffPackageTable,
        title="Tariff packages",
        export_name="tariff-packages",
        create_url=reverse("revenue:tariff-package-create") if can_edit else None,
        create_label="New package",
        intro="Packages the city applied for at the province, and the counties promoting them.",
    )


@require_login
def tariff_package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    package = get_visible_or_404(selectors.tariff_packages_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/tariff_package_detail.html",
        {"package": package, "can_edit": services.can_edit_city_records(request.user)},
    )


@require_roles(*CITY_ROLES)
def tariff_package_create(request: HttpRequest) -> HttpResponse:
    form = forms.TariffPackageForm(request.POST or None, user=request.user)
    if _submitted(request, form) and (
        package := _save(form, services.tariff_package_create, user=request.user)
    ):
        messages.success(request, f"Tariff package “{package}” recorded.")
        return redirect(_detail_url("tariff-package-detail", package.pk))
    return _form_page(
        request,
        form,
        title="New tariff package",
        cancel_url=reverse("revenue:tariff-package-list"),
        parent=("Tariff packages", reverse("revenue:tariff-package-list")),
    )


@require_login
def tariff_package_edit(request: HttpRequest, pk: int) -> HttpResponse:
    package = get_visible_or_404(selectors.tariff_packages_for(request.user), request.user, pk=pk)
    _require(services.can_edit_city_records(request.user))
    form = forms.TariffPackageForm(request.POST or None, instance=package, user=request.user)
    if _submitted(request, form) and _save(
        form, services.tariff_package_update, user=request.user, package=package
    ):
        messages.success(request, "Tariff package saved.")
        return redirect(_detail_url("tariff-package-detail", package.pk))
    return _form_page(
        request,
        form,
        title=f"Edit {package.name}",
        cancel_url=_detail_url("tariff-package-detail", package.pk),
        parent=("Tariff packages", reverse("revenue:tariff-package-list")),
    )


# --- trainings and meetings ----------------------------------------------------------------


@require_login
def training_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_city_records(request.user)
    return _list_page(
        request,
        queryset=selectors.trainings_for(request.user),
        filterset_class=filters.TrainingFilter,
        table_class=tables.TrainingTable,
        title="Trainings and meetings",
        export_name="trainings",
        create_url=reverse("revenue:training-create") if can_edit else None,
        create_label="New training or meeting",
    )


@require_login
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_visible_or_404(selectors.trainings_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/training_detail.html",
        {"training": training, "can_edit": services.can_edit_city_records(request.user)},
    )


@require_roles(*CITY_ROLES)
def training_create(request: HttpRequest) -> HttpResponse:
    form = forms.TrainingForm(request.POST or None, user=request.user)
    if _submitted(request, form) and (
        training := _save(form, services.training_create, user=request.user)
    ):
        messages.success(request, f"“{training.topic}” recorded.")
        return redirect(_detail_url("training-detail", training.pk))
    return _form_page(
        request,
        form,
        title="New training or meeting",
        cancel_url=reverse("revenue:training-list"),
        parent=("Trainings and meetings", reverse("revenue:training-list")),
    )


@require_login
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_visible_or_404(selectors.trainings_for(request.user), request.user, pk=pk)
    _require(services.can_edit_city_records(request.user))
    form = forms.TrainingForm(request.POST or None, instance=training, user=request.user)
    if _submitted(request, form) and _save(
        form, services.training_update, user=request.user, training=training
    ):
        messages.success(request, "Training saved.")
        return redirect(_detail_url("training-detail", training.pk))
    return _form_page(
        request,
        form,
        title=f"Edit {training.topic}",
        cancel_url=_detail_url("training-detail", training.pk),
        parent=("Trainings and meetings", reverse("revenue:training-list")),
    )


# --- marketing cases -----------------------------------------------------------------------


@require_login
def case_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_county_records(request.user)
    return _list_page(
        request,
        queryset=selectors.marketing_cases_for(request.user),
        filterset_class=filters.MarketingCaseFilter,
        table_class=tables.MarketingCaseTable,
        title="Marketing cases",
        export_name="marketing-cases",
        create_url=reverse("revenue:case-create") if can_edit else None,
        create_label="Add a case",
        intro="The library of successful cases to spread: search by words or pick a tag.",
        template="revenue/activities/case_list.html",
        extra={"tags": selectors.case_tags_in_use(request.user)[:30]},
    )


@require_login
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(selectors.marketing_cases_for(request.user), request.user, pk=pk)
    return render(
        request,
        "revenue/activities/case_detail.html",
        {"case": case, "can_edit": services.can_edit_county_records(request.user, case.county_id)},
    )


@require_login
def case_create(request: HttpRequest) -> HttpResponse:
    _require(services.can_edit_county_records(request.user))
    form = forms.MarketingCaseForm(request.POST or None, user=request.user)
    if _submitted(request, form) and (
        case := _save(form, services.marketing_case_create, user=request.user)
    ):
        messages.success(request, f"Case “{case.title}” added to the library.")
        return redirect(_detail_url("case-detail", case.pk))
    return _form_page(
        request,
        form,
        title="Add a marketing case",
        cancel_url=reverse("revenue:case-list"),
        parent=("Marketing cases", reverse("revenue:case-list")),
    )


@require_login
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(selectors.marketing_cases_for(request.user), request.user, pk=pk)
    _require(services.can_edit_county_records(request.user, case.county_id))
    form = forms.MarketingCaseForm(request.POST or None, instance=case, user=request.user)
    if _submitted(request, form) and _save(
        form, services.marketing_case_update, user=request.user, case=case
    ):
        messages.success(request, "Case saved.")
        return redirect(_detail_url("case-detail", case.pk))
    return _form_page(
        request,
        form,
        title=f"Edit {case.title}",
        cancel_url=_detail_url("case-detail", case.pk),
        parent=("Marketing cases", reverse("revenue:case-list")),
    )


# --- field visits and follow-ups -----------------------------------------------------------


@require_login
def field_visit_list(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_county_records(request.user)
    return _list_page(
        request,
        queryset=selectors.field_visits_for(request.user),
        filterset_class=filters.FieldVisitFilter,
        table_class=tables.FieldVisitTable,
        title="Field visits and market research",
        export_name="field-visits",
        create_url=reverse("revenue:field-visit-create") if can_edit else None,
        create_label="Record a visit",
        extra={"overdue_url": reverse("revenue:follow-up-overdue")},
    )


@require_login
def field_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visit_detail_for(request.user), request.user, pk=pk)
    today = timezone.localdate()
    follow_ups = list(visit.follow_ups.all())
    if request.GET.get("export") == "xlsx":
        rows = [
            [a.description, a.owner.username, a.due_on, "yes" if a.done else "no", a.done_on]
            for a in follow_ups
        ]
        headers = ["description", "owner", "due on", "done", "done on"]
        return xlsx_response(
            f"field-visit-{visit.county.code}-{visit.date:%Y-%m-%d}.xlsx",
            [Sheet("Follow-up actions", headers, rows)],
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
        },
    )


@require_login
def field_visit_create(request: HttpRequest) -> HttpResponse:
    _require(services.can_edit_county_records(request.user))
    form = forms.FieldVisitForm(request.POST or None, user=request.user)
    if _submitted(request, form) and (
        visit := _save(form, services.field_visit_create, user=request.user)
    ):
        messages.success(request, "Visit recorded. Add the follow-up actions it decided.")
        return redirect(_detail_url("field-visit-detail", visit.pk))
    return _form_page(
        request,
        form,
        title="Record a field visit or market research",
        cancel_url=reverse("revenue:field-visit-list"),
        parent=("Field visits", reverse("revenue:field-visit-list")),
    )


@require_login
def field_visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visits_for(request.user), request.user, pk=pk)
    _require(services.can_edit_county_records(request.user, visit.county_id))
    form = forms.FieldVisitForm(request.POST or None, instance=visit, user=request.user)
    if _submitted(request, form) and _save(
        form, services.field_visit_update, user=request.user, visit=visit
    ):
        messages.success(request, "Visit saved.")
        return redirect(_detail_url("field-visit-detail", visit.pk))
    return _form_page(
        request,
        form,
        title="Edit the visit",
        cancel_url=_detail_url("field-visit-detail", visit.pk),
        parent=("Field visits", reverse("revenue:field-visit-list")),
    )


@require_login
def follow_up_create(request: HttpRequest, visit_pk: int) -> HttpResponse:
    visit = get_visible_or_404(selectors.field_visits_for(request.user), request.user, pk=visit_pk)
    _require(services.can_edit_county_records(request.user, visit.county_id))
    form = forms.FollowUpForm(request.POST or None, visit=visit)
    today = timezone.localdate()
    if _submitted(request, form) and _save(
        form, services.follow_up_create, user=request.user, visit=visit, today=today
    ):
        messages.success(request, "Follow-up action added.")
        return redirect(_detail_url("field-visit-detail", visit.pk))
    return _form_page(
        request,
        form,
        title=f"Add a follow-up action · {visit}",
        cancel_url=_detail_url("field-visit-detail", visit.pk),
        parent=("Field visits", reverse("revenue:field-visit-list")),
    )


@require_login
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(selectors.follow_ups_for(request.user), request.user, pk=pk)
    _require(services.can_edit_county_records(request.user, action.visit.county_id))
    form = forms.FollowUpForm(request.POST or None, instance=action, visit=action.visit)
    today = timezone.localdate()
    if _submitted(request, form) and _save(
        form, services.follow_up_update, user=request.user, action=action, today=today
    ):
        messages.success(request, "Follow-up action saved.")
        return redirect(_detail_url("field-visit-detail", action.visit_id))
    return _form_page(
        request,
        form,
        title="Edit the follow-up action",
        cancel_url=_detail_url("field-visit-detail", action.visit_id),
        parent=("Field visits", reverse("revenue:field-visit-list")),
    )


@require_login
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(selectors.follow_ups_for(request.user), request.user, pk=pk)
    services.follow_up_complete(user=request.user, action=action, today=timezone.localdate())
    messages.success(request, f"“{action}” is done.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(_detail_url("field-visit-detail", action.visit_id))


@require_login
def follow_up_overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _list_page(
        request,
        queryset=selectors.overdue_follow_ups_for(request.user, today),
        filterset_class=filters.OverdueFollowUpFilter,
        table_class=tables.FollowUpTable,
        table_kwargs={"today": today},
        title="Overdue follow-up actions",
        export_name="overdue-follow-ups",
        intro=f"Open actions whose due date has passed, as of {today:%Y-%m-%d}.",
    )
