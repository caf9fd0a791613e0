"""Pages (``urlpatterns``, namespace "audits") and API (``api_urlpatterns``, /api/v1/audits/)."""

from django.urls import path

from audits.api import audits as api
from audits.api import cashflow as cashflow_api
from audits.views import audits as views
from audits.views import cashflow as cashflow_views
from audits.views import findings as finding_views
from audits.views import items as item_views

app_name = "audits"
urlpatterns: list = [
    path("", views.audit_calendar, name="calendar"),
    path("list/", views.audit_list, name="list"),
    path("mine/", views.my_audits, name="mine"),
    path("checklists/", views.checklists, name="checklists"),
    path("holidays/", views.holidays, name="holidays"),
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("<int:pk>/checks/<int:check_id>/", views.check_answer, name="check-answer"),
    path("<int:pk>/sign/", views.audit_sign, name="sign"),
    path("<int:pk>/reopen/", views.audit_reopen, name="reopen"),
    path("<int:pk>/findings/new/", finding_views.finding_create, name="finding-create"),
    path("findings/", finding_views.finding_list, name="findings"),
    path("findings/<int:pk>/", finding_views.finding_detail, name="finding"),
    path("findings/<int:pk>/<str:action>/", finding_views.finding_action, name="finding-action"),
    path("verification-items/", item_views.item_list, name="items"),
    path("verification-items/overview/", item_views.item_overview, name="items-overview"),
    path("verification-items/<int:pk>/", item_views.item_resolve, name="item"),
    path("evidence/<int:pk>/", finding_views.evidence_download, name="evidence"),
    path("cashflow/", cashflow_views.cashflow_ranking, name="cashflow"),
    path(
        "cashflow/template.xlsx",
        cashflow_views.cashflow_template_download,
        name="cashflow-template",
    ),
    path(
        "cashflow/<str:county>/<str:month>/",
        cashflow_views.cashflow_detail,
        name="cashflow-detail",
    ),
    path(
        "cashflow/<str:county>/<str:month>/sign/",
        cashflow_views.cashflow_sign,
        name="cashflow-sign",
    ),
]
api_urlpatterns: list = [
    path("", api.AuditList.as_view(), name="audit-list"),
    path("create/", api.AuditCreate.as_view(), name="audit-create"),
    path("findings/", api.FindingList.as_view(), name="finding-list"),
    path("verification-items/", api.VerificationItemList.as_view(), name="item-list"),
    path(
        "verification-items/<int:pk>/resolve/",
        api.VerificationItemResolve.as_view(),
        name="item-resolve",
    ),
    path("findings/<int:pk>/rectify/", api.FindingRectify.as_view(), name="finding-rectify"),
    path("findings/<int:pk>/verify/", api.FindingVerify.as_view(), name="finding-verify"),
    path("findings/<int:pk>/reject/", api.FindingReject.as_view(), name="finding-reject"),
    path("findings/<int:pk>/evidence/", api.FindingEvidenceView.as_view(), name="finding-evidence"),
    path("<int:pk>/", api.AuditDetail.as_view(), name="audit-detail"),
    path("<int:pk>/checks/<int:check_id>/", api.CheckAnswer.as_view(), name="check-answer"),
    path("<int:pk>/sign/", api.AuditSign.as_view(), name="audit-sign"),
    path("<int:pk>/reopen/", api.AuditReopen.as_view(), name="audit-reopen"),
    path("<int:pk>/findings/", api.AuditFindingCreate.as_view(), name="finding-create"),
    path("cashflow/", cashflow_api.CashFlowRanking.as_view(), name="cashflow-list"),
    path(
        "cashflow/<str:county>/<str:month>/",
        cashflow_api.CashFlowDetail.as_view(),
        name="cashflow-detail",
    ),
    path(
        "cashflow/<str:county>/<str:month>/sign/",
        cashflow_api.CashFlowSign.as_view(),
        name="cashflow-sign",
    ),
]
