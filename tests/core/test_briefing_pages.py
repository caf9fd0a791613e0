"""Briefings from the archive page: city staff preview one (nothing archived, nothing mailed)
and send it; a second send of the same kind × period × scope needs "send again"."""

import pytest
from django.core import mail

from marketing_ops.models import Briefing

pytestmark = pytest.mark.django_db

PREVIEW = "/briefings/preview/"
SEND = "/briefings/send/"
WEEK = {"send-kind": "weekly", "send-period": "2026-W10", "send-scope": "city"}


def test_city_staff_preview_a_briefing_without_archiving_or_mailing_it(
    client_for, city_user, leader, county_a
):
    client = client_for(city_user)
    archive = client.get("/briefings/").content.decode()
    assert 'id="briefing-send"' in archive
    response = client.get(PREVIEW, WEEK)
    assert response.status_code == 200
    content = response.content.decode()
    assert "weekly briefing 2026-W10" in content
    assert "To 1 recipient: leader1@example.com." in content
    assert 'id="already-sent"' not in content and ">Send</button>" in content
    assert not Briefing.objects.exists() and not mail.outbox


def test_sending_archives_and_mails_once_and_a_second_send_needs_send_again(
    client_for, city_user, leader, head_a, county_a
):
    client = client_for(city_user)
    sent = client.post(SEND, WEEK)
    briefing = Briefing.objects.get()
    assert sent.status_code == 302 and sent.url == f"/briefings/{briefing.pk}/"
    assert (briefing.kind, briefing.period, briefing.scope, briefing.send_count) == (
        "weekly",
        "2026-W10",
        "city",
        1,
    )
    assert [m.to for m in mail.outbox] == [["leader1@example.com"]]
    # The same briefing again: nothing is sent; the preview says so and offers "send again".
    again = client.post(SEND, WEEK, follow=True)
    assert len(mail.outbox) == 1 and Briefing.objects.get().send_count == 1
    content = again.content.decode()
    assert "was already sent on" in content and "nothing was sent now" in content
    assert 'id="already-sent"' in content and "Send again" in content
    forced = client.post(SEND, WEEK | {"send-force": "on"})
    assert forced.status_code == 302
    assert len(mail.outbox) == 2 and Briefing.objects.get().send_count == 2
    # A county's briefing is its own scope: sent to its head.
    client.post(SEND, WEEK | {"send-scope": "C01"})
    assert mail.outbox[-1].to == ["head_a@example.com"]
    assert Briefing.objects.filter(scope="C01").count() == 1


@pytest.mark.parametrize(
    "period, message",
    [
        ("2026-W99", "expected a week as YYYY-Www"),
        ("2099-W01", "has not ended yet"),
    ],
)
def test_a_period_that_is_wrong_or_not_over_is_refused_with_a_message(
    client_for, city_user, period, message
):
    client = client_for(city_user)
    response = client.get(PREVIEW, WEEK | {"send-period": period})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.post(SEND, WEEK | {"send-period": period}).status_code == 400
    assert not Briefing.objects.exists() and not mail.outbox


def test_an_unknown_scope_is_refused(client_for, city_user):
    response = client_for(city_user).get(PREVIEW, WEEK | {"send-scope": "C99"})
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader", "auditor2"])
def test_only_city_staff_preview_and_send(request, client_for, who, county_a):
    client = client_for(request.getfixturevalue(who))
    assert client.get(PREVIEW, WEEK).status_code == 403
    assert client.post(SEND, WEEK).status_code == 403
    assert 'id="briefing-send"' not in client.get("/briefings/").content.decode()
    assert not Briefing.objects.exists() and not mail.outbox


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(PREVIEW, WEEK).status_code == 302
    assert client.post(SEND, WEEK).status_code == 302


def test_the_archive_names_the_scope_and_the_period_as_pages_write_them(
    client_for, city_user, county_a
):
    Briefing.objects.create(kind="monthly", period="2026-11", scope="city", subject="s1")
    Briefing.objects.create(
        kind="weekly", period="2026-W48", scope="C01", county=county_a, subject="s2"
    )
    client = client_for(city_user)
    page = client.get("/briefings/").content.decode()
    assert "<td >Whole city</td>" in page and "<td >Alpha District</td>" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/briefings/").content.decode()
    assert "全市" in page and "2026年11月" in page and "2026年第48周" in page
