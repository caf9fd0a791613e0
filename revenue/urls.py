"""Pages (``urlpatterns``, namespace "revenue") and API (``api_urlpatterns``, /api/v1/revenue/)."""

from revenue.activities import urls as activities_urls

app_name = "revenue"

urlpatterns: list = [
    # plans, decomposition, phasing, reports, progress, dashboards
] + activities_urls.urlpatterns

api_urlpatterns: list = [
    # plans/, reports/, progress/ (SPEC §10)
] + activities_urls.api_urlpatterns
