"""Pages (``urlpatterns``, namespace "appraisal") and API (``api_urlpatterns``,
/api/v1/appraisal/)."""

from django.urls import path

from appraisal.api import appraisal as api
from appraisal.views import scorecards as views
from appraisal.views import setup as setup_views

app_name = "appraisal"
urlpatterns: list = [
    path("", views.ranking, name="ranking"),
    path("trend/<str:county>/", views.trend, name="trend"),
    path("schemes/", setup_views.scheme_list, name="schemes"),
    path("schemes/<str:month>/", setup_views.scheme_edit, name="scheme"),
    path("schemes/<str:month>/copy/", setup_views.scheme_copy, name="scheme-copy"),
    path("indicators/", setup_views.indicator_list, name="indicators"),
    path("indicators/new/", setup_views.indicator_create, name="indicator-create"),
    path("values/", setup_views.value_list, name="values"),
    path("values/new/", setup_views.value_create, name="value-create"),
    path("adjustments/", setup_views.adjustment_list, name="adjustments"),
    path("<str:month>/compute/", views.compute, name="compute"),
    path("<str:month>/close/", views.close, name="close"),
    path("<str:month>/<str:county>/", views.scorecard, name="scorecard"),
    path("<str:month>/<str:county>/adjust/", views.adjust, name="adjust"),
]
api_urlpatterns: list = [
    path("schemes/<str:month>/", api.SchemeView.as_view(), name="scheme"),
    path("indicators/", api.IndicatorList.as_view(), name="indicator-list"),
    path("values/<str:month>/", api.ValuesView.as_view(), name="values"),
    path("scorecards/<str:month>/", api.ScorecardList.as_view(), name="scorecard-list"),
    path("scorecards/<str:month>/compute/", api.ScorecardCompute.as_view(), name="compute"),
    path("scorecards/<str:month>/close/", api.ScorecardClose.as_view(), name="close"),
    path(
        "scorecards/<str:month>/<str:county>/adjust/",
        api.ScorecardAdjust.as_view(),
        name="adjust",
    ),
]
