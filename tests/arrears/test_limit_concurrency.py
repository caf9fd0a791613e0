"""Several people setting the same transfer limit at once: every one is answered, the last
amount wins, and there is one limit row. Real threads on PostgreSQL (SQLite serialises writers,
so the race cannot happen there)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, transaction

from arrears.models import TransferLimit
from arrears.services.transfers import limit_set
from marketing_ops.periods import Month

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers"),
]

MARCH = Month(2026, 3)


def test_a_limit_inserted_meanwhile_by_someone_else_is_updated_not_a_500(city_user, county_a):
    inserted = threading.Event()
    release = threading.Event()

    def first_writer() -> None:
        try:
            with transaction.atomic():
                limit_set(month=MARCH, county=county_a, amount=Decimal("100"), set_by=city_user)
                inserted.set()
                release.wait(5)  # hold the new row uncommitted while the second one arrives
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert inserted.wait(5)
    threading.Timer(0.5, release.set).start()
    # This one finds no row, inserts, waits for the first to commit, then must update.
    limit = limit_set(month=MARCH, county=county_a, amount=Decimal("200"), set_by=city_user)
    thread.join()
    assert limit.amount == Decimal("200.00")
    assert list(TransferLimit.objects.values_list("county_id", "amount")) == [
        (county_a.pk, Decimal("200.00"))
    ]


@pytest.mark.parametrize("scope", ["city", "county"])
def test_four_people_setting_the_same_limit_at_once_are_all_answered(
    api_for, city_user, county_a, scope
):
    start = threading.Barrier(4)
    body = {"month": "2026-03"} | ({"county": "C01"} if scope == "county" else {})

    def put(amount: int) -> int:
        try:
            client = api_for(city_user)
            start.wait(5)
            return client.post(
                "/api/v1/arrears/transfers/limits/", body | {"amount": str(amount)}, format="json"
            ).status_code
        finally:
            connection.close()

    for _round in range(5):
        TransferLimit.objects.all().delete()
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(put, [100, 200, 300, 400]))
        assert statuses == [200, 200, 200, 200]
        (amount,) = TransferLimit.objects.values_list("amount", flat=True)
        assert amount in {Decimal(n) for n in (100, 200, 300, 400)}
