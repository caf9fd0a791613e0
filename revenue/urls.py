"""Pages (``urlpatterns``, namespace "revenue") and API (``api_urlpatterns``, /api/v1/revenue/)."""

from django.urls import path

from revenue import api, views
from revenue.activities import urls as activities_urls

app_name = "revenue"

REPORT = "reports/<str:county>/<int:year>/<int:month>/"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("county/<str:county>/", views.county_dashboard, name="county-dashboard"),
    path("reports/", views.report_list, name="reports"),
    path("reports/review/", views.review_queue, name="review"),
    path("reports/upload/", views.report_upload, name="report-upload"),
    path("reports/template.xlsx", views.report_template, name="report-template"),
    path(REPORT, views.report_detail, name="report"),
    path(REPORT + "<str:action>/", views.report_action, name="report-action"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/profiles/", views.profile_list, name="profiles"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("plans/<int:year>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:year>/decompose/", views.plan_decompose, name="plan-decompose"),
    path("plans/<int:year>/phase/", views.plan_phase, name="plan-phase"),
    path("plans/<int:year>/publish/", views.plan_publish, name="plan-publish"),
    path("standings/", views.standing_list, name="standings"),
] + activities_urls.urlpatterns

api_urlpatterns: list = [
    path("plans/", api.PlanList.as_view(), name="plan-list"),
    path("plans/<int:year>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<int:year>/decompose/", api.PlanDecompose.as_view(), name="plan-decompose"),
    path("plans/<int:year>/phase/", api.PlanPhase.as_view(), name="plan-phase"),
    path("plans/<int:year>/publish/", api.PlanPublish.as_view(), name="plan-publish"),
    path("plans/<int:year>/targets/", api.PlanTargets.as_view(), name="plan-targets"),
    path("reports/", api.ReportList.as_view(), name="report-list"),
    path("reports/import/", api.ReportImport.as_view(), name="report-import"),
    path("reports/template.xlsx", api.ReportTemplate.as_view(), name="report-template"),
    path(REPORT, api.ReportDetail.as_view(), name="report-detail"),
    path(REPORT + "submit/", api.ReportSubmit.as_view(), name="report-submit"),
    path(REPORT + "approve/", api.ReportApprove.as_view(), name="report-approve"),
    path(REPORT + "return/", api.ReportReturn.as_view(), name="report-return"),
    path(REPORT + "reopen/", api.ReportReopen.as_view(), name="report-reopen"),
    path("progress/", api.ProgressView.as_view(), name="progress"),
    path("standings/", api.StandingList.as_view(), name="standings"),
] + activities_urls.api_urlpatterns
