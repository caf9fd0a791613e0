"""Pages (``urlpatterns``, namespace "arrears") and API (``api_urlpatterns``, /api/v1/arrears/)."""

app_name = "arrears"
urlpatterns: list = []
api_urlpatterns: list = []
