"""Recording collection work on an account: actions, promises and who may record them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arrears.models import Account, CollectionAction
from arrears.services.collection import action_record, may_record_actions
from tests.arrears.conftest import PROMISE_COLUMNS


def account_url(account):
    return f"/arrears/accounts/{account.account_no}/"


def test_county_staff_record_a_call_from_the_account_page(client_for, staff_a, arrears_city):
    account = arrears_city["a1"]
    response = client_for(staff_a).post(
        account_url(account),
        {"kind": "call", "happened_on": "2026-11-16", "result": "Will pay Friday"},
    )
    assert response.status_code == 302
    action = CollectionAction.objects.get(account=account)
    assert (action.kind, action.result, action.owner, action.created_by) == (
        "call",
        "Will pay Friday",
        staff_a,
        staff_a,
    )
    page = client_for(staff_a).get(account_url(account)).content.decode()
    assert "Will pay Friday" in page


def test_a_promise_is_recorded_with_its_date_and_amount(client_for, city_user, arrears_city):
    account = arrears_city["a1"]
    response = client_for(city_user).post(
        account_url(account),
        {
            "kind": "promise",
            "happened_on": "2026-11-16",
            "promise_date": "2026-11-30",
            "promise_amount": "300",
        },
    )
    assert response.status_code == 302
    promise = CollectionAction.objects.get(account=account)
    assert promise.promise_date == dt.date(2026, 11, 30)
    assert promise.promise_amount == Decimal("300.00")


@pytest.mark.parametrize(
    ("promise_date", "promise_amount", "field"),
    [
        ("", "100", "promise_date"),
        ("2026-11-16", "100", "promise_date"),  # today is not in the future
        ("2026-11-01", "100", "promise_date"),
        ("2026-12-01", "", "promise_amount"),
        ("2026-12-01", "0", "promise_amount"),
    ],
)
def test_a_promise_needs_a_future_date_and_a_positive_amount(
    client_for, staff_a, arrears_city, promise_date, promise_amount, field
):
    account = arrears_city["a1"]
    response = client_for(staff_a).post(
        account_url(account),
        {
            "kind": "promise",
            "happened_on": "2026-11-16",
            "promise_date": promise_date,
            "promise_amount": promise_amount,
        },
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CollectionAction.objects.exists()


def test_the_service_names_the_fields_it_rejects(staff_a, arrears_city, today):
    with pytest.raises(ValidationError) as raised:
        action_record(
            account=arrears_city["a1"],
            kind="promise",
            happened_on=today + dt.timedelta(days=1),
            result="",
            promise_date=today,
            promise_amount=Decimal("-5"),
            owner=staff_a,
            created_by=staff_a,
        )
    assert set(raised.value.message_dict) == {"happened_on", "promise_date", "promise_amount"}


def test_an_action_cannot_come_before_the_account_was_opened(client_for, staff_a, arrears_city):
    account = arrears_city["a1"]  # opened 2020-01-01
    response = client_for(staff_a).post(
        account_url(account), {"kind": "sms", "happened_on": "2019-12-31", "result": "sent"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["happened_on"] == [
        "The account was opened on 2020-01-01; an action cannot come before that."
    ]
    assert not CollectionAction.objects.exists()


def test_only_a_promise_carries_a_promised_date(staff_a, arrears_city, today):
    with pytest.raises(ValidationError) as raised:
        action_record(
            account=arrears_city["a1"],
            kind="visit",
            happened_on=today,
            result="",
            promise_date=today + dt.timedelta(days=3),
            owner=staff_a,
            created_by=staff_a,
        )
    assert "promise_date" in raised.value.message_dict


def test_a_double_stop_sets_the_account_status_and_a_restore_reactivates_it(
    staff_a, arrears_city, today
):
    account = arrears_city["a1"]
    action_record(
        account=account,
        kind="double_stop",
        happened_on=today,
        result="",
        owner=staff_a,
        created_by=staff_a,
    )
    account.refresh_from_db()
    assert (account.status, account.status_changed_on) == ("double_stop", today)
    action_record(
        account=account,
        kind="restore",
        happened_on=today,
        result="Paid",
        owner=staff_a,
        created_by=staff_a,
    )
    account.refresh_from_db()
    assert account.status == "active"


def test_a_dismantled_account_cannot_be_restored(staff_a, arrears_city, today):
    account = arrears_city["a1"]
    Account.objects.filter(pk=account.pk).update(status="dismantled")
    account.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        action_record(
            account=account,
            kind="restore",
            happened_on=today,
            result="",
            owner=staff_a,
            created_by=staff_a,
        )
    assert "kind" in raised.value.message_dict


def test_the_owner_must_be_someone_who_works_the_accounts_county(
    staff_a, staff_b, arrears_city, today
):
    with pytest.raises(ValidationError) as raised:
        action_record(
            account=arrears_city["a1"],
            kind="call",
            happened_on=today,
            result="",
            owner=staff_b,
            created_by=staff_a,
        )
    assert "owner" in raised.value.message_dict


def test_an_owner_can_be_chosen_among_the_countys_staff(
    client_for, city_user, admin_user, staff_a, staff_b, arrears_city
):
    account = arrears_city["a1"]
    form = client_for(city_user).get(account_url(account)).context["form"]
    owners = set(form.fields["owner"].queryset)
    # The collectors of the account's own county; not the city's staff or admins.
    assert owners == {staff_a}
    assert city_user not in owners and admin_user not in owners and staff_b not in owners
    response = client_for(city_user).post(
        account_url(account), {"kind": "visit", "happened_on": "2026-11-15", "owner": staff_a.pk}
    )
    assert response.status_code == 302
    assert CollectionAction.objects.get().owner == staff_a


def test_who_may_record_actions(
    staff_a, staff_b, city_user, admin_user, leader, head_a, auditor1_a, auditor2, arrears_city
):
    account = arrears_city["a1"]
    assert may_record_actions(staff_a, account)
    assert may_record_actions(city_user, account)
    assert may_record_actions(admin_user, account)
    for reader in (staff_b, leader, head_a, auditor1_a, auditor2):
        assert not may_record_actions(reader, account)


@pytest.mark.parametrize("who", ["leader", "head_a", "auditor1_a", "auditor2"])
def test_managers_and_auditors_read_the_log_but_may_not_post(
    request, client_for, arrears_city, who
):
    user = request.getfixturevalue(who)
    client = client_for(user)
    account = arrears_city["a1"]
    page = client.get(account_url(account))
    assert page.status_code == 200 and page.context["form"] is None
    response = client.post(account_url(account), {"kind": "call", "happened_on": "2026-11-16"})
    assert response.status_code == 403
    assert not CollectionAction.objects.exists()


def test_posting_to_another_countys_account_is_not_found(client_for, staff_b, arrears_city):
    response = client_for(staff_b).post(
        account_url(arrears_city["a1"]), {"kind": "call", "happened_on": "2026-11-16"}
    )
    assert response.status_code == 404
    assert not CollectionAction.objects.exists()


def test_broken_promises_list_the_latest_promise_of_accounts_still_owing(
    client_for, staff_a, staff_b, arrears_city, today, time_machine
):
    a1, a2, a3 = arrears_city["a1"], arrears_city["a2"], arrears_city["a3"]
    earlier = today - dt.timedelta(days=20)
    time_machine.move_to(dt.datetime.combine(earlier, dt.time(12)), tick=False)
    for account in (a1, a2, a3):
        action_record(
            account=account,
            kind="promise",
            happened_on=earlier,
            result="",
            promise_date=earlier + dt.timedelta(days=5),
            promise_amount=Decimal("50"),
            owner=staff_a,
            created_by=staff_a,
        )
    # A2 promised again, for a date still to come: its old promise no longer counts.
    time_machine.move_to(dt.datetime.combine(today, dt.time(12)), tick=False)
    action_record(
        account=a2,
        kind="promise",
        happened_on=today,
        result="",
        promise_date=today + dt.timedelta(days=5),
        promise_amount=Decimal("50"),
        owner=staff_a,
        created_by=staff_a,
    )
    response = client_for(staff_a).get("/arrears/promises/")
    rows = [row.record for row in response.context["table"].paginated_rows]
    # A3 has paid everything; A2's latest promise is not due yet.
    assert [(r.account.account_no, r.outstanding_now) for r in rows] == [
        ("A-0001", Decimal("400.00"))
    ]
    assert len(client_for(staff_b).get("/arrears/promises/").context["table"].rows) == 0
    # The same headers as the worklist and the export (a county user's list has no county).
    assert tuple(column.header for column in response.context["table"].columns) == PROMISE_COLUMNS


def kinds_offered(client, account) -> list[str]:
    form = client.get(account_url(account)).context["form"]
    return [value for value, _label in form.fields["kind"].choices]


def test_actions_offered_fit_the_accounts_status(client_for, staff_a, arrears_city):
    client = client_for(staff_a)
    account = arrears_city["a1"]
    everyday = ["call", "sms", "visit"]
    assert kinds_offered(client, account) == [*everyday, "single_stop", "double_stop", "promise"]
    Account.objects.filter(pk=account.pk).update(status="double_stop")
    assert kinds_offered(client, account) == [*everyday, "single_stop", "restore", "promise"]
    Account.objects.filter(pk=account.pk).update(status="dismantled")
    offered = kinds_offered(client, account)
    assert offered == [*everyday, "promise"]
    page = client.get(account_url(account)).content.decode()
    assert "Single stop" not in page.split('id="action-form"')[1]
    assert "Restore service" not in page.split('id="action-form"')[1]


def test_the_service_refuses_a_stop_or_restore_that_changes_nothing(staff_a, arrears_city, today):
    account = arrears_city["a1"]  # active
    with pytest.raises(ValidationError) as raised:
        action_record(
            account=account,
            kind="restore",
            happened_on=today,
            result="",
            owner=staff_a,
            created_by=staff_a,
        )
    assert raised.value.message_dict["kind"] == [
        "The account is already active: “Restore service” would change nothing."
    ]
    assert not CollectionAction.objects.exists()


def test_the_account_page_shows_the_phone_and_address_to_call_and_visit(
    client_for, staff_a, arrears_city
):
    account = arrears_city["a1"]
    Account.objects.filter(pk=account.pk).update(
        contact_phone="138 0013 8000", address="1 East Road, Alpha"
    )
    page = client_for(staff_a).get(account_url(account)).content.decode()
    assert '<a href="tel:138 0013 8000">138 0013 8000</a>' in page
    assert "1 East Road, Alpha" in page.split('id="account-address"')[1].split("</dd>")[0]
