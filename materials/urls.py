"""Pages (``urlpatterns``, namespace "materials") and API (``api_urlpatterns``,
/api/v1/materials/)."""

from django.urls import path

from materials.api import loop as loop_api
from materials.views import loop as loop_views

app_name = "materials"
urlpatterns: list = [
    path("loop/", loop_views.loop_summary, name="loop"),
    path("loop/<str:code>/", loop_views.loop_county, name="loop-county"),
    path("loop/<str:code>/explain/", loop_views.loop_explain, name="loop-explain"),
    path("loop/<str:code>/accept/", loop_views.loop_accept, name="loop-accept"),
    path("recycling/", loop_views.recycling, name="recycling"),
]
api_urlpatterns: list = [
    path("loop/", loop_api.LoopView.as_view(), name="loop"),
    path("loop/explain/", loop_api.LoopExplainView.as_view(), name="loop-explain"),
    path("loop/accept/", loop_api.LoopAcceptView.as_view(), name="loop-accept"),
    path("recycling/", loop_api.RecyclingView.as_view(), name="recycling"),
]
