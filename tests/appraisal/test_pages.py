"""Appraisal pages as users see them: the ranking grid with colours and export, a scorecard
with each score's inputs and formula, adjustments, the scheme editor, the trend, and who may
see and do what (docs/roles-and-scoping.md)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import Adjustment, AppraisalMonth, Scorecard
from marketing_ops.models import County
from tests.appraisal.conftest import M

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(account, county_a, county_b, scheme, compute):
    for n in range(4):
        account(f"A{n}", county_a)
    account("AS", county_a, status="single_stop", changed="2026-10-03")
    for n in range(2):
        account(f"B{n}", county_b)
    account("BS", county_b, status="double_stop", changed="2026-09-03")
    scheme()
    compute()
    return M


def ranking_url(month=M) -> str:
    return f"{reverse('appraisal:ranking')}?month={month}"


def scorecard_url(code: str, month=M) -> str:
    return reverse("appraisal:scorecard", args=[str(month), code])


def test_the_ranking_shows_every_countys_total_and_rank(computed, client_for, city_user):
    page = client_for(city_user).get(ranking_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-county="C01"' in text and 'data-county="C02"' in text
    assert "85.00" in text  # A's total
    assert "table-success" in text  # a score at the target is green
    # Each indicator's column reads by its name, in the reader's language, not by its code.
    assert 'data-indicator="CHURN_RATE">Churn rate<br>' in text
    client = client_for(city_user)
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(ranking_url()).content.decode()
    assert 'data-indicator="CHURN_RATE">离网率<br>' in chinese


def test_a_county_user_sees_the_ranking_but_only_their_own_scores(computed, client_for, staff_a):
    text = client_for(staff_a).get(ranking_url()).content.decode()
    assert scorecard_url("C01") in text
    assert scorecard_url("C02") not in text  # others: totals and ranks only
    b_row = text.split('data-county="C02"')[1].split("</tr>")[0]
    assert "·" in b_row and "table-success" not in b_row


def test_the_ranking_exports_to_xlsx(computed, client_for, city_user):
    answer = client_for(city_user).get(ranking_url() + "&export=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Rank", "County", "Name", "CHURN_RATE")
    assert rows[1][1] == "C01" and rows[1][0] == 1


def test_a_month_without_a_scheme_says_so(client_for, city_user, county_a):
    text = client_for(city_user).get(ranking_url()).content.decode()
    assert "has no scheme yet" in text


def test_the_scorecard_opens_each_score_to_its_inputs_and_formula(computed, client_for, city_user):
    text = client_for(city_user).get(scorecard_url("C01")).content.decode()
    assert "60 × clamp((0.5 − 0.2) ÷ (0.5 − 0.1), 0, 1) = 60 × 0.7500 = 45.00" in text
    assert "in_service_at_end" in text
    assert 'id="adjust-form"' in text


def test_a_county_user_opens_their_own_scorecard_but_not_anothers(
    computed, client_for, staff_a, head_a
):
    assert client_for(staff_a).get(scorecard_url("C01")).status_code == 200
    assert client_for(staff_a).get(scorecard_url("C02")).status_code == 404
    own = client_for(head_a).get(scorecard_url("C01")).content.decode()
    assert "45.00" in own and 'id="adjust-form"' not in own


def test_city_staff_record_an_adjustment_with_a_reason_and_the_ranks_follow(
    computed, client_for, city_user
):
    client = client_for(city_user)
    url = reverse("appraisal:adjust", args=[str(M), "C02"])
    refused = client.post(url, {"amount": "70", "indicator": "", "reason": ""})
    assert refused.status_code == 400 and not Adjustment.objects.exists()
    answer = client.post(url, {"amount": "70", "indicator": "", "reason": "Flood in September"})
    assert answer.status_code == 302
    assert Scorecard.objects.get(month=M.first_day, county__code="C02").rank == 1
    text = client.get(scorecard_url("C02")).content.decode()
    assert "Flood in September" in text


def test_compute_and_close_buttons_are_the_citys_and_a_closed_month_refuses(
    computed, client_for, city_user, staff_a
):
    assert client_for(staff_a).post(reverse("appraisal:compute", args=[str(M)])).status_code == 403
    assert client_for(staff_a).post(reverse("appraisal:close", args=[str(M)])).status_code == 403
    client = client_for(city_user)
    assert client.post(reverse("appraisal:compute", args=[str(M)])).status_code == 302
    assert client.post(reverse("appraisal:close", args=[str(M)])).status_code == 302
    assert AppraisalMonth.objects.get(month=M.first_day).closed
    page = client.get(ranking_url()).content.decode()
    assert "closed" in page and 'id="compute-form"' not in page
    answer = client.post(reverse("appraisal:compute", args=[str(M)]), follow=True)
    assert "is closed" in answer.content.decode()


def test_the_scheme_editor_shows_the_weights_sum_and_names_the_indicator_at_fault(
    client_for, city_user, county_a
):
    client = client_for(city_user)
    url = reverse("appraisal:scheme", args=[str(M)])
    page = client.get(url).content.decode()
    assert (
        "data-weight-sum" in page
        and 'data-weight="CHURN_RATE"' in page
        and "js/appraisal.js" in page
    )
    answer = client.post(
        url,
        {
            "CHURN_RATE__weight": "100",
            "CHURN_RATE__target": "0.5",
            "CHURN_RATE__floor": "0.1",
            "CHURN_RATE__cap": "1",
        },
    )
    assert answer.status_code == 200
    assert "CHURN_RATE: lower is better" in answer.content.decode()
    saved = client.post(
        url,
        {
            "CHURN_RATE__weight": "100",
            "CHURN_RATE__target": "0.01",
            "CHURN_RATE__floor": "0.05",
            "CHURN_RATE__cap": "1",
        },
    )
    assert saved.status_code == 302


def test_county_users_read_the_scheme_but_cannot_change_it(computed, client_for, staff_a):
    url = reverse("appraisal:scheme", args=[str(M)])
    page = client_for(staff_a).get(url).content.decode()
    assert "Save scheme" not in page
    assert client_for(staff_a).post(url, {}).status_code == 403


def test_a_scheme_is_copied_from_the_previous_month_by_the_button(scheme, client_for, city_user):
    scheme(month=M.previous())
    answer = client_for(city_user).post(reverse("appraisal:scheme-copy", args=[str(M)]))
    assert answer.status_code == 302
    page = client_for(city_user).get(reverse("appraisal:scheme", args=[str(M)])).content.decode()
    assert 'value="60.00"' in page


def test_the_trend_draws_a_countys_total_and_rank(computed, client_for, staff_a):
    page = client_for(staff_a).get(reverse("appraisal:trend", args=["C02"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="chart-data"' in text and "chart.umd.min.js" in text and "2026-10" in text


def test_manual_values_and_indicators_are_entered_by_city_staff(
    client_for, city_user, staff_a, county_a
):
    client = client_for(city_user)
    answer = client.post(
        reverse("appraisal:indicator-create"),
        {"code": "VISITS", "name": "Visits", "direction": "higher", "unit": "visits"},
    )
    assert answer.status_code == 302
    answer = client.post(
        reverse("appraisal:value-create"),
        {"month": "2026-10", "county": "C01", "indicator": "VISITS", "value": "12.5"},
    )
    assert answer.status_code == 302
    listing = client_for(staff_a).get(reverse("appraisal:values")).content.decode()
    assert "12.5" in listing
    assert client_for(staff_a).get(reverse("appraisal:value-create")).status_code == 403
    assert client_for(staff_a).get(reverse("appraisal:indicator-create")).status_code == 403


def test_list_pages_open_for_every_role(computed, client_for, city_user, staff_a, leader):
    for user in (city_user, staff_a, leader):
        client = client_for(user)
        for name in ("schemes", "indicators", "values", "adjustments"):
            assert client.get(reverse(f"appraisal:{name}")).status_code == 200, name


@pytest.mark.parametrize(
    "url",
    [
        "/appraisal/",
        "/appraisal/schemes/",
        "/appraisal/schemes/2026-10/",
        "/appraisal/indicators/",
        "/appraisal/values/",
        "/appraisal/adjustments/",
        "/appraisal/2026-10/C01/",
        "/appraisal/trend/C01/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url, county_a):
    answer = client.get(url)
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_the_ranking_page_runs_the_same_queries_for_more_counties(
    computed, client_for, city_user, account, django_assert_max_num_queries, compute
):
    client = client_for(city_user)
    client.get(ranking_url())
    with django_assert_max_num_queries(14) as few:
        client.get(ranking_url())
    for n in range(6):
        county = County.objects.create(code=f"X{n}", name=f"X{n}", sort_order=20 + n)
        account(f"X{n}-1", county)
    compute()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(ranking_url())
    with django_assert_max_num_queries(14):
        client.get(scorecard_url("C01"))


def test_the_ends_of_the_calendar_do_not_break_the_pages(client_for, city_user, county_a):
    client = client_for(city_user)
    assert client.get(f"{reverse('appraisal:ranking')}?month=9999-12").status_code == 200
    assert client.get(f"{reverse('appraisal:ranking')}?month=1900-01").status_code == 200
    assert client.get(reverse("appraisal:scheme", args=["1900-01"])).status_code == 200
    assert client.get(f"{reverse('appraisal:ranking')}?month=junk").status_code == 200


def test_the_set_up_pages_run_a_bounded_number_of_queries(
    computed, client_for, city_user, django_assert_max_num_queries
):
    client = client_for(city_user)
    for url in (
        reverse("appraisal:scheme", args=[str(M)]),
        reverse("appraisal:schemes"),
        reverse("appraisal:values"),
        reverse("appraisal:adjustments"),
        reverse("appraisal:indicators"),
        reverse("appraisal:trend", args=["C01"]),
    ):
        client.get(url)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_chinese_pages_write_the_month_as_chinese_readers_do(computed, client_for, city_user):
    client = client_for(city_user)
    client.cookies["django_language"] = "zh-hans"
    for url in (
        ranking_url(),
        scorecard_url("C01"),
        reverse("appraisal:scheme", args=[str(M)]),
        reverse("appraisal:schemes"),
        reverse("appraisal:trend", args=["C01"]),
    ):
        text = client.get(url).content.decode()
        assert "2026年10月" in text, url
        title = text.split("<title>")[1].split("</title>")[0]
        assert "2026-10" not in title, url
    # The address and the month switcher's values stay ISO.
    assert f'value="{M}"' in client.get(ranking_url()).content.decode()


def test_score_inputs_name_business_lines_and_write_months_in_the_pages_language():
    from django.utils import translation

    from appraisal.models import Score
    from appraisal.selectors.scorecards import ScoreLine

    score = Score(inputs={"billing_month": "2026-09", "BROADBAND_ratio": "0.9"})
    line = ScoreLine(score=score, adjustment=D(0), line_names={"BROADBAND": "宽带"})
    with translation.override("zh-hans"):
        shown = {key: (name, value) for name, key, value in line.inputs_shown}
    assert shown["billing_month"][1] == "2026年9月"
    assert "宽带" in shown["BROADBAND_ratio"][0] and "BROADBAND" not in shown["BROADBAND_ratio"][0]
    with translation.override("en"):
        assert {k: v for _, k, v in line.inputs_shown}["billing_month"] == "2026-09"
