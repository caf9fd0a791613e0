"""Installs without a deposit followed up (docs/materials.md#terminal-states): the deposit
collected later (the install
leaves the list) or why it was not (a note, the install stays listed as followed up); by page
and API, with access: another county 404, a reading role 403, anonymous sent to sign in/401."""

import pytest
from rest_framework.test import APIClient

from materials.models import Deposit
from tests.materials.conftest import TODAY

pytestmark = pytest.mark.django_db
MONTH = f"{TODAY:%Y-%m}"


@pytest.fixture
def missing(move, ont, wh_a, broadband):
    """Two installs of C01 on broadband recorded without a deposit."""
    for serial in ("D1", "D2"):
        move("receipt", ont, to_warehouse=wh_a, serial=serial)
        move(
            "issue_install",
            ont,
            from_warehouse=wh_a,
            serial=serial,
            account_no=f"A-{serial}",
            business_line=broadband,
        )
    deposits = list(Deposit.objects.order_by("account_no"))
    assert [(d.account_no, d.amount) for d in deposits] == [("A-D1", None), ("A-D2", None)]
    return deposits


def _url(deposit):
    return f"/materials/deposits/{deposit.pk}/follow-up/"


def test_county_staff_record_a_deposit_collected_later_on_the_page(client_for, staff_a, missing):
    client = client_for(staff_a)
    listing = client.get(f"/materials/recycling/?month={MONTH}").content.decode()
    assert _url(missing[0]) in listing
    response = client.post(_url(missing[0]), {"amount": "100.00", "note": ""}, follow=True)
    assert response.status_code == 200
    assert "Deposit follow-up recorded." in response.content.decode()
    first = Deposit.objects.get(pk=missing[0].pk)
    assert (str(first.amount), first.followed_up_by) == ("100.00", staff_a)
    assert first.followed_up_at is not None
    listing = client.get(f"/materials/recycling/?month={MONTH}").content.decode()
    assert _url(missing[0]) not in listing and _url(missing[1]) in listing
    # Once collected it stands.
    again = client.post(_url(missing[0]), {"amount": "50"})
    assert "recorded already" in again.content.decode()


def test_without_an_amount_a_reason_is_required_and_the_install_stays_listed(
    client_for, staff_a, missing
):
    client = client_for(staff_a)
    refused = client.post(_url(missing[1]), {"amount": "", "note": " "})
    assert refused.status_code == 200
    assert "say why it was not collected" in refused.content.decode()
    assert Deposit.objects.get(pk=missing[1].pk).followed_up_at is None
    client.post(_url(missing[1]), {"amount": "", "note": "Customer on the social tariff"})
    second = Deposit.objects.get(pk=missing[1].pk)
    assert (second.amount, second.note) == (None, "Customer on the social tariff")
    listing = client.get(f"/materials/recycling/?month={MONTH}").content.decode()
    assert "Customer on the social tariff" in listing


def test_page_access(client, client_for, staff_b, leader, city_user, missing):
    assert "/accounts/login/" in client.get(_url(missing[0]))["Location"]
    assert client_for(staff_b).get(_url(missing[0])).status_code == 404
    assert client_for(leader).get(_url(missing[0])).status_code == 403
    reader = client_for(leader).get(f"/materials/recycling/?month={MONTH}").content.decode()
    assert _url(missing[0]) not in reader  # no follow-up button for a reading role
    assert client_for(city_user).get(_url(missing[0])).status_code == 200


def test_api_lists_and_follows_up(api_for, staff_a, staff_b, leader, city_user, missing):
    listed = api_for(staff_a).get(f"/api/v1/materials/deposits/?month={MONTH}").json()
    assert [row["account_no"] for row in listed["results"]] == ["A-D1", "A-D2"]
    assert (
        api_for(staff_b).get(f"/api/v1/materials/deposits/?month={MONTH}").json()["results"] == []
    )
    url = f"/api/v1/materials/deposits/{missing[0].pk}/follow-up/"
    assert APIClient().post(url, {}, format="json").status_code == 401
    assert api_for(staff_b).post(url, {"amount": "100"}, format="json").status_code == 404
    assert api_for(leader).post(url, {"amount": "100"}, format="json").status_code == 403
    refused = api_for(staff_a).post(url, {"note": ""}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    done = api_for(city_user).post(url, {"amount": "80.5"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert (body["amount"], body["followed_up_by"], body["county"]) == ("80.50", "city1", "C01")
    assert "month" in api_for(staff_a).get("/api/v1/materials/deposits/?month=x").json()
