"""The briefing framework (docs/rules.md#briefings): periods, idempotent sending, recipients by
scope, dry runs,
and the archive."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from marketing_ops import briefings
from marketing_ops.briefings import Section, briefing_send_all, period_for
from marketing_ops.models import Briefing
from marketing_ops.tasks import send_briefing
from marketing_ops.xlsx import Sheet

# --------------------------------------------------------------------------- periods


def test_the_daily_briefing_covers_yesterday():
    period = period_for("daily", today=dt.date(2026, 3, 1))
    assert (period.label, period.start, period.end) == (
        "2026-02-28",
        dt.date(2026, 2, 28),
        dt.date(2026, 2, 28),
    )


def test_the_weekly_briefing_covers_last_monday_to_sunday():
    period = period_for("weekly", today=dt.date(2026, 3, 4))  # a Wednesday
    assert (period.label, period.start, period.end) == (
        "2026-W09",
        dt.date(2026, 2, 23),
        dt.date(2026, 3, 1),
    )
    assert period_for("weekly", today=dt.date(2026, 3, 2)).label == "2026-W09"  # on Monday


def test_the_monthly_briefing_covers_last_month_even_across_a_year():
    period = period_for("monthly", today=dt.date(2026, 1, 3))
    assert (period.label, period.start, period.end) == (
        "2025-12",
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )


def test_a_period_can_be_named():
    assert period_for("daily", "2026-02-10").end == dt.date(2026, 2, 10)
    week = period_for("weekly", "2026-W01")
    assert (week.start, week.end) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    month = period_for("monthly", "2024-02")
    assert (month.start, month.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


@pytest.mark.parametrize(
    ("kind", "label"), [("yearly", None), ("weekly", "2026-09"), ("monthly", "2026-13")]
)
def test_a_bad_kind_or_period_is_refused(kind, label):
    with pytest.raises(ValueError):
        period_for(kind, label)


# --------------------------------------------------------------------------- sending


@pytest.fixture
def test_sections(monkeypatch):
    """A stand-in for the apps' sections: one line and one table naming the scope."""

    def sections(period, county):
        scope = county.code if county else "CITY"
        table = Sheet(f"Figures {scope}", ["scope", "amount"], [[scope, Decimal("12.50")]])
        return [Section("Test figures", lines=[f"figures of {scope}"], tables=[table], order=1)]

    monkeypatch.setattr(briefings, "collect_sections", sections)


@pytest.fixture
def people(leader, head_a, staff_a, county_b):
    return {"leader": leader, "head_a": head_a}


def outbox_by_recipient() -> dict[str, list]:
    sent: dict[str, list] = {}
    for message in mail.outbox:
        assert len(message.to) == 1  # one message each: no one sees the other recipients
        sent.setdefault(message.to[0], []).append(message)
    return sent


@pytest.mark.django_db
def test_managers_get_the_city_briefing_and_county_heads_their_countys(test_sections, people):
    results = briefing_send_all("monthly", "2026-02")
    assert [r.briefing.scope for r in results] == ["city", "C01", "C02"]
    sent = outbox_by_recipient()
    assert set(sent) == {"leader1@example.com", "head_a@example.com"}  # not county staff
    city, county = sent["leader1@example.com"][0], sent["head_a@example.com"][0]
    assert "monthly briefing 2026-02" in city.subject
    assert "figures of CITY" in city.body
    assert county.subject.endswith("Alpha District")
    assert "figures of C01" in county.body
    html = county.alternatives[0][0]
    assert "figures of C01" in html
    assert "C02" not in county.body + html and "CITY" not in county.body + html


@pytest.mark.django_db
def test_a_county_heads_attachment_holds_only_their_county(test_sections, people):
    briefing_send_all("monthly", "2026-02")
    message = outbox_by_recipient()["head_a@example.com"][0]
    name, content, mimetype = message.attachments[0]
    assert name == "briefing-monthly-2026-02-C01.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    values = [c.value for s in workbook.worksheets for row in s.iter_rows() for c in row]
    assert "C01" in values
    assert "C02" not in values and "CITY" not in values


@pytest.mark.django_db
def test_sending_twice_sends_one_email_per_recipient_unless_forced(test_sections, people):
    briefing_send_all("weekly", "2026-W09")
    assert len(mail.outbox) == 2
    again = briefing_send_all("weekly", "2026-W09")
    assert not any(r.sent for r in again)
    assert len(mail.outbox) == 2
    assert Briefing.objects.count() == 3  # city, C01, C02: one per kind × period × scope
    briefing_send_all("weekly", "2026-W09", force=True)
    assert len(mail.outbox) == 4
    assert {len(m) for m in outbox_by_recipient().values()} == {2}
    assert Briefing.objects.get(scope="C01").send_count == 2


