"""Included into revenue/urls.py (namespace "revenue"): pages under /revenue/activities/,
the read-only API under /api/v1/revenue/."""

from django.urls import path

from revenue.activities import api, views

urlpatterns: list = [
    path("activities/", views.activities_index, name="activities"),
    path("activities/tariff-packages/", views.tariff_package_list, name="tariff-package-list"),
    path(
        "activities/tariff-packages/new/",
        views.tariff_package_create,
        name="tariff-package-create",
    ),
    path(
        "activities/tariff-packages/<int:pk>/",
        views.tariff_package_detail,
        name="tariff-package-detail",
    ),
    path(
        "activities/tariff-packages/<int:pk>/edit/",
        views.tariff_package_edit,
        name="tariff-package-edit",
    ),
    path("activities/trainings/", views.training_list, name="training-list"),
    path("activities/trainings/new/", views.training_create, name="training-create"),
    path("activities/trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("activities/trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("activities/cases/", views.case_list, name="case-list"),
    path("activities/cases/new/", views.case_create, name="case-create"),
    path("activities/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("activities/cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("activities/field-visits/", views.field_visit_list, name="field-visit-list"),
    path("activities/field-visits/new/", views.field_visit_create, name="field-visit-create"),
    path("activities/field-visits/<int:pk>/", views.field_visit_detail, name="field-visit-detail"),
    path(
        "activities/field-visits/<int:pk>/edit/",
        views.field_visit_edit,
        name="field-visit-edit",
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

api_urlpatterns: list = [
    path("tariff-packages/", api.TariffPackageList.as_view(), name="tariff-package-list"),
    path(
        "tariff-packages/<int:pk>/",
        api.TariffPackageDetail.as_view(),
        name="tariff-package-detail",
    ),
    path("trainings/", api.TrainingList.as_view(), name="training-list"),
    path("trainings/<int:pk>/", api.TrainingDetail.as_view(), name="training-detail"),
    path("cases/", api.MarketingCaseList.as_view(), name="case-list"),
    path("cases/<int:pk>/", api.MarketingCaseDetail.as_view(), name="case-detail"),
    path("field-visits/", api.FieldVisitList.as_view(), name="field-visit-list"),
    path("field-visits/<int:pk>/", api.FieldVisitDetail.as_view(), name="field-visit-detail"),
    path("follow-ups/", api.FollowUpList.as_view(), name="follow-up-list"),
    path("follow-ups/<int:pk>/", api.FollowUpDetail.as_view(), name="follow-up-detail"),
]
