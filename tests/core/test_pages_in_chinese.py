"""Every page renders in Chinese (zh-hans) for a city and a county user: the per-language
formats (dates, months, points) and the translated labels never break a page. Walks the URL
patterns as the anonymous-access test does, so a new page is covered when it is routed."""

import pytest
from django.conf import settings

from tests.core.test_every_url_refuses_anonymous import ENDPOINTS

PAGES = [
    e
    for e in ENDPOINTS
    if not e.url.startswith(("/api/", "/admin/"))
    # work-badges is the navigation bar alone, not a page (test_home_work reads it in Chinese).
    and e.name not in ("logout", "language", "work-badges")
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", PAGES, ids=[e.route for e in PAGES])
def test_the_page_renders_in_chinese_for_city_and_county_users(
    endpoint, client_for, city_user, staff_a
):
    for user in (city_user, staff_a):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = client.get(endpoint.url)
        assert response.status_code < 500, (user.username, endpoint.url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            assert b'<html lang="zh-hans"' in response.content
