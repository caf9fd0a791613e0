"""Pages (``urlpatterns``, namespace "materials") and API (``api_urlpatterns``,
/api/v1/materials/)."""

from django.urls import path

from materials.api import counts as count_api
from materials.api import loop as loop_api
from materials.api import materials as api
from materials.api import random_checks as check_api
from materials.views import counts as count_views
from materials.views import loop as loop_views
from materials.views import pages as views
from materials.views import random_checks as check_views

app_name = "materials"
urlpatterns: list = [
    path("", views.stock, name="stock"),
    path("warehouses/<str:code>/", views.warehouse_stock, name="warehouse"),
    path("moves/", views.move_list, name="moves"),
    path("moves/new/", views.move_create, name="move-create"),
    path("moves/<int:pk>/reverse/", views.move_reverse, name="move-reverse"),
    path("terminals/", views.terminal_list, name="terminals"),
    path("terminals/search/", views.terminal_search, name="terminal-search"),
    path("terminals/<str:serial>/", views.terminal_detail, name="terminal"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_edit, name="item-edit"),
    path("upload/", views.upload, name="upload"),
    path("loop/", loop_views.loop_summary, name="loop"),
    path("loop/<str:code>/", loop_views.loop_county, name="loop-county"),
    path("loop/<str:code>/explain/", loop_views.loop_explain, name="loop-explain"),
    path("loop/<str:code>/accept/", loop_views.loop_accept, name="loop-accept"),
    path("recycling/", loop_views.recycling, name="recycling"),
    path("deposits/<int:pk>/follow-up/", loop_views.deposit_follow_up, name="deposit-follow-up"),
    path("counts/", count_views.count_list, name="counts"),
    path("counts/new/", count_views.count_start, name="count-start"),
    path("counts/<int:pk>/", count_views.count_detail, name="count"),
    path("counts/<int:pk>/enter/", count_views.count_enter, name="count-enter"),
    path("counts/<int:pk>/approve/", count_views.count_approve, name="count-approve"),
    path("random-checks/", check_views.check_summary, name="random-checks"),
    path("random-checks/draw/", check_views.check_draw, name="random-check-draw"),
    path("random-checks/<int:pk>/", check_views.check_detail, name="random-check"),
    path(
        "random-checks/lines/<int:pk>/record/",
        check_views.check_record,
        name="random-check-record",
    ),
]
api_urlpatterns: list = [
    path("warehouses/", api.WarehouseList.as_view(), name="warehouse-list"),
    path("items/", api.ItemList.as_view(), name="item-list"),
    path("balances/", api.BalanceList.as_view(), name="balance-list"),
    path("moves/", api.MoveList.as_view(), name="move-list"),
    path("terminals/<str:serial>/", api.TerminalDetailView.as_view(), name="terminal-detail"),
    path("loop/", loop_api.LoopView.as_view(), name="loop"),
    path("loop/explain/", loop_api.LoopExplainView.as_view(), name="loop-explain"),
    path("loop/accept/", loop_api.LoopAcceptView.as_view(), name="loop-accept"),
    path("recycling/", loop_api.RecyclingView.as_view(), name="recycling"),
    path("deposits/", loop_api.DepositList.as_view(), name="deposit-list"),
    path(
        "deposits/<int:pk>/follow-up/",
        loop_api.DepositFollowUpView.as_view(),
        name="deposit-follow-up",
    ),
    path("counts/", count_api.CountList.as_view(), name="count-list"),
    path("counts/<int:pk>/", count_api.CountDetail.as_view(), name="count-detail"),
    path("counts/<int:pk>/enter/", count_api.CountEnter.as_view(), name="count-enter"),
    path("counts/<int:pk>/approve/", count_api.CountApprove.as_view(), name="count-approve"),
    path("random-checks/", check_api.SummaryView.as_view(), name="random-check-list"),
    path("random-checks/draw/", check_api.DrawView.as_view(), name="random-check-draw"),
    path("random-checks/<int:pk>/", check_api.CheckDetail.as_view(), name="random-check-detail"),
    path(
        "random-checks/lines/<int:pk>/record/",
        check_api.RecordView.as_view(),
        name="random-check-record",
    ),
]
