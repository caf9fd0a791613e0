"""Pages (``urlpatterns``, namespace "revenue") and API (``api_urlpatterns``, /api/v1/revenue/)."""

app_name = "revenue"
urlpatterns: list = []
api_urlpatterns: list = []
