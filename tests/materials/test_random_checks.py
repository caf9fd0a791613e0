"""Random checks (docs/materials.md): a reproducible monthly sample per county of what the ledger
places
there, results recorded by the checker, and the summary."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from marketing_ops.periods import Month
from materials.calculations import random_check_seed, sample_serials
from materials.models import RandomCheck, Terminal
from materials.selectors import random_checks as reads
from materials.services import random_checks as writes

NOV, DEC = Month(2026, 11), Month(2026, 12)


@pytest.fixture
def terminals(ont, wh_a, wh_b, county_a, county_b):
    """60 terminals in C01's warehouse, 10 installed at C01's accounts, 5 scrapped, 10 in C02."""
    rows = [
        Terminal(serial=f"A{n:03}", item=ont, state="new", warehouse=wh_a, county=county_a)
        for n in range(60)
    ]
    rows += [
        Terminal(
            serial=f"I{n:03}", item=ont, state="installed", account_no=f"AC{n}", county=county_a
        )
        for n in range(10)
    ]
    rows += [
        Terminal(serial=f"X{n:03}", item=ont, state="scrapped", county=county_a) for n in range(5)
    ]
    rows += [
        Terminal(serial=f"B{n:03}", item=ont, state="recycled", warehouse=wh_b, county=county_b)
        for n in range(10)
    ]
    Terminal.objects.bulk_create(rows)


def sample_of(check):
    return list(check.lines.order_by("serial").values_list("serial", flat=True))


def test_the_sample_is_the_same_when_drawn_again_and_differs_between_months(
    terminals, county_a, city_user, settings
):
    settings.RANDOM_CHECK_SAMPLE = 20
    first = sample_of(writes.random_check_draw(user=city_user, county=county_a, month=NOV))
    assert len(first) == 20
    assert writes.random_check_draw(user=city_user, county=county_a, month=NOV).lines.count() == 20
    RandomCheck.objects.all().delete()
    again = sample_of(writes.random_check_draw(user=city_user, county=county_a, month=NOV))
    assert again == first
    december = sample_of(writes.random_check_draw(user=city_user, county=county_a, month=DEC))
    assert december != first
    assert all(serial[0] in "AI" for serial in first + december)  # never scrapped, never C02


@given(st.sets(st.text(min_size=1, max_size=6), max_size=40), st.integers(0, 50))
def test_a_sample_does_not_depend_on_the_order_serials_are_read_in(serials, size):
    seed = random_check_seed("C01", "2026-11")
    forward = sample_serials(sorted(serials), seed, size)
    assert forward == sample_serials(sorted(serials, reverse=True), seed, size)
    assert len(forward) == min(size, len(serials)) and set(forward) <= serials


def test_a_small_county_has_all_its_terminals_checked(terminals, county_b, city_user):
    check = writes.random_check_draw(user=city_user, county=county_b, month=NOV)
    assert len(sample_of(check)) == 10
    assert check.lines.first().expected_place == "C02"


def test_results_are_recorded_and_summed(terminals, county_a, staff_a, staff_b, city_user):
    check = writes.random_check_draw(user=staff_a, county=county_a, month=NOV)
    lines = list(check.lines.order_by("serial"))
    writes.random_check_record(user=staff_a, line=lines[0], result="found", mode="on_site")
    writes.random_check_record(user=staff_a, line=lines[1], result="not_found", mode="remote")
    with pytest.raises(ValidationError) as refused:
        writes.random_check_record(user=staff_a, line=lines[2], result="wrong_place", mode="x")
    assert set(refused.value.message_dict) == {"mode", "note"}
    writes.random_check_record(
        user=staff_a, line=lines[2], result="wrong_place", mode="on_site", note="At C03"
    )
    with pytest.raises(Exception) as other:
        writes.random_check_record(user=staff_b, line=lines[3], result="found", mode="remote")
    assert other.type.__name__ == "Http404"
    rows = {row.county: row for row in reads.summary(city_user, NOV)}
    c01 = rows["C01"]
    assert (c01.sampled, c01.found, c01.not_found, c01.wrong_place, c01.open) == (20, 1, 1, 1, 17)
    assert str(c01.found_rate) == "0.3333"
    assert rows["C02"].check_id is None


def test_a_reader_may_not_draw(terminals, county_a, leader):
    with pytest.raises(PermissionDenied):
        writes.random_check_draw(user=leader, county=county_a, month=NOV)


# --------------------------------------------------------------------------- pages and API


def test_the_pages_draw_record_and_sum_a_check(terminals, client_for, staff_a, time_machine):
    time_machine.move_to("2026-11-20 10:00+08:00", tick=False)
    client = client_for(staff_a)
    summary = client.get("/materials/random-checks/?month=2026-11")
    assert summary.status_code == 200 and b"random-check-draw" in summary.content
    drawn = client.post("/materials/random-checks/draw/", {"county": "C01", "month": "2026-11"})
    check = RandomCheck.objects.get()
    assert drawn["Location"].endswith(f"/materials/random-checks/{check.pk}/")
    line = check.lines.order_by("serial").first()
    page = client.get(drawn["Location"])
    assert page.status_code == 200 and line.serial.encode() in page.content
    client.post(
        f"/materials/random-checks/lines/{line.pk}/record/", {"result": "found", "mode": "remote"}
    )
    line.refresh_from_db()
    assert (line.result, line.mode, line.checked_by) == ("found", "remote", staff_a)
    export = client.get("/materials/random-checks/?month=2026-11&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_another_county_and_readers_are_kept_out(
    terminals, county_a, client_for, api_for, staff_a, staff_b, leader
):
    check = writes.random_check_draw(user=staff_a, county=county_a, month=NOV)
    line = check.lines.first()
    assert client_for(staff_b).get(f"/materials/random-checks/{check.pk}/").status_code == 404
    record = {"result": "found", "mode": "remote"}
    url = f"/materials/random-checks/lines/{line.pk}/record/"
    assert client_for(staff_b).post(url, record).status_code == 404
    assert client_for(leader).post(url, record).status_code == 403
    api = api_for(staff_b)
    assert api.get(f"/api/v1/materials/random-checks/{check.pk}/").status_code == 404
    assert (
        api.post(f"/api/v1/materials/random-checks/lines/{line.pk}/record/", record).status_code
        == 404
    )
    assert api.post("/api/v1/materials/random-checks/draw/", {"county": "C01"}).status_code == 404
    assert (
        api_for(leader)
        .post(f"/api/v1/materials/random-checks/lines/{line.pk}/record/", record)
        .status_code
        == 403
    )


def test_the_api_draws_records_and_sums(terminals, api_for, staff_a, city_user):
    api = api_for(staff_a)
    drawn = api.post("/api/v1/materials/random-checks/draw/", {"county": "C01", "month": "2026-11"})
    assert drawn.status_code == 201 and len(drawn.json()["lines"]) == 20
    line = drawn.json()["lines"][0]
    recorded = api.post(
        f"/api/v1/materials/random-checks/lines/{line['id']}/record/",
        {"result": "not_found", "mode": "on_site"},
    )
    assert recorded.json()["result"] == "not_found"
    rows = api_for(city_user).get("/api/v1/materials/random-checks/?month=2026-11").json()
    assert rows[0]["county"] == "C01" and rows[0]["not_found"] == 1 and rows[0]["checked"] == 1
    assert rows[1]["check_id"] is None
    assert "month" in api.get("/api/v1/materials/random-checks/?month=13").json()


def test_the_summary_page_runs_a_fixed_number_of_queries(
    terminals, county_a, client_for, city_user, django_assert_max_num_queries
):
    check = writes.random_check_draw(user=city_user, county=county_a, month=NOV)
    client = client_for(city_user)
    with django_assert_max_num_queries(12):
        assert client.get("/materials/random-checks/?month=2026-11").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/materials/random-checks/{check.pk}/").status_code == 200


def test_the_monthly_task_draws_every_county_once(terminals, time_machine):
    from materials import tasks

    time_machine.move_to("2026-12-01 06:10+08:00", tick=False)
    assert tasks.random_checks_draw() == 2
    assert tasks.random_checks_draw() == 0
    assert set(RandomCheck.objects.values_list("month", flat=True)) == {"2026-12"}
