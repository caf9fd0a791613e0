"""Included into revenue/urls.py (namespace "revenue"): pages under /revenue/activities/,
the read-only API under /api/v1/revenue/."""

from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path
from rest_framework.views import APIView

from revenue.activities import api, views

Page = Callable[..., HttpResponse]


def _record_pages(
    prefix: str, name: str, list_view: Page, create: Page, detail: Page, edit: Page
) -> list[URLPattern]:
    """A record's list, "new", detail and edit pages: ``activities/<prefix>/…`` named
    ``<name>-list``, ``<name>-create``, ``<name>-detail``, ``<name>-edit``."""
    base = f"activities/{prefix}/"
    return [
        path(base, list_view, name=f"{name}-list"),
        path(f"{base}new/", create, name=f"{name}-create"),
        path(f"{base}<int:pk>/", detail, name=f"{name}-detail"),
        path(f"{base}<int:pk>/edit/", edit, name=f"{name}-edit"),
    ]


def _record_endpoints(
    prefix: str, name: str, list_view: type[APIView], detail: type[APIView]
) -> list[URLPattern]:
    """A record's read-only API: ``<prefix>/`` and ``<prefix>/<pk>/``."""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{name}-detail"),
    ]


urlpatterns: list[URLPattern] = [
    path("activities/", views.activities_index, name="activities"),
    *_record_pages(
        "tariff-packages",
        "tariff-package",
        views.tariff_package_list,
        views.tariff_package_create,
        views.tariff_package_detail,
        views.tariff_package_edit,
    ),
    *_record_pages(
        "trainings",
        "training",
        views.training_list,
        views.training_create,
        views.training_detail,
        views.training_edit,
    ),
    *_record_pages(
        "cases", "case", views.case_list, views.case_create, views.case_detail, views.case_edit
    ),
    *_record_pages(
        "field-visits",
        "field-visit",
        views.field_visit_list,
        views.field_visit_create,
        views.field_visit_detail,
        views.field_visit_edit,
    ),
    path(
        "activities/field-visits/<int:visit_pk>/follow-ups/new/",
        views.follow_up_create,
        name="follow-up-create",
    ),
    path("activities/follow-ups/overdue/", views.follow_up_overdue, name="follow-up-overdue"),
    path("activities/follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow-up-edit"),
    path("activities/follow-ups/<int:pk>/done/", views.follow_up_done, name="follow-up-done"),
]

api_urlpatterns: list[URLPattern] = [
    *_record_endpoints(
        "tariff-packages", "tariff-package", api.TariffPackageList, api.TariffPackageDetail
    ),
    *_record_endpoints("trainings", "training", api.TrainingList, api.TrainingDetail),
    *_record_endpoints("cases", "case", api.MarketingCaseList, api.MarketingCaseDetail),
    *_record_endpoints("field-visits", "field-visit", api.FieldVisitList, api.FieldVisitDetail),
    *_record_endpoints("follow-ups", "follow-up", api.FollowUpList, api.FollowUpDetail),
]
