"""Follow-up actions of field visits: the overdue list and marking an action done."""

import datetime as dt

from django.urls import reverse

from revenue.models import FollowUpAction

DAY = dt.timedelta(days=1)


def overdue_descriptions(response):
    return [row.record.description for row in response.context["table"].page.object_list]


def test_the_overdue_list_holds_open_actions_past_their_due_date(
    client_for, city_user, follow_ups_a, overdue_b, today
):
    overdue_a, due_today, done = follow_ups_a
    response = client_for(city_user).get(reverse("revenue:follow-up-overdue"))
    # Longest overdue first; due today is not overdue yet, done ones are not listed.
    assert overdue_descriptions(response) == [overdue_a.description, overdue_b.description]
    page = response.content.decode()
    assert due_today.description not in page and done.description not in page


def test_the_overdue_list_shows_how_many_days_late(client_for, city_user, overdue_a):
    response = client_for(city_user).get(reverse("revenue:follow-up-overdue"))
    table = response.context["table"]
    row = table.page.object_list[0]
    assert row.get_cell_value("days_overdue") == 10


def test_a_county_user_sees_only_their_countys_overdue_actions(
    client_for, staff_a, overdue_a, overdue_b
):
    response = client_for(staff_a).get(reverse("revenue:follow-up-overdue"))
    assert overdue_descriptions(response) == [overdue_a.description]


def test_the_overdue_list_filters_to_my_actions(client_for, city_user, staff_a, visit_a, today):
    FollowUpAction.objects.create(
        visit=visit_a, description="Mine", owner=city_user, due_on=today - DAY
    )
    FollowUpAction.objects.create(
        visit=visit_a, description="Theirs", owner=staff_a, due_on=today - DAY
    )
    response = client_for(city_user).get(reverse("revenue:follow-up-overdue"), {"mine": "on"})
    assert overdue_descriptions(response) == ["Mine"]


def test_marking_an_action_done_dates_it_today_and_takes_it_off_the_overdue_list(
    client_for, staff_a, overdue_a, today
):
    client = client_for(staff_a)
    overdue_url = reverse("revenue:follow-up-overdue")
    page = client.get(overdue_url).content.decode()
    done_url = reverse("revenue:follow-up-done", args=[overdue_a.pk])
    assert done_url in page  # the "Mark done" button

    response = client.post(done_url, {"next": overdue_url})
    assert response.status_code == 302 and response["Location"] == overdue_url
    overdue_a.refresh_from_db()
    assert overdue_a.done and overdue_a.done_on == today
    assert overdue_descriptions(client.get(overdue_url)) == []


def test_marking_a_done_action_again_keeps_its_date(client_for, staff_a, follow_ups_a, today):
    done = follow_ups_a[2]
    client_for(staff_a).post(reverse("revenue:follow-up-done", args=[done.pk]))
    done.refresh_from_db()
    assert done.done_on == today - 28 * DAY


def test_mark_done_needs_a_post(client_for, staff_a, overdue_a):
    response = client_for(staff_a).get(reverse("revenue:follow-up-done", args=[overdue_a.pk]))
    assert response.status_code == 405


def test_mark_done_does_not_redirect_to_another_site(client_for, staff_a, overdue_a):
    response = client_for(staff_a).post(
        reverse("revenue:follow-up-done", args=[overdue_a.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("revenue:field-visit-detail", args=[overdue_a.visit_id])


def test_read_only_users_see_no_mark_done_button(client_for, leader, overdue_a):
    page = client_for(leader).get(reverse("revenue:follow-up-overdue")).content.decode()
    assert overdue_a.description in page
    assert reverse("revenue:follow-up-done", args=[overdue_a.pk]) not in page


def test_the_visit_page_flags_the_overdue_action(client_for, staff_a, visit_a, follow_ups_a):
    page = client_for(staff_a).get(reverse("revenue:field-visit-detail", args=[visit_a.pk]))
    flagged = [a.description for a in page.context["follow_ups"] if a.overdue]
    assert flagged == ["Agree fibre build dates"]
    assert "overdue" in page.content.decode()


def test_the_activities_index_counts_overdue_actions(client_for, staff_a, overdue_a, overdue_b):
    response = client_for(staff_a).get(reverse("revenue:activities"))
    assert response.context["overview"].overdue_follow_ups == 1
    assert "1</strong> follow-up action from field visits is overdue" in response.content.decode()


def test_the_api_lists_overdue_actions(api_for, auditor2, follow_ups_a, overdue_b):
    data = api_for(auditor2).get(reverse("api:revenue-api:follow-up-list"), {"overdue": "true"})
    results = data.json()["results"]
    assert [(r["county"], r["description"]) for r in results] == [
        ("C01", "Agree fibre build dates"),
        ("C02", "Price a shop line"),
    ]
    assert all(r["overdue"] for r in results)