@pytest.mark.django_db
def test_inactive_managers_and_inactive_counties_get_nothing(test_sections, people, county_b):
    people["head_a"].is_active = False
    people["head_a"].save(update_fields=["is_active"])
    county_b.active = False
    county_b.save(update_fields=["active"])
    results = briefing_send_all("daily", "2026-03-01")
    assert [r.briefing.scope for r in results] == ["city", "C01"]
    assert set(outbox_by_recipient()) == {"leader1@example.com"}


@pytest.mark.django_db
def test_a_dry_run_saves_and_sends_nothing(test_sections, people):
    results = briefing_send_all("monthly", "2026-02", dry_run=True)
    assert "figures of CITY" in results[0].briefing.text
    assert results[0].recipients == ["leader1@example.com"]
    assert Briefing.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_command_prints_a_dry_run_and_reports_what_was_sent(test_sections, people):
    out = io.StringIO()
    call_command("send_briefing", "monthly", "--period", "2026-02", "--dry-run", stdout=out)
    assert "To: leader1@example.com" in out.getvalue()
    assert "figures of CITY" in out.getvalue()
    assert Briefing.objects.count() == 0
    out = io.StringIO()
    call_command("send_briefing", "monthly", "--period", "2026-02", stdout=out)
    call_command("send_briefing", "monthly", "--period", "2026-02", stdout=out)
    assert "already sent (use --force to resend)" in out.getvalue()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_command_refuses_a_bad_period(test_sections):
    with pytest.raises(CommandError, match="YYYY-Www"):
        call_command("send_briefing", "weekly", "--period", "2026-02", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_scheduled_task_sends_the_briefings(test_sections, people):
    assert send_briefing("daily", "2026-03-01") == 3
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_sections_of_every_app_render_for_the_city_and_each_kind(leader, county_a, county_b):
    for kind, label in (("daily", "2026-03-01"), ("weekly", "2026-W09"), ("monthly", "2026-02")):
        city = briefing_send_all(kind, label, dry_run=True)[0].briefing
        county = briefing_send_all(kind, label, dry_run=True)[1].briefing
        assert kind in city.subject
        assert "Beta County" not in county.html + county.text  # C01's briefing names no C02


# --------------------------------------------------------------------------- the archive


@pytest.mark.django_db
def test_the_archive_shows_a_sent_briefing_and_its_tables(
    test_sections, people, client_for, staff_a
):
    briefing_send_all("monthly", "2026-02")
    own = Briefing.objects.get(scope="C01")
    client = client_for(staff_a)
    listing = client.get("/briefings/").content.decode()
    assert own.subject in listing
    assert "figures of C01" in client.get(f"/briefings/{own.pk}/").content.decode()
    download = client.get(f"/briefings/{own.pk}/tables.xlsx")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('"briefing-monthly-2026-02-C01.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert [c.value for c in sheet[2]] == ["C01", 12.5]
    city = Briefing.objects.get(scope="city")
    assert client.get(f"/briefings/{city.pk}/").status_code == 404
    assert client.get(f"/briefings/{city.pk}/tables.xlsx").status_code == 404


@pytest.mark.django_db
def test_text_from_the_data_is_escaped_in_the_archived_briefing(monkeypatch, leader, client_for):
    def sections(period, county):
        return [Section("Notes", lines=["<script>alert(1)</script> & co"])]

    monkeypatch.setattr(briefings, "collect_sections", sections)
    briefing_send_all("daily", "2026-03-01")
    city = Briefing.objects.get(scope="city")
    page = client_for(leader).get(f"/briefings/{city.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script>alert(1)" not in page


@pytest.mark.django_db
def test_a_briefing_without_tables_has_no_workbook_to_download(monkeypatch, leader, client_for):
    monkeypatch.setattr(briefings, "collect_sections", lambda period, county: [])
    briefing_send_all("daily", "2026-03-01")
    city = Briefing.objects.get(scope="city")
    assert "Nothing to report" in city.text + city.html
    client = client_for(leader)
    assert "Tables as xlsx" not in client.get(f"/briefings/{city.pk}/").content.decode()
    assert client.get(f"/briefings/{city.pk}/tables.xlsx").status_code == 404
