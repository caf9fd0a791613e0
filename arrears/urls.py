"""Pages (``urlpatterns``, namespace "arrears") and API (``api_urlpatterns``, /api/v1/arrears/)."""

from django.urls import URLPattern, URLResolver, path

from arrears import api, views

app_name = "arrears"
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("worklist/", views.worklist, name="worklist"),
    path("accounts/<str:account_no>/", views.account_detail, name="account"),
    path("promises/", views.promises, name="promises"),
    path("top/", views.top_overdue, name="top-overdue"),
    path("transfers/", views.transfers, name="transfers"),
]
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", api.ArrearsImportCreate.as_view(), name="import-create"),
    path("imports/<int:pk>/", api.ArrearsImportDetail.as_view(), name="import-detail"),
    path("recovery/", api.RecoveryView.as_view(), name="recovery"),
    path("ageing/", api.AgeingView.as_view(), name="ageing"),
    path("transfers/", api.TransferList.as_view(), name="transfer-list"),
    path("transfers/summary/", api.TransferSummaryView.as_view(), name="transfer-summary"),
    path("transfers/limits/", api.TransferLimitView.as_view(), name="transfer-limit"),
]
