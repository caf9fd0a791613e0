"""Pages (``urlpatterns``, namespace "revenue") and API (``api_urlpatterns``, /api/v1/revenue/)."""

from django.urls import URLPattern, URLResolver, path

from revenue.activities import urls as activities_urls
from revenue.api import plans as plan_api
from revenue.api import progress as progress_api
from revenue.api import reports as report_api
from revenue.api import standings as standing_api
from revenue.views import dashboards, plans, reports, standings

app_name = "revenue"

REPORT = "reports/<str:county>/<int:year>/<int:month>/"

urlpatterns: list = [
    path("", dashboards.dashboard, name="dashboard"),
    path("county/<str:county>/", dashboards.county_dashboard, name="county-dashboard"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/review/", reports.review_queue, name="review"),
    path("reports/upload/", reports.report_upload, name="report-upload"),
    path("reports/template.xlsx", reports.report_template, name="report-template"),
    path(REPORT, reports.report_detail, name="report"),
    path(REPORT + "<str:action>/", reports.report_action, name="report-action"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/profiles/", plans.profile_list, name="profiles"),
    path("plans/<int:year>/", plans.plan_detail, name="plan"),
    path("plans/<int:year>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:year>/decompose/", plans.plan_decompose, name="plan-decompose"),
    path("plans/<int:year>/phase/", plans.plan_phase, name="plan-phase"),
    path("plans/<int:year>/publish/", plans.plan_publish, name="plan-publish"),
    path("standings/", standings.standing_list, name="standings"),
] + activities_urls.urlpatterns

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/", plan_api.PlanList.as_view(), name="plan-list"),
    path("plans/<int:year>/", plan_api.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<int:year>/decompose/", plan_api.PlanDecompose.as_view(), name="plan-decompose"),
    path("plans/<int:year>/phase/", plan_api.PlanPhase.as_view(), name="plan-phase"),
    path("plans/<int:year>/publish/", plan_api.PlanPublish.as_view(), name="plan-publish"),
    path("plans/<int:year>/targets/", plan_api.PlanTargets.as_view(), name="plan-targets"),
    path("reports/", report_api.ReportList.as_view(), name="report-list"),
    path("reports/import/", report_api.ReportImport.as_view(), name="report-import"),
    path("reports/template.xlsx", report_api.ReportTemplate.as_view(), name="report-template"),
    path(REPORT, report_api.ReportDetail.as_view(), name="report-detail"),
    path(REPORT + "submit/", report_api.ReportSubmit.as_view(), name="report-submit"),
    path(REPORT + "approve/", report_api.ReportApprove.as_view(), name="report-approve"),
    path(REPORT + "return/", report_api.ReportReturn.as_view(), name="report-return"),
    path(REPORT + "reopen/", report_api.ReportReopen.as_view(), name="report-reopen"),
    path("progress/", progress_api.ProgressView.as_view(), name="progress"),
    path("standings/", standing_api.StandingList.as_view(), name="standings"),
] + activities_urls.api_urlpatterns
