from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from appraisal import urls as appraisal_urls
from arrears import urls as arrears_urls
from audits import urls as audits_urls
from marketing_ops import api, views
from materials import urls as materials_urls
from revenue import urls as revenue_urls

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("counties/", api.CountyList.as_view(), name="county-list"),
    path("counties/<str:code>/", api.CountyDetail.as_view(), name="county-detail"),
    path("business-lines/", api.BusinessLineList.as_view(), name="businessline-list"),
    path("me/", api.MeView.as_view(), name="me"),
    path("imports/", api.ImportJobList.as_view(), name="importjob-list"),
    path("imports/<int:pk>/", api.ImportJobDetail.as_view(), name="importjob-detail"),
    path("revenue/", include((revenue_urls.api_urlpatterns, "revenue-api"))),
    path("arrears/", include((arrears_urls.api_urlpatterns, "arrears-api"))),
    path("audits/", include((audits_urls.api_urlpatterns, "audits-api"))),
    path("materials/", include((materials_urls.api_urlpatterns, "materials-api"))),
    path("appraisal/", include((appraisal_urls.api_urlpatterns, "appraisal-api"))),
]

handler404 = views.page_not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("work/badges/", views.work_badges, name="work-badges"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/api-token/", views.api_token, name="api-token"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/language/", views.language_switch, name="language"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("imports/template/<str:dataset>.xlsx", views.import_template, name="import-template"),
    path("briefings/", views.briefing_list, name="briefings"),
    path("briefings/preview/", views.briefing_preview, name="briefing-preview"),
    path("briefings/send/", views.briefing_send_page, name="briefing-send"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing-detail"),
    path("briefings/<int:pk>/tables.xlsx", views.briefing_xlsx, name="briefing-xlsx"),
    path("revenue/", include(revenue_urls)),
    path("arrears/", include(arrears_urls)),
    path("audits/", include(audits_urls)),
    path("materials/", include(materials_urls)),
    path("appraisal/", include(appraisal_urls)),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]
