"""Pages (``urlpatterns``, namespace "audits") and API (``api_urlpatterns``, /api/v1/audits/)."""

from django.urls import path, re_path

from audits.api import audits as api
from audits.api import cashflow as cashflow_api
from audits.api import false_users as false_user_api
from audits.api import notices as notice_api
from audits.api import onsite as onsite_api
from audits.views import audits as views
from audits.views import cashflow as cashflow_views
from audits.views import false_users as false_user_views
from audits.views import findings as finding_views
from audits.views import items as item_views
from audits.views import notices as notice_views
from audits.views import onsite as onsite_views

app_name = "audits"
#: An ISO week in a path: YYYY-Www.
WEEK = notice_api.WEEK
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
    path("notices/", notice_views.notice_list, name="notices"),
    path("notices/draft/", notice_views.notice_draft, name="notice-draft"),
    re_path(rf"^notices/(?P<week>{WEEK})/$", notice_views.notice_detail, name="notice"),
    re_path(rf"^notices/(?P<week>{WEEK})/edit/$", notice_views.notice_action, name="notice-action"),
]

# False users and on-site verifications (docs/rules.md#false-users,
# docs/rules.md#on-site-verifications).
urlpatterns += [
    path("false-users/", false_user_views.false_user_list, name="false-users"),
    path("false-users/per-month/", false_user_views.false_user_counts, name="false-user-counts"),
    path("false-users/report/", false_user_views.false_user_report, name="false-user-report"),
    path("false-users/find/", false_user_views.false_users_find, name="false-users-find"),
    path("false-users/<int:pk>/", false_user_views.false_user_detail, name="false-user"),
    path(
        "false-users/<int:pk>/<str:action>/",
        false_user_views.false_user_action,
        name="false-user-action",
    ),
    path("onsite/", onsite_views.onsite_list, name="onsite"),
    path("onsite/new/", onsite_views.onsite_create, name="onsite-create"),
    path("onsite/follow-ups/", onsite_views.follow_up_list, name="follow-ups"),
    path("onsite/follow-ups/<int:pk>/done/", onsite_views.follow_up_done, name="follow-up-done"),
    path("onsite/<int:pk>/", onsite_views.onsite_detail, name="onsite-detail"),
    path("onsite/<int:pk>/edit/", onsite_views.onsite_edit, name="onsite-edit"),
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
    path("notices/", notice_api.NoticeList.as_view(), name="notice-list"),
    path("notices/draft/", notice_api.NoticeDraft.as_view(), name="notice-draft"),
    re_path(rf"^notices/(?P<week>{WEEK})/$", notice_api.NoticeDetail.as_view(), name="notice"),
    re_path(
        rf"^notices/(?P<week>{WEEK})/publish/$",
        notice_api.NoticePublish.as_view(),
        name="notice-publish",
    ),
]
api_urlpatterns += [
    path("false-users/", false_user_api.FalseUserList.as_view(), name="false-user-list"),
    path("false-users/find/", false_user_api.FalseUsersFind.as_view(), name="false-users-find"),
    path("false-users/<int:pk>/", false_user_api.FalseUserDetail.as_view(), name="false-user"),
    path(
        "false-users/<int:pk>/confirm/",
        false_user_api.FalseUserConfirm.as_view(),
        name="false-user-confirm",
    ),
    path(
        "false-users/<int:pk>/clear/",
        false_user_api.FalseUserClear.as_view(),
        name="false-user-clear",
    ),
    path(
        "false-users/<int:pk>/remove/",
        false_user_api.FalseUserRemove.as_view(),
        name="false-user-remove",
    ),
    path("onsite/", onsite_api.OnSiteList.as_view(), name="onsite-list"),
    path("onsite/follow-ups/", onsite_api.FollowUpList.as_view(), name="follow-up-list"),
    path(
        "onsite/follow-ups/<int:pk>/done/",
        onsite_api.FollowUpDone.as_view(),
        name="follow-up-done",
    ),
    path("onsite/<int:pk>/", onsite_api.OnSiteDetail.as_view(), name="onsite-detail"),
    path(
        "onsite/<int:pk>/follow-ups/",
        onsite_api.FollowUpCreate.as_view(),
        name="follow-up-create",
    ),
]
