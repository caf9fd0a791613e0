"""Pages (``urlpatterns``, namespace "materials") and API (``api_urlpatterns``,
/api/v1/materials/)."""

from django.urls import path

from materials.api import materials as api
from materials.views import pages as views

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
]
api_urlpatterns: list = [
    path("warehouses/", api.WarehouseList.as_view(), name="warehouse-list"),
    path("items/", api.ItemList.as_view(), name="item-list"),
    path("balances/", api.BalanceList.as_view(), name="balance-list"),
    path("moves/", api.MoveList.as_view(), name="move-list"),
    path("terminals/<str:serial>/", api.TerminalDetailView.as_view(), name="terminal-detail"),
]
